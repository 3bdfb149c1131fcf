package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.FileReloader;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules in force, kept in step with the rules file through a {@link FileReloader} (the last
 * good rules stay in force when new content is refused). A request reads them once and works on
 * that snapshot, so a reload in the middle of a request can never mix old and new rules.
 *
 * <p>Content may also be {@linkplain #offer offered} from the rules ConfigMap read through the API
 * (about a second after an edit, instead of the kubelet's 60-90 s volume sync), through the same
 * checks. While that watch is live the file is only the fallback: a file content first seen while
 * it was live is never applied, so the file, which lags, cannot bring back older rules.
 */
public final class RulesStore implements Supplier<LoadedRules>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RulesStore.class);

  /** Told about every attempt to load new content, e.g. to count reloads in metrics. */
  public interface Listener extends FileReloader.Listener<LoadedRules, InvalidRulesException> {}

  private final FileReloader<LoadedRules, InvalidRulesException> reloader;
  private final Path file;
  private final boolean labelsKnown;
  private final Clock clock;
  private final List<Consumer<LoadedRules>> subscribers = new CopyOnWriteArrayList<>();
  private volatile LoadedRules current;
  private volatile BooleanSupplier apiSourceLive = () -> false;

  /** The digest last handed to the reloader (file or offer); guarded by {@code reloader}. */
  private String handedOut;

  /** The file's digest while the API source was live; guarded by {@code reloader}. */
  private String fileWhileLive;

  private RulesStore(Path file, boolean labelsKnown, Listener listener, Clock clock) {
    this.file = file;
    this.labelsKnown = labelsKnown;
    this.clock = clock;
    this.reloader =
        new FileReloader<>(
            new FileSource(),
            InvalidRulesException.class,
            FileReloader.Refusal.AT_ONCE,
            List.of(new Log(this), listener));
    this.current = reloader.start();
  }

  /**
   * Loads the rules file, failing with {@link InvalidRulesException} if it is invalid (the server
   * must not start on rules it cannot apply), then polls it every {@code interval}.
   *
   * @param labelsKnown as {@link RulesParser#parse(String, String, boolean)} takes it
   */
  public static RulesStore start(
      Path file, boolean labelsKnown, Duration interval, Listener listener, Clock clock) {
    var rules = new RulesStore(file, labelsKnown, listener, clock);
    rules.reloader.watch(
        "rules-reloader",
        "webhook.rules.poll-interval",
        interval,
        "the rules file " + file,
        rules::replace);
    return rules;
  }

  @Override
  public LoadedRules get() {
    return current;
  }

  /** Told every new set of rules put in force (e.g. the sync loop, to reconcile everything). */
  public void subscribe(Consumer<LoadedRules> subscriber) {
    subscribers.add(subscriber);
  }

  private void replace(LoadedRules next) {
    current = next;
    subscribers.forEach(s -> s.accept(next));
  }

  /** Checks the file now; returns true when new rules were put in force. */
  public boolean check() {
    return reloader.check();
  }

  /**
   * Offers rules read elsewhere (the rules ConfigMap); returns true when they were put in force.
   *
   * @param source names where the content comes from, in logs and error locations
   */
  public boolean offer(byte[] content, String source) {
    String digest = fingerprint(content);
    synchronized (reloader) {
      handedOut = digest;
      return reloader.offer(digest, previous -> next(content, source, previous));
    }
  }

  /**
   * Tells that the rules ConfigMap read through the API holds no rules ({@code why}: its key is
   * gone, or it was deleted): refused as invalid content is (reported once, counted, the last good
   * rules kept), and, like an offer, it masks the mounted file while the watch is live.
   */
  public boolean offerNone(String source, String why) {
    synchronized (reloader) {
      handedOut = "none: " + why;
      return reloader.offer(
          handedOut,
          previous -> {
            throw new InvalidRulesException(source, List.of(new RulesError("", 0, 0, why)));
          });
    }
  }

  /** Whether the API source is live; while it is, file changes are not applied. */
  public void apiSourceLive(BooleanSupplier live) {
    this.apiSourceLive = live;
  }

  private final class FileSource implements FileReloader.Source<LoadedRules> {

    /**
     * The file's digest as the reloader should see it: unchanged while the API source is live, and
     * afterwards until the file changes again. Never fails: a file that cannot be read is told by
     * why (reported once until that changes).
     */
    @Override
    public String digest() {
      String digest;
      try {
        digest = fingerprint(RulesParser.read(file));
      } catch (InvalidRulesException e) {
        digest = "unreadable: " + e.getMessage();
      }
      synchronized (reloader) {
        if (apiSourceLive.getAsBoolean()) {
          fileWhileLive = digest;
        }
        if (handedOut != null && digest.equals(fileWhileLive)) {
          return handedOut;
        }
        fileWhileLive = null;
        handedOut = digest;
        return digest;
      }
    }

    @Override
    public LoadedRules load(LoadedRules previous) {
      return next(RulesParser.read(file), file.toString(), previous);
    }
  }

  /** The next rules in force, parsed from {@code content}; the generation counts the loads. */
  private LoadedRules next(byte[] content, String source, LoadedRules previous) {
    return new LoadedRules(
        RulesParser.parse(content, source, labelsKnown),
        previous == null ? 1 : previous.generation() + 1,
        digest(content),
        clock.instant(),
        source);
  }

  /** The {@link LoadedRules#digest()} of {@code content}. */
  public static String digest(byte[] content) {
    return fingerprint(content).substring(0, 12);
  }

  private static String fingerprint(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public void close() {
    reloader.close();
  }

  private record Log(RulesStore rules) implements Listener {

    @Override
    public void loaded(LoadedRules loaded) {
      log.info(
          "Rules {} in force from {}: {} pull secret(s), {} rule(s)",
          loaded.version(),
          loaded.source(),
          loaded.rules().pullSecrets().size(),
          loaded.rules().rules().size());
      for (RulesError warning : loaded.rules().warnings()) {
        log.warn("Rules {}: {}", loaded.version(), warning.format(loaded.source(), "warning: "));
      }
    }

    @Override
    public void refused(InvalidRulesException error) {
      LoadedRules current = rules.get();
      log.error(
          "Refused new rules from {}; keeping rules {} loaded at {}. {}",
          error.source(),
          current.version(),
          current.loadedAt(),
          error.getMessage());
    }
  }
}
