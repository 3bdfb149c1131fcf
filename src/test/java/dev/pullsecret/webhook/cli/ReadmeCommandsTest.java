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
 * Every {@code ```console} block of the README that runs a command of the jar is run, and what it
 * prints (standard output, then standard error) must be what the README shows: a new user who
 * copies a command sees exactly that.
 */
class ReadmeCommandsTest {

  private static final String PROMPT = "$ java -jar target/pullsecret-webhook-*.jar ";

  record Example(String commandLine, String expected) {
    @Override
    public String toString() {
      return commandLine;
    }
  }

  static Stream<Example> examples() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals("```console") && lines.get(i + 1).startsWith(PROMPT)) {
        String commandLine = lines.get(i + 1).substring(PROMPT.length());
        var expected = new StringBuilder();
        for (i += 2; !lines.get(i).equals("```"); i++) {
          expected.append(lines.get(i)).append('\n');
        }
        examples.add(new Example(commandLine, expected.toString()));
      }
    }
    assertThat(examples).as("README console examples").hasSizeGreaterThanOrEqualTo(3);
    return examples.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void readmeShowsWhatTheCommandPrints(Example example) {
    CommandRun run = CommandRun.jar(example.commandLine().split(" "));

    assertThat(run.out() + run.err()).isEqualTo(example.expected());
  }
}
