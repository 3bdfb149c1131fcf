package dev.pullsecret.webhook.admission;

import static dev.pullsecret.webhook.testing.Reviews.resource;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.AdmissionInvariants;
import dev.pullsecret.webhook.testing.Reviews;
import dev.pullsecret.webhook.testing.TestContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzz targets of the admission path (decode, decide, encode) with the test rules, which pin,
 * mirror, set pull policies, audit and bind secrets to registries. Every input must satisfy {@link
 * AdmissionInvariants}. A normal build runs them on the committed seeds under {@code
 * AdmissionFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes one (docs/development.md,
 * Fuzzing).
 */
class AdmissionFuzzTest {

  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final LoadedRules RULES =
      new LoadedRules(
          RulesParser.parse(
              new String(resource("rules/test-rules.yaml"), StandardCharsets.UTF_8), "test-rules"),
          1,
          "fuzz",
          Instant.EPOCH,
          "test-rules.yaml");
  private static final AdmissionInvariants INVARIANTS =
      new AdmissionInvariants(
          new AdmissionReviewCodec(MAX_BODY), TestContexts.offline(() -> RULES));
  private static final List<JsonNode> FIXTURES = fixtures();

  /** Arbitrary bytes, seeded with every fixture review: refused as malformed, or answered. */
  @FuzzTest
  void anyBodyIsAnsweredOrRefusedAsMalformed(byte[] body) {
    INVARIANTS.check(body);
  }

  /**
   * A fixture review changed structurally (fields removed, retyped or replaced; images, namespaces,
   * operations, subresources, kinds and pull secrets swapped), then answered.
   */
  @FuzzTest
  void structurallyMutatedReviewsAreAnswered(FuzzedDataProvider data) {
    ObjectNode review = (ObjectNode) data.pickValue(FIXTURES).deepCopy();
    int edits = data.consumeInt(1, 8);
    for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
      new ReviewMutator(data).mutate(review);
    }
    INVARIANTS.check(Reviews.JSON.writeValueAsBytes(review));
  }

  /** One structural edit of a review, driven by the fuzzer's data. */
  private record ReviewMutator(FuzzedDataProvider data) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] IMAGES = {
      "nginx",
      "nginx:latest",
      "busybox:latest",
      "docker.io/bitnami/redis:latest",
      "registry.corp:5000/team/app:1",
      "registry.example.invalid/team/app:1.0",
      "europe-docker.pkg.dev/p/r/img@sha256:"
          + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "mirror.example.com/dockerhub/library/nginx:1.27.3",
      "localhost:5000/x",
      "[::1]:5000/x:y",
      "UPPER/case",
      "",
      " nginx",
    };
    private static final String[] NAMESPACES = {
      "default", "team-a", "mirrored-x", "policy-x", "audit-1", "kube-system", "none", ""
    };
    private static final String[] PRINTED_FIELDS = {"uid", "name", "operation", "namespace"};
    private static final String[] OPERATIONS = {"CREATE", "UPDATE", "DELETE", "CONNECT", ""};
    private static final String[] SUBRESOURCES = {"status", "ephemeralcontainers", "binding", ""};
    private static final String[] CONTAINER_LISTS = {
      "containers", "initContainers", "ephemeralContainers"
    };
    private static final String[] POLICIES = {"Always", "IfNotPresent", "Never", "", "always"};

    void mutate(ObjectNode review) {
      ObjectNode request = objectAt(review, "request");
      ObjectNode pod = objectAt(request, "object");
      ObjectNode spec = objectAt(pod, "spec");
      switch (data.consumeInt(0, 13)) {
        case 0 -> request.put("operation", data.pickValue(OPERATIONS));
        case 1 -> request.put("namespace", namespace());
        case 2 -> request.put("subResource", data.pickValue(SUBRESOURCES));
        case 3 -> objectAt(request, "kind").put("kind", data.consumeBoolean() ? "Pod" : "Service");
        case 4 -> container(spec).put("image", image());
        case 5 -> container(spec).put("imagePullPolicy", data.pickValue(POLICIES));
        case 6 -> arrayAt(spec, data.pickValue(CONTAINER_LISTS)).add(newContainer());
        case 7 -> spec.set("imagePullSecrets", pullSecrets());
        case 8 -> objectAt(objectAt(pod, "metadata"), "annotations").put(key(), text());
        case 9 -> request.set("oldObject", data.consumeBoolean() ? pod.deepCopy() : null);
        case 10 -> objectAt(pod, "metadata").put("namespace", namespace());
        // Text printed in log lines and warnings: any characters, escape sequences included.
        case 11 -> request.put(data.pickValue(PRINTED_FIELDS), text());
        case 12 ->
            objectAt(pod, "metadata").put(data.consumeBoolean() ? "name" : "generateName", text());
        default -> editAnyNode(review);
      }
    }

    /** Walks to a random node and removes it or replaces it with a value of another type. */
    private void editAnyNode(ObjectNode review) {
      JsonNode parent = review;
      JsonNode child = review.path("request");
      Object key = "request";
      while (child.isContainer() && !child.isEmpty() && data.consumeInt(0, 4) > 0) {
        parent = child;
        if (child instanceof ObjectNode object) {
          key = data.pickValue(new ArrayList<>(object.propertyNames()));
          child = object.get((String) key);
        } else {
          key = data.consumeInt(0, child.size() - 1);
          child = child.get((Integer) key);
        }
      }
      JsonNode replacement =
          switch (data.consumeInt(0, 7)) {
            case 0 -> null; // remove
            case 1 -> NODES.nullNode();
            case 2 -> NODES.stringNode(text());
            case 3 -> NODES.numberNode(data.consumeLong());
            case 4 -> NODES.booleanNode(data.consumeBoolean());
            case 5 -> NODES.objectNode();
            case 6 -> NODES.arrayNode();
            default -> child.deepCopy(); // duplicated into an array below, or kept
          };
      if (parent instanceof ObjectNode object) {
        if (replacement == null) {
          object.remove((String) key);
        } else {
          object.set((String) key, replacement);
        }
      } else if (parent instanceof ArrayNode array) {
        int index = (Integer) key;
        if (replacement == null) {
          array.remove(index);
        } else if (data.consumeBoolean()) {
          array.insert(index, replacement);
        } else {
          array.set(index, replacement);
        }
      }
    }

    private ObjectNode container(ObjectNode spec) {
      ArrayNode containers = arrayAt(spec, data.pickValue(CONTAINER_LISTS));
      if (containers.isEmpty()) {
        containers.add(newContainer());
      }
      JsonNode container = containers.get(data.consumeInt(0, containers.size() - 1));
      if (container instanceof ObjectNode object) {
        return object;
      }
      return newContainer();
    }

    private ObjectNode newContainer() {
      ObjectNode container = NODES.objectNode();
      container.put("name", data.consumeBoolean() ? "c" + data.consumeInt(0, 9) : text());
      container.put("image", image());
      if (data.consumeBoolean()) {
        container.put("imagePullPolicy", data.pickValue(POLICIES));
      }
      return container;
    }

    private JsonNode pullSecrets() {
      ArrayNode secrets = NODES.arrayNode();
      int count = data.consumeInt(0, 3);
      for (int i = 0; i < count; i++) {
        switch (data.consumeInt(0, 3)) {
          case 0 -> secrets.addObject().put("name", data.pickValue(SECRETS));
          case 1 -> secrets.addObject().put("name", text());
          case 2 -> secrets.addObject();
          default -> secrets.addNull();
        }
      }
      return secrets;
    }

    private static final String[] SECRETS = {
      "injected-pull-secret", "dockerhub-creds", "mirror-creds", "everywhere-creds", ""
    };

    private String image() {
      return data.consumeBoolean() ? data.pickValue(IMAGES) : text();
    }

    private String namespace() {
      return data.consumeBoolean() ? data.pickValue(NAMESPACES) : text();
    }

    private String key() {
      return data.consumeBoolean() ? "kubernetes.io/config.mirror" : text();
    }

    private String text() {
      return data.consumeString(64);
    }

    private static ObjectNode objectAt(ObjectNode parent, String field) {
      JsonNode node = parent.get(field);
      if (node instanceof ObjectNode object) {
        return object;
      }
      return parent.putObject(field);
    }

    private static ArrayNode arrayAt(ObjectNode parent, String field) {
      JsonNode node = parent.get(field);
      if (node instanceof ArrayNode array) {
        return array;
      }
      return parent.putArray(field);
    }
  }

  private static List<JsonNode> fixtures() {
    try {
      Path dir = Path.of(AdmissionFuzzTest.class.getResource("/admission/cases/").toURI());
      try (Stream<Path> files = Files.list(dir)) {
        return files
            .filter(p -> p.getFileName().toString().endsWith(".review.json"))
            .sorted()
            .map(p -> Reviews.json(read(p)))
            .toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
