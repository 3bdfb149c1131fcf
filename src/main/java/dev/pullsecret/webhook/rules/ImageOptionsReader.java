package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.ImageOptions.DigestResolution;
import dev.pullsecret.webhook.rules.ImageOptions.LatestPinning;
import dev.pullsecret.webhook.rules.ImageOptions.PullPolicyOverride;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates the {@code images:} block of a rule into {@link ImageOptions}. */
final class ImageOptionsReader {

  private static final Set<String> KEYS =
      Set.of("pinLatest", "mirrors", "imagePullPolicy", "resolveDigests");
  private static final Set<String> DIGEST_KEYS = Set.of("registries", "onFailure");
  private static final Set<String> PIN_KEYS = Set.of("defaultTag", "repositories");
  private static final Set<String> POLICY_KEYS = Set.of("set", "includeDigestPinned");
  private static final Set<String> POLICIES = Set.of("Always", "IfNotPresent", "Never");
  private static final Set<String> MIRROR_KEYS = Set.of("from", "to", "when", "exclude");

  private final RulesErrors errors;

  ImageOptionsReader(RulesErrors errors) {
    this.errors = errors;
  }

  /** The {@code images} of {@code rule}; {@link ImageOptions#NONE} when it has none. */
  ImageOptions read(YamlMapping rule) {
    return rule.mapping("images", KEYS).map(this::options).orElse(ImageOptions.NONE);
  }

  private ImageOptions options(YamlMapping images) {
    Optional<LatestPinning> pin = images.mapping("pinLatest", PIN_KEYS).flatMap(this::pinning);
    List<RegistryMirror> mirrors =
        images.mappingList("mirrors", MIRROR_KEYS).stream()
            .flatMap(mirror -> mirror(mirror).stream())
            .toList();
    refuseLoops(images, mirrors);
    Optional<PullPolicyOverride> policy =
        images.mapping("imagePullPolicy", POLICY_KEYS).flatMap(this::pullPolicy);
    Optional<DigestResolution> digests =
        images.mapping("resolveDigests", DIGEST_KEYS).map(this::digestResolution);
    return new ImageOptions(pin, mirrors, policy, digests);
  }

  private DigestResolution digestResolution(YamlMapping digests) {
    List<RegistryPattern> registries =
        digests.list(
            "registries",
            false,
            "an empty list would resolve no image; omit 'registries' to resolve every registry",
            errors::registryPattern);
    boolean deny = digests.is("onFailure", "deny", "admit", "is not one of admit, deny");
    return new DigestResolution(registries, deny);
  }

  private Optional<LatestPinning> pinning(YamlMapping pin) {
    String defaultTag =
        pin.string("defaultTag").filter(this::validTag).map(YamlValue::text).orElse(null);
    Map<String, String> repositories = new LinkedHashMap<>();
    for (Map.Entry<YamlValue, YamlValue> entry : pin.stringMap("repositories")) {
      Optional<String> repository = repository(entry.getKey());
      if (repository.isPresent()
          && validTag(entry.getValue())
          && repositories.putIfAbsent(repository.get(), entry.getValue().text()) != null) {
        errors.add(entry.getKey(), "repository " + repository.get() + " is listed twice");
      }
    }
    if (!pin.has("defaultTag") && !pin.has("repositories")) {
      pin.error("give a defaultTag, repositories, or both");
      return Optional.empty();
    }
    return Optional.of(new LatestPinning(defaultTag, repositories));
  }

  private Optional<String> repository(YamlValue value) {
    Optional<ImageReference> image = errors.parse(value, ImageReference::parse);
    if (image.isPresent() && (image.get().hasTag() || image.get().hasDigest())) {
      errors.add(value, "'" + value.text() + "' must name a repository, without tag or digest");
      return Optional.empty();
    }
    return image.map(ImageReference::repository);
  }

  private boolean validTag(YamlValue tag) {
    if (tag.text().equals(ImageReference.LATEST)) {
      errors.add(tag, "pinning to 'latest' pins nothing; name a real tag");
      return false;
    }
    try {
      probe("example.com", "").withTag(tag.text()); // the image grammar checks the tag
      return true;
    } catch (InvalidImageSyntaxException e) {
      errors.add(tag, "'" + tag.text() + "' is not a valid image tag");
      return false;
    }
  }

  private Optional<PullPolicyOverride> pullPolicy(YamlMapping policy) {
    boolean digests = policy.bool("includeDigestPinned", false);
    return errors
        .oneOf(policy.requiredString("set"), POLICIES, "is not one of Always, IfNotPresent, Never")
        .map(set -> new PullPolicyOverride(set, digests));
  }

  private Optional<RegistryMirror> mirror(YamlMapping mirror) {
    Optional<RegistryPattern> from = mirror.requiredString("from").flatMap(errors::registryPattern);
    Optional<String[]> to = mirror.requiredString("to").flatMap(this::target);
    boolean whenPresent =
        mirror.is(
            "when",
            "present",
            "always",
            "is not one of always (the default: every matching image), present (only images the"
                + " mirror holds)");
    List<RegistryPattern> exclude =
        mirror.list(
            "exclude",
            false,
            "an empty list excludes nothing; omit 'exclude' to mirror every image of 'from'",
            excluded -> exclusion(excluded, from));
    if (from.isEmpty() || to.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RegistryMirror(from.get(), to.get()[0], to.get()[1], whenPresent, exclude));
  }

  private Optional<RegistryPattern> exclusion(YamlValue excluded, Optional<RegistryPattern> from) {
    Optional<RegistryPattern> pattern = errors.registryPattern(excluded);
    if (pattern.isPresent() && from.isPresent() && !mayOverlap(from.get(), pattern.get())) {
      RegistryPattern f = from.get();
      errors.warn(
          excluded,
          ("excludes nothing: no image matched by 'from' (%s) is matched by %s (an exclusion"
                  + " names images of 'from', e.g. %s%s)")
              .formatted(f, pattern.get(), f, f.path().isEmpty() ? "/team/app" : "/app"));
    }
    return pattern;
  }

  /**
   * Whether some image may match both patterns: each is tried on the shortest image of the other
   * (its host and path, and one more segment). Exact for patterns without globs; with a glob in a
   * host, the patterns are taken to overlap, since this only decides a warning.
   */
  private static boolean mayOverlap(RegistryPattern a, RegistryPattern b) {
    if (a.toString().indexOf('*') >= 0 || b.toString().indexOf('*') >= 0) {
      return true;
    }
    return a.matches(probe(b.toString().split("/", 2)[0], b.path()))
        || b.matches(probe(a.toString().split("/", 2)[0], a.path()));
  }

  /** The shortest image under {@code domain} and {@code path}: one more path segment. */
  private static ImageReference probe(String domain, String path) {
    return new ImageReference(domain, path.isEmpty() ? "probe" : path + "/probe", null, null);
  }

  /** A mirror target {@code host[:port][/path]}: the part that replaces the matched registry. */
  private Optional<String[]> target(YamlValue value) {
    String text = value.text();
    String[] parts = text.split("/", 2);
    try {
      ImageReference probe = ImageReference.parse(text + "/probe");
      if (!probe.domain().equalsIgnoreCase(parts[0])) {
        errors.add(
            value,
            "'%s' does not start with a registry host (it needs a '.', a ':port' or to be localhost)"
                .formatted(text));
        return Optional.empty();
      }
      return Optional.of(new String[] {probe.domain(), parts.length < 2 ? "" : parts[1]});
    } catch (InvalidImageSyntaxException e) {
      errors.add(value, "'" + text + "' is not a registry host with an optional path");
      return Optional.empty();
    }
  }

  /**
   * A mirror whose target makes images that a mirror's source matches (the target lies under the
   * source, or the source under the target: {@code registry.corp/a/b} to {@code registry.corp/a}
   * turns {@code registry.corp/a/b/b/x} into {@code registry.corp/a/b/x}) would rewrite its own
   * output again when the API server re-invokes the webhook; such rules are refused.
   */
  private void refuseLoops(YamlMapping images, List<RegistryMirror> mirrors) {
    for (RegistryMirror mirror : mirrors) {
      for (RegistryMirror other : mirrors) {
        String target = mirror.toPath();
        String source = other.from().path();
        boolean deeper = target.isEmpty() || source.startsWith(target + "/");
        if (other.from().matches(probe(mirror.toDomain(), deeper ? source : target))) {
          images.error(
              "mirrors",
              ("mirror target %s makes images that mirror source %s matches: they would be"
                      + " rewritten again on every re-invocation")
                  .formatted(mirror.target(), other.from()));
          break; // once per mirror: not once per pair (4,000 mirrors made 16,000,000 errors)
        }
      }
    }
  }
}
