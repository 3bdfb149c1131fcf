package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.FilePoller;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link RulesStore} in step with the rules file, comparing the file's bytes every poll
 * ({@link FilePoller} says why polling).
 *
 * <p>New content is parsed and validated completely before the store is swapped; refused content
 * leaves the last good rules in force and is reported once per distinct content.
 */
public final class RulesReloader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RulesReloader.class);

  /** Told about every attempt to load new content, e.g. to count reloads in metrics. */
  public interface Listener {
    void loaded(LoadedRules rules);

    void refused(InvalidRulesException error);
  }

  private final RulesFile file;
  private final RulesStore store;
  private final Listener listener;
  private final Clock clock;
  private FilePoller poller;
  private byte[] lastSeen;

  private RulesReloader(RulesFile file, LoadedRules initial, Listener listener, Clock clock) {
    this.file = file;
    this.store = new RulesStore(initial);
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * Loads the rules file, failing with {@link InvalidRulesException} if it is invalid (the server
   * must not start on rules it cannot apply), then polls it every {@code interval}.
   */
  public static RulesReloader start(
      RulesFile file, Duration interval, Listener listener, Clock clock) {
    byte[] content = file.read();
    Rules rules = file.parse(content);
    var initial =
        new LoadedRules(
            rules, 1, RulesFile.digest(content), clock.instant(), file.path().toString());
    var reloader = new RulesReloader(file, initial, listener, clock);
    reloader.lastSeen = content;
    logLoaded(initial);
    listener.loaded(initial);
    reloader.poller =
        FilePoller.start(
            "rules-reloader",
            "webhook.rules.poll-interval",
            interval,
            () -> "the rules file " + file.path(),
            reloader::check);
    return reloader;
  }

  public RulesStore store() {
    return store;
  }

  /** Checks the file now; returns true when new rules were put in force. */
  public synchronized boolean check() {
    byte[] content;
    try {
      content = file.read();
    } catch (InvalidRulesException e) {
      return refuse(e, null);
    }
    if (Arrays.equals(content, lastSeen)) {
      return false;
    }
    lastSeen = content;
    try {
      Rules rules = file.parse(content);
      LoadedRules current = store.get();
      var next =
          new LoadedRules(
              rules,
              current.generation() + 1,
              RulesFile.digest(content),
              clock.instant(),
              file.path().toString());
      store.replace(next);
      logLoaded(next);
      listener.loaded(next);
      return true;
    } catch (InvalidRulesException e) {
      return refuse(e, content);
    }
  }

  private boolean refuse(InvalidRulesException error, byte[] content) {
    if (content == null) {
      // An unreadable file is reported once until it becomes readable again.
      if (lastSeen == null) {
        return false;
      }
      lastSeen = null;
    }
    LoadedRules current = store.get();
    log.error(
        "Refused new rules from {}; keeping rules {} loaded at {}. {}",
        error.source(),
        current.version(),
        current.loadedAt(),
        error.getMessage());
    listener.refused(error);
    return false;
  }

  private static void logLoaded(LoadedRules loaded) {
    log.info(
        "Rules {} in force from {}: {} pull secret(s), {} rule(s)",
        loaded.version(),
        loaded.source(),
        loaded.rules().pullSecrets().size(),
        loaded.rules().rules().size());
  }

  @Override
  public void close() {
    poller.close();
  }
}
