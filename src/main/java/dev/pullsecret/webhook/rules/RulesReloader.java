package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.FilePoller;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link RulesStore} in step with the rules file, comparing the file's bytes every poll
 * ({@link FilePoller} says why polling).
 *
 * <p>New content is parsed and validated completely before the store is swapped; refused content
 * leaves the last good rules in force and is reported once per distinct content.
 *
 * <p>Content may also be {@linkplain #offer offered} from the rules ConfigMap read through the API
 * (about a second after an edit, instead of the kubelet's 60–90 s volume sync). While that watch
 * works, the file is only the fallback: a file change is applied only when the API source is not
 * live, so the file, which lags, never brings back older rules.
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
  private byte[] lastOffered;
  private volatile BooleanSupplier apiSourceLive = () -> false;

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
    if (apiSourceLive.getAsBoolean()) {
      return false;
    }
    return apply(content, file.path().toString());
  }

  /**
   * Offers content read elsewhere (the rules ConfigMap through the API), validated and applied
   * exactly as the file's; returns true when new rules were put in force.
   */
  public synchronized boolean offer(byte[] content, String source) {
    if (Arrays.equals(content, lastOffered)) {
      return false;
    }
    lastOffered = content;
    return apply(content, source);
  }

  /** Whether the API source is live; while it is, file changes are not applied. */
  public void apiSourceLive(BooleanSupplier live) {
    this.apiSourceLive = live;
  }

  private boolean apply(byte[] content, String source) {
    LoadedRules current = store.get();
    String digest = RulesFile.digest(content);
    if (digest.equals(current.digest())) {
      return false;
    }
    try {
      Rules rules = RulesFile.parse(content, source);
      var next = new LoadedRules(rules, current.generation() + 1, digest, clock.instant(), source);
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
