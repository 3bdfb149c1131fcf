package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.files.FileReloader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link RulesStore} in step with the rules file through a {@link FileReloader}: new content
 * is parsed and validated completely before the store is swapped; refused content leaves the last
 * good rules in force and is reported once per distinct content.
 */
public final class RulesReloader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RulesReloader.class);

  /** Told about every attempt to load new content, e.g. to count reloads in metrics. */
  public interface Listener extends FileReloader.Listener<LoadedRules, InvalidRulesException> {}

  private final FileReloader<LoadedRules, InvalidRulesException> reloader;
  private final RulesStore store;

  private RulesReloader(RulesFile file, Listener listener, Clock clock) {
    this.reloader =
        new FileReloader<>(
            new Source(file, clock),
            InvalidRulesException.class,
            FileReloader.Refusal.AT_ONCE,
            List.of(new Log(this), listener));
    this.store = new RulesStore(reloader.start());
  }

  /**
   * Loads the rules file, failing with {@link InvalidRulesException} if it is invalid (the server
   * must not start on rules it cannot apply), then polls it every {@code interval}.
   */
  public static RulesReloader start(
      RulesFile file, Duration interval, Listener listener, Clock clock) {
    var rules = new RulesReloader(file, listener, clock);
    rules.reloader.watch(
        "rules-reloader",
        "webhook.rules.poll-interval",
        interval,
        "the rules file " + file.path(),
        rules.store::replace);
    return rules;
  }

  public RulesStore store() {
    return store;
  }

  /** Checks the file now; returns true when new rules were put in force. */
  public boolean check() {
    return reloader.check();
  }

  /** The rules file, read and parsed; the generation counts the loads. */
  private record Source(RulesFile file, Clock clock) implements FileReloader.Source<LoadedRules> {

    @Override
    public String digest() {
      return file.fingerprint();
    }

    @Override
    public LoadedRules load(LoadedRules previous) {
      byte[] content = file.read();
      return new LoadedRules(
          file.parse(content),
          previous == null ? 1 : previous.generation() + 1,
          RulesFile.digest(content),
          clock.instant(),
          file.path().toString());
    }
  }

  @Override
  public void close() {
    reloader.close();
  }

  /** The log lines of loads and refusals. */
  private record Log(RulesReloader rules) implements Listener {

    @Override
    public void loaded(LoadedRules loaded) {
      log.info(
          "Rules {} in force from {}: {} pull secret(s), {} rule(s)",
          loaded.version(),
          loaded.source(),
          loaded.rules().pullSecrets().size(),
          loaded.rules().rules().size());
    }

    @Override
    public void refused(InvalidRulesException error) {
      LoadedRules current = rules.reloader.get();
      log.error(
          "Refused new rules from {}; keeping rules {} loaded at {}. {}",
          error.source(),
          current.version(),
          current.loadedAt(),
          error.getMessage());
    }
  }
}
