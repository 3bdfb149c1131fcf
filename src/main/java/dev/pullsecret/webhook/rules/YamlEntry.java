package dev.pullsecret.webhook.rules;

/** One {@code key: value} pair of a free-form string mapping in the rules file. */
public record YamlEntry(YamlValue key, YamlValue value) {}
