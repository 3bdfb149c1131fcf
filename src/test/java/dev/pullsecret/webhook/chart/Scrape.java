package dev.pullsecret.webhook.chart;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of /actuator/prometheus (Prometheus text format): the families with their type, and the
 * samples by name ({@code x_bucket}, {@code x_count}...) with the label names seen on them.
 */
record Scrape(Map<String, String> families, Map<String, Set<String>> samples) {

  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? \\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  static Scrape read(String text) {
    Map<String, String> families = new LinkedHashMap<>();
    Matcher type = TYPE.matcher(text);
    while (type.find()) {
      families.put(type.group(1), type.group(2));
    }
    Map<String, Set<String>> samples = new TreeMap<>();
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      Set<String> labels = samples.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.add(label.group(1));
        }
      }
    }
    return new Scrape(families, samples);
  }

  boolean exports(String sample) {
    return samples.containsKey(sample);
  }

  /** Label names of a sample, those of a histogram's buckets ({@code le}) included. */
  Set<String> labels(String sample) {
    return samples.getOrDefault(sample, Set.of());
  }
}
