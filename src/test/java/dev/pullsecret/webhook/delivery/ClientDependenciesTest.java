package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes client needs every fabric8 model at run time, but the tests see their own class
 * path, where a model declared with test scope is present: the jar would start, then fail to create
 * the client ({@code NoClassDefFoundError: ...apps/Deployment}) as soon as delivery is on. Seen
 * once; this keeps it from coming back.
 */
class ClientDependenciesTest {

  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  @Test
  void noFabric8ModuleButTheMockServerIsTestScoped() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));

    List<String> testScoped =
        DEPENDENCY
            .matcher(pom)
            .results()
            .map(m -> m.group(1))
            .filter(d -> d.contains("<groupId>io.fabric8</groupId>"))
            .filter(d -> d.contains("<scope>test</scope>"))
            .map(d -> d.replaceAll("(?s).*<artifactId>([^<]+)</artifactId>.*", "$1"))
            .toList();

    assertThat(testScoped).containsExactly("kubernetes-server-mock");
  }
}
