package dev.pullsecret.webhook.chart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PromQL query (or a Grafana one, with {@code $variables}) reads: the metric names of its
 * selectors with the label names each matches on, and the label names it groups or joins by. Not a
 * parser: enough of the grammar to find names, and strict about the rest, so that a name it cannot
 * place is reported as an unknown metric rather than skipped.
 */
record Promql(String query, List<Selector> selectors, Set<String> groupingLabels) {

  /** A metric name and the label names of its matchers. */
  record Selector(String metric, Set<String> labels) {}

  /** Functions, aggregations and keywords of PromQL: every other bare name is a metric. */
  private static final Set<String> WORDS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "count",
          "group",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values",
          "rate",
          "irate",
          "increase",
          "delta",
          "idelta",
          "deriv",
          "histogram_quantile",
          "time",
          "vector",
          "scalar",
          "absent",
          "absent_over_time",
          "max_over_time",
          "min_over_time",
          "avg_over_time",
          "sum_over_time",
          "count_over_time",
          "last_over_time",
          "changes",
          "resets",
          "clamp",
          "clamp_min",
          "clamp_max",
          "abs",
          "ceil",
          "floor",
          "round",
          "timestamp",
          "label_replace",
          "label_join",
          "and",
          "or",
          "unless",
          "offset",
          "bool",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan");

  private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern SELECTOR =
      Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"\"");
  private static final Pattern NAME = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)");

  static Promql read(String query) {
    String rest = STRING.matcher(query).replaceAll("\"\"");
    Set<String> grouping = new LinkedHashSet<>();
    Matcher groups = GROUPING.matcher(rest);
    while (groups.find()) {
      for (String label : groups.group(1).split(",")) {
        if (!label.isBlank()) {
          grouping.add(label.strip());
        }
      }
    }
    rest = GROUPING.matcher(rest).replaceAll(" ");

    List<Selector> selectors = new ArrayList<>();
    Matcher selector = SELECTOR.matcher(rest);
    while (selector.find()) {
      Set<String> labels = new LinkedHashSet<>();
      Matcher matcher = MATCHER.matcher(selector.group(2));
      while (matcher.find()) {
        labels.add(matcher.group(1));
      }
      if (selector.group(1) == null) {
        throw new IllegalArgumentException("a selector without a metric name in: " + query);
      }
      selectors.add(new Selector(selector.group(1), labels));
    }
    rest = SELECTOR.matcher(rest).replaceAll(" ");
    // Ranges and offsets ([5m], offset 10m), Grafana variables ($__rate_interval), numbers.
    rest = rest.replaceAll("\\[[^]]*]", " ").replaceAll("\\$\\w+", " ");

    Matcher name = NAME.matcher(rest);
    while (name.find()) {
      if (!WORDS.contains(name.group(1))) {
        selectors.add(new Selector(name.group(1), Set.of()));
      }
    }
    return new Promql(query, List.copyOf(selectors), Set.copyOf(grouping));
  }
}
