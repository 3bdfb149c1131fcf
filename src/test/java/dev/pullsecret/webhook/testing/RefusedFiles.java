package dev.pullsecret.webhook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.LocatedErrorsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fixtures of files a parser must refuse (the rules file, the credential provider config): each
 * says what must be reported in {@code # expect: LINE:COLUMN: PATH: MESSAGE} lines.
 */
public final class RefusedFiles {

  private static final String EXPECT = "# expect: ";

  private RefusedFiles() {}

  /** The names of the files in the resource folder {@code folder}, sorted. */
  public static Stream<String> in(String folder) {
    try (Stream<Path> files =
        Files.list(Path.of(RefusedFiles.class.getResource("/" + folder).toURI()))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What {@code text} expects to be reported: its {@code # expect:} lines. */
  public static List<String> expected(String text) {
    return text.lines()
        .filter(l -> l.startsWith(EXPECT))
        .map(l -> l.substring(EXPECT.length()))
        .toList();
  }

  /**
   * {@code error} reports every {@code expected} error and nothing else (a located one as {@code
   * SOURCE:LINE:COLUMN: ...}), and its message starts by saying {@code what} was refused.
   */
  public static void assertReportedExactly(
      LocatedErrorsException error, List<String> expected, String what) {
    assertThat(error).as("refused").isNotNull();
    List<String> reported = error.errors().stream().map(e -> e.format(error.source(), "")).toList();
    assertThat(reported).as(String.join("\n", reported)).hasSameSizeAs(expected);
    for (String want : expected) {
      String prefix = Character.isDigit(want.charAt(0)) ? error.source() + ":" : "";
      assertThat(reported).anySatisfy(r -> assertThat(r).contains(prefix + want));
    }
    assertThat(error.getMessage()).startsWith(what + " refused (");
  }
}
