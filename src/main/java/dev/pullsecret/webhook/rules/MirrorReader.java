package dev.pullsecret.webhook.rules;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.InvalidImageSyntaxException;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates the {@code mirrors:} of a rule's images: each mirror's source pattern,
 * target, condition and exclusions, and the mirrors that would rewrite their own output.
 */
final class MirrorReader {

  private static final Set<String> KEYS = Set.of("from", "to", "when", "exclude");
  private static final Set<String> WHEN = Set.of("always", "present");

  private final RulesErrors errors;

  MirrorReader(RulesErrors errors) {
    this.errors = errors;
  }

  /** The mirrors of {@code images}, in order; the invalid ones reported and left out. */
  List<RegistryMirror> read(YamlMapping images) {
    List<RegistryMirror> mirrors = new ArrayList<>();
    for (YamlMapping mirror : images.mappingList("mirrors", KEYS)) {
      mirror(mirror).ifPresent(mirrors::add);
    }
    refuseLoops(images, mirrors);
    return mirrors;
  }

  private Optional<RegistryMirror> mirror(YamlMapping mirror) {
    Optional<RegistryPattern> from = mirror.requiredString("from").flatMap(this::pattern);
    Optional<String[]> to = mirror.requiredString("to").flatMap(this::target);
    boolean whenPresent = false;
    Optional<YamlValue> when = mirror.string("when");
    if (when.isPresent()) {
      if (WHEN.contains(when.get().text())) {
        whenPresent = when.get().text().equals("present");
      } else {
        errors.add(
            when.get(),
            "'"
                + when.get().text()
                + "' is not one of always (the default: every matching image), present (only"
                + " images the mirror holds)");
      }
    }
    if (mirror.isEmptyList("exclude") && mirror.has("exclude")) {
      errors.add(
          mirror.child("exclude"),
          mirror.mark(),
          "an empty list excludes nothing; omit 'exclude' to mirror every image of 'from'");
    }
    List<RegistryPattern> exclude = new ArrayList<>();
    for (YamlValue excluded : mirror.stringList("exclude")) {
      pattern(excluded)
          .ifPresent(
              pattern -> {
                from.filter(f -> !mayOverlap(f, pattern))
                    .ifPresent(
                        f ->
                            errors.warn(
                                excluded,
                                "excludes nothing: no image matched by 'from' ("
                                    + f
                                    + ") is matched by "
                                    + pattern
                                    + " (an exclusion names images of 'from', e.g. "
                                    + f
                                    + (f.path().isEmpty() ? "/team/app" : "/app")
                                    + ")"));
                exclude.add(pattern);
              });
    }
    if (from.isEmpty() || to.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RegistryMirror(from.get(), to.get()[0], to.get()[1], whenPresent, exclude));
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
    return a.matches(probe(b)) || b.matches(probe(a));
  }

  private static ImageReference probe(RegistryPattern pattern) {
    String text = pattern.toString();
    int slash = text.indexOf('/');
    String domain = slash < 0 ? text : text.substring(0, slash);
    return new ImageReference(
        domain, pattern.path().isEmpty() ? "probe" : pattern.path() + "/probe", null, null);
  }

  private Optional<RegistryPattern> pattern(YamlValue value) {
    return ImageOptionsReader.pattern(value, errors);
  }

  /** A mirror target {@code host[:port][/path]}: the part that replaces the matched registry. */
  private Optional<String[]> target(YamlValue value) {
    String text = value.text();
    int slash = text.indexOf('/');
    String domain = slash < 0 ? text : text.substring(0, slash);
    String path = slash < 0 ? "" : text.substring(slash + 1);
    try {
      ImageReference probe = ImageReference.parse(text + "/probe");
      if (!probe.domain().equalsIgnoreCase(domain)) {
        errors.add(
            value,
            "'"
                + text
                + "' does not start with a registry host (it needs a '.', a ':port' or"
                + " to be localhost)");
        return Optional.empty();
      }
      return Optional.of(new String[] {probe.domain(), path});
    } catch (InvalidImageSyntaxException e) {
      errors.add(value, "'" + text + "' is not a registry host with an optional path");
      return Optional.empty();
    }
  }

  /**
   * A mirror whose target matches a mirror's source would rewrite its own output again when the API
   * server re-invokes the webhook; such rules are refused.
   */
  private void refuseLoops(YamlMapping images, List<RegistryMirror> mirrors) {
    for (RegistryMirror mirror : mirrors) {
      var rewritten =
          new ImageReference(
              mirror.toDomain(),
              mirror.toPath().isEmpty() ? "probe" : mirror.toPath() + "/probe",
              null,
              null);
      for (RegistryMirror other : mirrors) {
        if (other.from().matches(rewritten)) {
          errors.add(
              images.child("mirrors"),
              images.mark(),
              "mirror target "
                  + mirror.target()
                  + " is itself matched by mirror source "
                  + other.from()
                  + ": images would be rewritten again on every re-invocation");
        }
      }
    }
  }
}
