package dev.pullsecret.webhook.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every relative link of the documentation leads somewhere: in README.md, {@code docs/*.md}, {@code
 * bench/*.md} and the chart's README (if it has one), each {@code [text](path#anchor)} outside code
 * names a file or folder that exists, and its anchor, if any, one of the target's headings as
 * GitHub makes their anchors. Links to other sites are not followed.
 */
class DocLinksTest {

  /** {@code [text](target)} or {@code ![alt](target)}, target without spaces, optional title. */
  private static final Pattern LINK =
      Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
  private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");

  static Stream<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    for (String dir : List.of("docs", "bench")) {
      try (Stream<Path> files = Files.list(Path.of(dir))) {
        files.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
      }
    }
    try (Stream<Path> charts = Files.list(Path.of("charts"))) {
      charts.map(chart -> chart.resolve("README.md")).filter(Files::exists).forEach(pages::add);
    }
    return pages.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pages")
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist(Path page) throws IOException {
    List<String> broken = new ArrayList<>();
    List<String> lines = Files.readAllLines(page);
    boolean inFence = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        continue;
      }
      if (inFence) {
        continue;
      }
      Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
      while (link.find()) {
        String problem = problem(page, link.group(1));
        if (problem != null) {
          broken.add(page + ":" + (i + 1) + ": " + link.group(1) + ": " + problem);
        }
      }
    }

    assertThat(broken).as("broken links").isEmpty();
  }

  /** Why {@code target}, linked from {@code page}, leads nowhere; null if it leads somewhere. */
  private static String problem(Path page, String target) {
    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return null; // https:, mailto: ...: another site
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path file =
        path.isEmpty()
            ? page
            : page.toAbsolutePath()
                .getParent()
                .resolve(URLDecoder.decode(path, StandardCharsets.UTF_8))
                .normalize();
    if (!Files.exists(file)) {
      return "no such file";
    }
    if (anchor == null) {
      return null;
    }
    if (!file.toString().endsWith(".md")) {
      return "an anchor into a file that is not markdown";
    }
    Set<String> anchors = anchors(file);
    return anchors.contains(anchor) ? null : "no heading with the anchor #" + anchor;
  }

  /** The anchors GitHub gives the headings of {@code page}. */
  static Set<String> anchors(Path page) {
    try {
      Map<String, Integer> seen = new HashMap<>();
      List<String> anchors = new ArrayList<>();
      boolean inFence = false;
      for (String line : Files.readAllLines(page)) {
        if (FENCE.matcher(line).find()) {
          inFence = !inFence;
          continue;
        }
        Matcher heading = HEADING.matcher(line);
        if (!inFence && heading.matches()) {
          String slug = slug(heading.group(2));
          int count = seen.merge(slug, 1, Integer::sum);
          anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
      }
      return Set.copyOf(anchors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * GitHub's anchor for a heading's text (github-slugger): the text as rendered (links and images
   * by their text, no code marks or emphasis), lower case, without what is neither a letter, a
   * digit, an underscore, a hyphen nor a space, and each space a hyphen.
   */
  static String slug(String heading) {
    String text =
        heading
            .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
            .replace("`", "")
            .replaceAll("\\*+|(?<![\\p{L}\\p{N}])_+|_+(?![\\p{L}\\p{N}])", "");
    return text.toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
        .replace(' ', '-');
  }

  @ParameterizedTest(name = "{0} -> #{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Why does my pod have this? | why-does-my-pod-have-this",
        "Secret delivery (`bench/sync.sh`) | secret-delivery-benchsyncsh",
        "PullSecretWebhookNotCalled | pullsecretwebhooknotcalled",
        "Start-up, memory and the AOT cache | start-up-memory-and-the-aot-cache",
        "Footprint: where the rest goes, and what did not help"
            + " | footprint-where-the-rest-goes-and-what-did-not-help",
        "**Bold** and [a link](x.md) | bold-and-a-link",
        "Decoders: DSL-JSON vs simdjson_java | decoders-dsl-json-vs-simdjson_java"
      })
  void headingsGetGitHubsAnchors(String heading, String anchor) {
    assertThat(slug(heading)).isEqualTo(anchor);
  }

  @Test
  void aRepeatedHeadingGetsANumberedAnchor(@TempDir Path dir) throws IOException {
    Path page = dir.resolve("page.md");
    Files.writeString(page, "# Title\n## Figures\n```\n# not a heading\n```\n## Figures\n");

    assertThat(anchors(page)).containsExactlyInAnyOrder("title", "figures", "figures-1");
  }
}
