package dev.pullsecret.webhook.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a value loaded from files (the rules, the serving certificates) in step with them, without
 * a restart. The files are identified by a digest every poll; new content is loaded and checked
 * completely, then applied (a store swapped, a TLS context rebuilt), and only then is it in force.
 * Content that is refused leaves the last good value in force and is reported once per distinct
 * content.
 *
 * <p>Polled rather than watched for file events: the kubelet updates a mounted ConfigMap or Secret
 * by swapping a {@code ..data} symlink, other tools rewrite files in place, and some mounts emit no
 * event at all; comparing content every couple of seconds covers every case at the cost of reading
 * a few KiB. A poll that throws is logged and polling goes on: a poller that died would silently
 * stop every later reload.
 *
 * @param <T> the value loaded, e.g. the rules with their version
 * @param <E> the exception that refuses content, e.g. invalid rules; other exceptions are bugs
 */
public final class FileReloader<T, E extends RuntimeException> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileReloader.class);

  private static final int START_ATTEMPTS = 3;

  /** The files and how to load them. */
  public interface Source<T> {

    /** Identifies the files' content; never fails (unreadable files get a marker of their own). */
    String digest();

    /** Reads and checks the files, given the value in force ({@code previous}, null at start). */
    T load(T previous);
  }

  /** Told about every value put in force and every content refused: logs, metrics. */
  public interface Listener<T, E> {
    void loaded(T value);

    void refused(E error);

    /** After every poll, with the value in force, e.g. to warn of a coming expiry. */
    default void polled(T current) {}
  }

  /**
   * The metrics every reloaded file has: {@code PREFIX.reloads{result=loaded|refused}} and {@code
   * PREFIX.last.reload.success} (1, or 0 while the last new content is refused), e.g. {@code
   * pullsecret_rules_reloads_total} in Prometheus.
   *
   * @param what what is loaded, for the descriptions, e.g. "new rules"
   */
  public static Listener<Object, Object> metrics(
      MeterRegistry registry, String prefix, String what) {
    var lastReloadSucceeded = new AtomicLong(1);
    Gauge.builder(prefix + ".last.reload.success", lastReloadSucceeded, AtomicLong::get)
        .description("1 if the last " + what + " were put in force, 0 if they were refused")
        .register(registry);
    Function<String, Counter> reloads =
        result ->
            Counter.builder(prefix + ".reloads")
                .description("Attempts to put " + what + " in force, by result")
                .tag("result", result)
                .register(registry);
    Counter loaded = reloads.apply("loaded");
    Counter refused = reloads.apply("refused");
    return new Listener<>() {
      @Override
      public void loaded(Object value) {
        lastReloadSucceeded.set(1);
        loaded.increment();
      }

      @Override
      public void refused(Object error) {
        lastReloadSucceeded.set(0);
        refused.increment();
      }
    };
  }

  /** When refused content is reported. */
  public enum Refusal {
    /** On the first poll that sees it. */
    AT_ONCE,
    /**
     * When the same content failed on two polls in a row: an updater that writes two files one
     * after the other can be caught between the writes, which is no reason for an error report.
     */
    WHEN_SEEN_TWICE
  }

  private final Source<T> source;
  private final Class<E> refusalType;
  private final Refusal refusal;
  private final List<Listener<? super T, ? super E>> listeners;
  private volatile Consumer<T> apply = value -> {};
  private volatile ScheduledExecutorService poller;
  private volatile T current;

  /** Digest of the content in force, or of the refused content last reported. */
  private String lastSeen;

  /** Digest of refused content seen once and not reported yet. */
  private String unsettled;

  /** Digest of refused content that may pass later, reported already (see {@link #refuse}). */
  private String reportedPassesLater;

  public FileReloader(
      Source<T> source,
      Class<E> refusalType,
      Refusal refusal,
      List<Listener<? super T, ? super E>> listeners) {
    this.source = source;
    this.refusalType = refusalType;
    this.refusal = refusal;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Loads the files and puts them in force, or throws the refusal: nothing may be served from files
   * that cannot be. A load is tried again only when the files changed while they were read.
   */
  public T start() {
    for (int attempt = 1; ; attempt++) {
      String digest = source.digest();
      try {
        putInForce(source.load(null), digest);
        return current;
      } catch (RuntimeException e) {
        if (!refusalType.isInstance(e)
            || attempt == START_ATTEMPTS
            || source.digest().equals(digest)) {
          throw e;
        }
      }
    }
  }

  /**
   * Checks the files every {@code interval} from now on, on a daemon thread of its own, and hands
   * each new valid value to {@code apply}, whose refusal refuses the content.
   *
   * @param setting the property that set the interval, named if it is not positive
   * @param what what is checked, for the log line of an unexpected error (e.g. "the rules file x")
   */
  public void watch(
      String threadName, String setting, Duration interval, String what, Consumer<T> apply) {
    long millis = interval.toMillis();
    if (millis < 1) {
      throw new IllegalArgumentException(setting + " must be at least 1ms, got " + interval);
    }
    this.apply = apply;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name(threadName).daemon().factory());
    poller.scheduleWithFixedDelay(() -> poll(what), millis, millis, TimeUnit.MILLISECONDS);
  }

  private void poll(String what) {
    try {
      check();
      listeners.forEach(listener -> listener.polled(current));
    } catch (RuntimeException e) {
      log.error("Unexpected error while checking {}", what, e);
    }
  }

  public T get() {
    return current;
  }

  /** Checks the files now; returns true when a new value was put in force. */
  public synchronized boolean check() {
    return offer(source.digest(), source::load);
  }

  /**
   * Checks content from elsewhere (the rules ConfigMap read through the API) exactly as new file
   * content (same checks, last-good value and reports): {@code digest} identifies it as {@link
   * Source#digest()} does the files, {@code load} reads and checks it given the value in force.
   * Returns true when it was put in force.
   */
  public synchronized boolean offer(String digest, UnaryOperator<T> load) {
    // The content in force back after refused content that passes later: read, ending the refusal.
    if (digest.equals(lastSeen) && reportedPassesLater == null) {
      return false;
    }
    T next;
    try {
      next = load.apply(current);
      apply.accept(next);
    } catch (RuntimeException e) {
      if (!refusalType.isInstance(e)) {
        lastSeen = digest; // a bug, logged by the poller once, not on every poll
        throw e;
      }
      return refuse(digest, refusalType.cast(e));
    }
    putInForce(next, digest);
    return true;
  }

  private void putInForce(T next, String digest) {
    current = next;
    lastSeen = digest;
    unsettled = null;
    reportedPassesLater = null;
    listeners.forEach(listener -> listener.loaded(next));
  }

  private boolean refuse(String digest, E error) {
    boolean passesLater = error instanceof RefusedFileException r && r.passesLater();
    if (passesLater && digest.equals(reportedPassesLater)) {
      return false; // reported; loaded again at the next poll
    }
    if (refusal == Refusal.WHEN_SEEN_TWICE && !digest.equals(unsettled)) {
      unsettled = digest;
      log.debug("New content refused once, checking again: {}", error.getMessage());
      return false;
    }
    unsettled = null;
    reportedPassesLater = passesLater ? digest : null;
    lastSeen = passesLater ? lastSeen : digest;
    listeners.forEach(listener -> listener.refused(error));
    return false;
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
