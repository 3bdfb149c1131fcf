package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pullsecret.webhook.mutation.Mutation;
import dev.pullsecret.webhook.mutation.PodMutator;
import dev.pullsecret.webhook.testing.Passes;
import dev.pullsecret.webhook.testing.Reviews;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * Fuzz target of the rules parser, seeded with the valid and invalid rules of the tests and
 * examples. Any text is either compiled into rules or refused with located errors; and every rule
 * of valid rules, applied to a pod with images of every kind, yields a patch that applies cleanly
 * and converges (the rule applied again to its own output changes nothing), whatever pins, mirrors
 * and policies the fuzzer combined.
 */
class RulesFuzzTest {

  private static final String SOURCE = "fuzzed-rules.yaml";
  private static final byte[] POD =
      """
      {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"a": "b"}},
       "spec": {
        "initContainers": [{"name": "i0", "image": "busybox:latest", "imagePullPolicy": "Always"}],
        "containers": [
          {"name": "c0", "image": "nginx", "imagePullPolicy": "Always"},
          {"name": "c1", "image": "docker.io/bitnami/redis:latest"},
          {"name": "c2", "image": "registry.corp:5000/team/app:1"},
          {"name": "c3", "image": "europe-docker.pkg.dev/p/r/img@sha256:\
      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
          {"name": "c4", "image": "mirror.example.com/dockerhub/library/nginx:1.27.3"},
          {"name": "c5", "image": "localhost:5000/x"},
          {"name": "c6", "image": "not a valid image"}],
        "ephemeralContainers": [{"name": "e0", "image": "alpine", "imagePullPolicy": "Always"}],
        "imagePullSecrets": [{"name": "existing"}]}}
      """
          .getBytes(StandardCharsets.UTF_8);

  private final PodMutator mutator = new PodMutator();

  @FuzzTest
  void anyTextIsCompiledOrRefusedWithLocatedErrors(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Rules rules;
    try {
      rules = RulesParser.parse(text, SOURCE);
    } catch (InvalidRulesException e) {
      assertThat(e.source()).isEqualTo(SOURCE);
      assertThat(e.errors())
          .isNotEmpty()
          .allSatisfy(error -> assertThat(error.message()).isNotBlank());
      assertThat(e.getMessage()).startsWith("rules refused (");
      return;
    }
    assertThat(rules.forNamespace("default", NamespaceLabels.NONE)).isNotNull();
    for (NamespaceRule rule : rules.rules()) {
      assertConverges(rule);
    }
  }

  private void assertConverges(NamespaceRule rule) {
    JsonNode pod = Reviews.json(POD);
    Mutation first = Passes.create(mutator, Reviews.pod(pod), Passes.match(rule));
    if (first.isEmpty()) {
      return;
    }
    JsonNode patched = apply(first, pod);
    Pod result = Reviews.pod(patched);

    Mutation second = Passes.create(mutator, result, Passes.match(rule));

    assertThat(second.operations()).as("rule %s applied to its own output", rule.name()).isEmpty();
  }

  private static JsonNode apply(Mutation mutation, JsonNode pod) {
    JsonNode patch = Reviews.JSON.valueToTree(mutation.operations());
    return io.fabric8.zjsonpatch.JsonPatch.apply(patch, pod);
  }
}
