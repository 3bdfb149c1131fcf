package dev.pullsecret.webhook.glob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvFileSource(resources = "/glob/matches.csv", nullValues = "<none>")
  void matchesAsTheTableSays(String pattern, String text, boolean expected) {
    assertThat(Glob.compile(empty(pattern)).matches(empty(text))).isEqualTo(expected);
  }

  @Test
  void agreesWithTheRegularExpressionItReplacedOnRandomPatternsAndTexts() {
    var random = new Random(12);
    for (int i = 0; i < 20_000; i++) {
      String pattern = randomString(random, "ab*?", random.nextInt(8));
      String text = randomString(random, "abc", random.nextInt(10));

      assertThat(Glob.compile(pattern).matches(text))
          .as("%s ~ %s", pattern, text)
          .isEqualTo(regex(pattern).matcher(text).matches());
    }
  }

  @Test
  void ignoringCaseFoldsAsciiLettersOfTheText() {
    Glob glob = Glob.compileIgnoringCase("*-docker");

    assertThat(glob.matches("Europe-DOCKER")).isTrue();
    assertThat(glob.matches("europe-dockers")).isFalse();
    assertThat(Glob.compile("*-docker").matches("europe-DOCKER")).isFalse();
  }

  @Test
  void matchesASliceOfTheText() {
    assertThat(Glob.compile("*-docker").matches("x.europe-docker.pkg.dev", 2, 15)).isTrue();
    assertThat(Glob.compile("pkg").matches("x.europe-docker.pkg.dev", 2, 15)).isFalse();
  }

  /**
   * The glob that made java.util.regex backtrack for more than 15 s on one 63-character namespace
   * ({@code *a*a...*b}, 63 characters) and its worst texts: linear time, so a million matches take
   * a fraction of a second (the bound is loose for a loaded machine; one regex match took 15 s).
   */
  @Test
  void theWorstShapedGlobMatchesInLinearTime() {
    Glob worst = Glob.compile("*a".repeat(31) + "b");
    String namespace = "a".repeat(63);
    String long_ = "a".repeat(1_000_000);

    long start = System.nanoTime();
    boolean any = false;
    for (int i = 0; i < 100_000; i++) {
      any |= worst.matches(namespace);
    }
    any |= worst.matches(long_);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.printf(
        "Worst glob (%s) on a 63-character namespace: %d ns per match%n",
        worst, took.toNanos() / 100_001);
    assertThat(any).isFalse();
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void refusesPatternsLongerThanItsSixtyThreeTokens() {
    assertThat(Glob.compile("a".repeat(63)).matches("a".repeat(63))).isTrue();
    // Runs of stars count as one token.
    assertThat(Glob.compile("a".repeat(62) + "*****").matches("a".repeat(70))).isTrue();
    assertThatThrownBy(() -> Glob.compile("a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 63");
  }

  @Test
  void countsLiteralsAndWildcards() {
    assertThat(Glob.compile("team-a-*").literals()).isEqualTo(7);
    assertThat(Glob.compile("team-a-*").hasWildcard()).isTrue();
    assertThat(Glob.compile("team").hasWildcard()).isFalse();
    assertThat(Glob.compile("t?am").hasWildcard()).isTrue();
  }

  @Test
  void anExactNameMatchesOnlyItselfWholeOrInPart() {
    assertThat(Glob.compile("team-a").matches("team-a")).isTrue();
    assertThat(Glob.compile("team-a").matches("team-ab")).isFalse();
    assertThat(Glob.compile("team-a").matches("Team-a")).isFalse();
    assertThat(Glob.compile("team-a").matches("xteam-ay", 1, 7)).isTrue();
    assertThat(Glob.compileIgnoringCase("team-a").matches("Team-A")).isTrue();
    assertThat(Glob.compileIgnoringCase("k").matches("\u212a")).isFalse(); // the Kelvin sign
  }

  private static Pattern regex(String glob) {
    var regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  private static String randomString(Random random, String alphabet, int length) {
    var s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static String empty(String s) {
    return "<empty>".equals(s) ? "" : s;
  }
}
