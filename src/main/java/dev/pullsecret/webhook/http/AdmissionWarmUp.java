package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionContext;
import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Answers an embedded sample review a number of times while the application starts, before the
 * admission port opens and so before readiness can turn UP. Without it the first real review pays
 * for loading and linking the Jackson deserialisers of the fabric8 model, the image grammar and the
 * patch writer, and for running them interpreted: close to a second, on a call the API server times
 * out after a few seconds. Its own rules and handler are used, so the real rules, their namespace
 * cache and the metrics see nothing of it. It also runs in an AOT training run that stops at
 * refresh ({@code -Dspring.context.exit=onRefresh}), so the cache holds this path too.
 *
 * <p>{@code webhook.warm-up=false} turns both warm-ups off. It is read when they would run rather
 * than as a condition on the beans: Spring's AOT processing fixes conditions at build time, and the
 * switch must still work in the image.
 */
class AdmissionWarmUp implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(AdmissionWarmUp.class);

  /**
   * Enough to load and link the whole path and give the JIT first profiles, in a few hundred ms.
   */
  static final int ROUNDS = 50;

  private static final String RULES =
      """
      pullSecrets:
        - {name: corp-creds, registries: ["registry.corp:5000/team"]}
        - {name: hub-creds, registries: [docker.io]}
        - {name: gar-creds, registries: ["*.pkg.dev"]}
        - {name: all-creds}
      rules:
        - {name: warm-up, namespaces: ["team-*"], pullSecrets: [corp-creds, hub-creds, gar-creds, all-creds]}
      """;

  private final AdmissionReviewCodec codec;
  private final boolean enabled;

  /**
   * @param enabled {@code webhook.warm-up}
   */
  AdmissionWarmUp(AdmissionReviewCodec codec, boolean enabled) {
    this.codec = codec;
    this.enabled = enabled;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (!enabled) {
      return;
    }
    long start = System.nanoTime();
    byte[] review = sampleReview(null);
    var rules =
        new LoadedRules(RulesParser.parse(RULES, "warm-up"), 0, "warm-up", Instant.EPOCH, "");
    var handler =
        new AdmissionHandler(() -> rules, AdmissionContext.offline(NamespaceScope.EVERYWHERE));
    long first = 0;
    for (int i = 0; i < ROUNDS; i++) {
      AdmissionDecision decision = handler.decide(codec.decode(review));
      codec.encode(decision);
      if (i == 0) {
        first = System.nanoTime() - start;
        if (decision.reason() != Reason.PATCHED) {
          // Still harmless, but the mutation path was not warmed: say so rather than hide it.
          log.warn("Warm-up review answered {}, not PATCHED", decision.reason());
        }
      }
    }
    log.info(
        "Warmed up the admission path: first review {} ms, {} reviews in {} ms",
        first / 1_000_000,
        ROUNDS,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** The sample review, with its uid replaced by {@code uid} unless that is null. */
  static byte[] sampleReview(String uid) {
    try (InputStream in = AdmissionWarmUp.class.getResourceAsStream("/warmup/review.json")) {
      if (in == null) {
        throw new IllegalStateException("warm-up review missing from the jar");
      }
      byte[] review = in.readAllBytes();
      if (uid == null) {
        return review;
      }
      String text = new String(review, StandardCharsets.UTF_8);
      return text.replace(SAMPLE_UID, uid).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String SAMPLE_UID = "6b1e1a4e-2a9c-4c8e-9d1f-000000000008";
}
