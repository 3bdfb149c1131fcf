package dev.pullsecret.webhook.cli;

import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.ImageOptions;
import dev.pullsecret.webhook.rules.NamespacePattern;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.RuleMode;
import dev.pullsecret.webhook.rules.Rules;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What valid rules do, in a few lines a platform engineer can check against their intent. */
final class RulesSummary {

  private RulesSummary() {}

  /** What the webhook leaves out whatever the rules say, as the chart configures it. */
  static final String LEFT_OUT =
      """
      left out whatever the rules say (the chart's defaults):
        kube-system, the webhook's own namespace, webhook.excludeNamespaces
        namespaces and pods labelled pullsecret.dev/inject=disabled (webhook.optOutLabel)
      """;

  static String of(Rules rules) {
    var text = new StringBuilder();
    text.append("pull secrets (").append(rules.pullSecrets().size()).append("):\n");
    for (PullSecret secret : rules.pullSecrets()) {
      text.append(String.format("  %-20s %s%n", secret.name(), registries(secret)));
      if (secret.hasProvider()) {
        text.append(indent())
            .append("credentials from provider ")
            .append(secret.provider())
            .append(", renewed into ")
            .append(secret.source().in("(webhook namespace)"))
            .append(" and copied by the sync loop\n");
      } else if (secret.isDelivered()) {
        text.append(indent())
            .append("copied from ")
            .append(secret.source().in("(webhook namespace)"))
            .append(" by the sync loop\n");
      }
    }
    text.append("rules (")
        .append(rules.rules().size())
        .append("), the most specific match wins (docs/rules.md):\n");
    for (NamespaceRule rule : rules.rules()) {
      text.append(
          String.format(
              "  %-20s namespaces %s",
              rule.name(), rule.namespaces().isEmpty() ? "any" : join(rule.namespaces())));
      rule.namespaceSelector().ifPresent(selector -> text.append(" labelled ").append(selector));
      if (!rule.excludedNamespaces().isEmpty()) {
        text.append(" except ").append(join(rule.excludedNamespaces()));
      }
      text.append('\n');
      if (rule.mode() == RuleMode.AUDIT) {
        text.append(indent()).append("AUDIT MODE: changes nothing, reports what it would do\n");
      }
      text.append(indent())
          .append("pull secrets ")
          .append(
              rule.pullSecrets().isEmpty()
                  ? "none"
                  : rule.pullSecrets().stream()
                      .map(PullSecret::name)
                      .collect(Collectors.joining(", ")))
          .append('\n');
      for (String option : images(rule.images())) {
        text.append(indent()).append(option).append('\n');
      }
    }
    text.append(LEFT_OUT);
    return text.toString();
  }

  private static String registries(PullSecret secret) {
    if (secret.registries().isEmpty()) {
      return "every registry";
    }
    return secret.registries().stream()
        .map(RegistryPattern::toString)
        .collect(Collectors.joining(", "));
  }

  private static List<String> images(ImageOptions images) {
    List<String> lines = new ArrayList<>();
    images
        .pinLatest()
        .ifPresent(
            pin -> {
              List<String> pins = new ArrayList<>();
              pin.repositories().forEach((repository, tag) -> pins.add(repository + ":" + tag));
              if (pin.defaultTag() != null) {
                pins.add("others :" + pin.defaultTag());
              }
              lines.add("pin untagged/latest images: " + String.join(", ", pins));
            });
    for (ImageOptions.RegistryMirror mirror : images.mirrors()) {
      lines.add(
          "mirror "
              + mirror.from()
              + " -> "
              + mirror.target()
              + (mirror.whenPresent() ? " when it holds the image, else the next or none" : "")
              + (mirror.exclude().isEmpty()
                  ? ""
                  : ", except "
                      + mirror.exclude().stream()
                          .map(Object::toString)
                          .collect(Collectors.joining(", "))));
    }
    images
        .imagePullPolicy()
        .ifPresent(
            policy ->
                lines.add(
                    "imagePullPolicy "
                        + policy.policy()
                        + (policy.includeDigestPinned() ? " (digest-pinned images too)" : "")));
    images
        .resolveDigests()
        .ifPresent(
            digests ->
                lines.add(
                    "resolve tags to digests"
                        + (digests.registries().isEmpty()
                            ? ""
                            : " on "
                                + digests.registries().stream()
                                    .map(Object::toString)
                                    .collect(Collectors.joining(", ")))
                        + (digests.denyOnFailure() ? ", deny pods on failure" : "")));
    return lines;
  }

  private static String join(List<NamespacePattern> patterns) {
    return patterns.stream().map(NamespacePattern::toString).collect(Collectors.joining(", "));
  }

  private static String indent() {
    return " ".repeat(23);
  }
}
