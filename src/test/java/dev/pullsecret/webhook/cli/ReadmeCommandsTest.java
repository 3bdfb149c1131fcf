package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code ```console} block of the README and of {@code docs/*.md} that runs a command of the
 * jar is run, and what it prints (standard output, then standard error) must be what the page
 * shows: a user who copies a command sees exactly that.
 */
class ReadmeCommandsTest {

  private static final String PROMPT = "$ java -jar target/pullsecret-webhook-*.jar ";

  record Example(Path page, String commandLine, String expected) {
    @Override
    public String toString() {
      return page + ": " + commandLine;
    }
  }

  static Stream<Example> examples() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<Example> examples = new ArrayList<>();
    for (Path page : pages) {
      examples.addAll(examples(page));
    }
    assertThat(examples).as("console examples in the documentation").hasSizeGreaterThanOrEqualTo(3);
    return examples.stream();
  }

  private static List<Example> examples(Path page) throws IOException {
    List<String> lines = Files.readAllLines(page);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals("```console") && lines.get(i + 1).startsWith(PROMPT)) {
        String commandLine = lines.get(i + 1).substring(PROMPT.length());
        var expected = new StringBuilder();
        for (i += 2; !lines.get(i).equals("```"); i++) {
          expected.append(lines.get(i)).append('\n');
        }
        examples.add(new Example(page, commandLine, expected.toString()));
      }
    }
    return examples;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void readmeShowsWhatTheCommandPrints(Example example) {
    CommandRun run = CommandRun.jar(example.commandLine().split(" "));

    assertThat(run.out() + run.err()).isEqualTo(example.expected());
  }
}
