package dev.pullsecret.webhook.rules;

import org.yaml.snakeyaml.error.Mark;

/** A scalar read from the rules file, with where it was found (for error messages). */
public record YamlValue(String text, String path, Mark mark) {}
