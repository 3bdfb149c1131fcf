package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.ImageOptions.DigestResolution;
import dev.pullsecret.webhook.rules.ImageOptions.LatestPinning;
import dev.pullsecret.webhook.rules.ImageOptions.PullPolicyOverride;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates the {@code images:} block of a rule. */
final class ImageOptionsReader {

  static final Set<String> KEYS =
      Set.of("pinLatest", "mirrors", "imagePullPolicy", "resolveDigests");
  private static final Set<String> DIGEST_KEYS = Set.of("registries", "onFailure");
  private static final Set<String> ON_FAILURE = Set.of("admit", "deny");
  private static final Set<String> PIN_KEYS = Set.of("defaultTag", "repositories");
  private static final Set<String> POLICY_KEYS = Set.of("set", "includeDigestPinned");
  private static final Set<String> POLICIES = Set.of("Always", "IfNotPresent", "Never");

  /** Any valid repository: a tag is checked by grammar by appending it to this. */
  private static final String PROBE_REPOSITORY = "example.com/probe";

  private final RulesErrors errors;

  ImageOptionsReader(RulesErrors errors) {
    this.errors = errors;
  }

  ImageOptions read(YamlMapping images) {
    Optional<LatestPinning> pin = images.mapping("pinLatest", PIN_KEYS).flatMap(this::pinning);
    List<RegistryMirror> mirrors = new MirrorReader(errors).read(images);
    Optional<PullPolicyOverride> policy =
        images.mapping("imagePullPolicy", POLICY_KEYS).flatMap(this::pullPolicy);
    Optional<DigestResolution> digests =
        images.mapping("resolveDigests", DIGEST_KEYS).map(this::digestResolution);
    return new ImageOptions(pin, mirrors, policy, digests);
  }

  private DigestResolution digestResolution(YamlMapping digests) {
    if (digests.isEmptyList("registries") && digests.has("registries")) {
      errors.add(
          digests.child("registries"),
          digests.mark(),
          "an empty list would resolve no image; omit 'registries' to resolve every registry");
    }
    List<RegistryPattern> registries = new ArrayList<>();
    for (YamlValue registry : digests.stringList("registries")) {
      pattern(registry).ifPresent(registries::add);
    }
    boolean deny = false;
    Optional<YamlValue> onFailure = digests.string("onFailure");
    if (onFailure.isPresent()) {
      if (ON_FAILURE.contains(onFailure.get().text())) {
        deny = onFailure.get().text().equals("deny");
      } else {
        errors.add(onFailure.get(), "'" + onFailure.get().text() + "' is not one of admit, deny");
      }
    }
    return new DigestResolution(registries, deny);
  }

  private Optional<LatestPinning> pinning(YamlMapping pin) {
    String defaultTag =
        pin.string("defaultTag").filter(this::validTag).map(YamlValue::text).orElse(null);
    Map<String, String> repositories = new LinkedHashMap<>();
    for (YamlEntry entry : pin.stringMap("repositories")) {
      Optional<String> repository = repository(entry.key());
      if (repository.isPresent() && validTag(entry.value())) {
        if (repositories.putIfAbsent(repository.get(), entry.value().text()) != null) {
          errors.add(entry.key(), "repository " + repository.get() + " is listed twice");
        }
      }
    }
    if (!pin.has("defaultTag") && !pin.has("repositories")) {
      errors.add(pin.path(), pin.mark(), "give a defaultTag, repositories, or both");
      return Optional.empty();
    }
    return Optional.of(new LatestPinning(defaultTag, repositories));
  }

  private Optional<String> repository(YamlValue value) {
    try {
      ImageReference image = ImageReference.parse(value.text());
      if (image.hasTag() || image.hasDigest()) {
        errors.add(value, "'" + value.text() + "' must name a repository, without tag or digest");
        return Optional.empty();
      }
      return Optional.of(image.repository());
    } catch (InvalidImageSyntaxException e) {
      errors.add(value, e.getMessage());
      return Optional.empty();
    }
  }

  private boolean validTag(YamlValue tag) {
    if (tag.text().equals("latest")) {
      errors.add(tag, "pinning to 'latest' pins nothing; name a real tag");
      return false;
    }
    try {
      ImageReference.parse(PROBE_REPOSITORY + ":" + tag.text());
      return !tag.text().isEmpty();
    } catch (InvalidImageSyntaxException e) {
      errors.add(tag, "'" + tag.text() + "' is not a valid image tag");
      return false;
    }
  }

  private Optional<RegistryPattern> pattern(YamlValue value) {
    return pattern(value, errors);
  }

  /** A registry pattern, or the error at {@code value}. */
  static Optional<RegistryPattern> pattern(YamlValue value, RulesErrors errors) {
    try {
      return Optional.of(RegistryPattern.parse(value.text()));
    } catch (InvalidImageSyntaxException e) {
      errors.add(value, e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<PullPolicyOverride> pullPolicy(YamlMapping policy) {
    boolean digests = policy.bool("includeDigestPinned", false);
    return policy
        .requiredString("set")
        .filter(
            value -> {
              if (POLICIES.contains(value.text())) {
                return true;
              }
              errors.add(value, "'" + value.text() + "' is not one of Always, IfNotPresent, Never");
              return false;
            })
        .map(value -> new PullPolicyOverride(value.text(), digests));
  }
}
