package dev.pullsecret.webhook.files;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a check of mounted files every interval, on a daemon thread of its own. The rules and the
 * certificates are both polled rather than watched for file events: the kubelet updates a mounted
 * ConfigMap or Secret by swapping a {@code ..data} symlink, other tools rewrite files in place, and
 * some mounts emit no event at all; comparing content every couple of seconds covers every case at
 * the cost of reading a few KiB.
 *
 * <p>A check that throws is logged and polling goes on: a poller that died would silently stop
 * every later reload.
 */
public final class FilePoller implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FilePoller.class);

  private final ScheduledExecutorService scheduler;

  private FilePoller(String threadName) {
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name(threadName).daemon().factory());
  }

  /**
   * Starts calling {@code check} every {@code interval}, the first time one interval from now.
   *
   * @param setting the property that set the interval, named if it is not positive
   * @param what what is checked, for the log line of an unexpected error (e.g. "the rules file x")
   */
  public static FilePoller start(
      String threadName, String setting, Duration interval, Supplier<String> what, Runnable check) {
    long millis = interval.toMillis();
    if (millis < 1) {
      throw new IllegalArgumentException(setting + " must be at least 1ms, got " + interval);
    }
    var poller = new FilePoller(threadName);
    poller.scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            check.run();
          } catch (RuntimeException e) {
            log.error("Unexpected error while checking {}", what.get(), e);
          }
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
    return poller;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
