package dev.pullsecret.webhook.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestContexts;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which pending pods are stuck for lack of a pull secret, and which only look alike (a wrong image,
 * a secret that does not exist yet, one the webhook does not deliver, a namespace or pod left out).
 */
class StuckPodsTest {

  private static final Rules RULES =
      RulesParser.parse(
          """
          pullSecrets:
            - {name: hub, registries: [docker.io], source: hub}
            - {name: corp, registries: ["registry.corp:5000"], source: corp}
            - {name: by-hand, registries: [quay.io]}
          rules:
            - {name: everyone, namespaces: ["*"], pullSecrets: [hub, corp, by-hand]}
            - {name: trial, namespaces: [trial], mode: audit, pullSecrets: [hub]}
          """,
          "rules.yaml");

  /** Copies present: hub and corp in {@code shop} and {@code trial}, only corp in {@code fresh}. */
  private static boolean copyPresent(String namespace, String secret) {
    return namespace.equals("shop")
        || namespace.equals("trial")
        || (namespace.equals("fresh") && secret.equals("corp"));
  }

  /** Images and secrets are {@code ;}-separated, {@code -} for none; {@code missing} likewise. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "lacks the hub copy there               | shop        | nginx:1.27               | -   | false | hub",
        "lacks the corp copy there              | shop        | registry.corp:5000/app:1 | -   | false | corp",
        "lacks only what serves its registries  | shop        | nginx;registry.corp:5000/app:1 | hub | false | corp",
        "has its secret: a wrong image          | shop        | nginx:no-such-tag        | hub | false | -",
        "no secret serves that registry         | shop        | ghcr.io/team/app:1       | -   | false | -",
        "the secret is not delivered            | shop        | quay.io/team/app:1       | -   | false | -",
        "the copy does not exist yet            | fresh       | nginx:1.27               | -   | false | -",
        "the pod opted out                      | shop        | nginx:1.27               | -   | true  | -",
        "the namespace is skipped               | kube-system | nginx:1.27               | -   | false | -",
        "its rule is in audit mode: adds none   | trial       | nginx:1.27               | -   | false | -",
        "no container fails to pull             | shop        | -                        | -   | false | -",
        "an image that does not parse           | shop        | UPPER/Case               | -   | false | -",
      })
  void tellsStuckPodsFromLookAlikes(
      String name,
      String namespace,
      String failing,
      String secrets,
      boolean optedOut,
      String missing) {
    var pod =
        new PendingPod(
            namespace,
            "web",
            "uid",
            "ReplicaSet/web-1",
            optedOut,
            Set.copyOf(list(secrets)),
            list(failing),
            false,
            null);

    var diagnosis =
        StuckPods.diagnose(
            pod, TestContexts.SCOPE, RULES, NamespaceLabels.NONE, StuckPodsTest::copyPresent);

    assertThat(diagnosis.map(StuckPods.Diagnosis::missing).orElse(List.of()))
        .isEqualTo(list(missing));
  }

  /**
   * The description goes into an Event and a log line per pod: a pod's 32 failing images of ~370
   * characters each made a line of ~12 KB. A few images are named, then a count.
   */
  @Test
  void aPodWithManyLongImagesIsDescribedInAFewHundredCharacters() {
    List<String> images =
        IntStream.range(0, 32)
            .mapToObj(i -> "team/" + "a".repeat(240) + i + ":" + "t".repeat(120))
            .toList();
    var pod =
        new PendingPod(
            "shop", "web", "uid", "ReplicaSet/web-1", false, Set.of(), images, false, null);

    String described =
        StuckPods.diagnose(
                pod, TestContexts.SCOPE, RULES, NamespaceLabels.NONE, StuckPodsTest::copyPresent)
            .orElseThrow()
            .describe();

    assertThat(described)
        .hasSizeLessThan(1_000)
        .contains("…+29 more")
        .contains("lacks pull secret hub");
  }

  /**
   * A pod that has its secret, behind 64 made-up names, and an image that is simply wrong: before,
   * only the first 64 names were kept, so it was taken for lacking hub and, owned by a controller,
   * evicted, recreated alike and evicted again, at the rate every tenant's recovery shares.
   */
  @Test
  void aPodWithMorePullSecretsThanKeptIsNeverTakenForStuck() {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("web")
            .withUid("uid")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("nginx:no-such-tag")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .addToContainerStatuses(Waiting.status("web", "ImagePullBackOff"))
            .endStatus()
            .build();
    IntStream.range(0, PendingPod.MAX_PULL_SECRETS)
        .forEach(i -> pod.getSpec().getImagePullSecrets().add(new LocalObjectReference("x" + i)));
    pod.getSpec().getImagePullSecrets().add(new LocalObjectReference("hub"));

    var diagnosis =
        StuckPods.diagnose(
            PendingPod.of(pod, TestContexts.SCOPE),
            TestContexts.SCOPE,
            RULES,
            NamespaceLabels.NONE,
            StuckPodsTest::copyPresent);

    assertThat(diagnosis).isEmpty();
  }

  /**
   * Labels not known (the namespace watch relisting after new rules read another label, and the
   * read of the namespace not answered in time: its slots taken by reviews naming made-up
   * namespaces) may hide the opt-out label: a pod there is not judged, and is looked at again at
   * the next resync. Before, the opt-out went unseen and the pod was evicted.
   */
  @Test
  void aPodInANamespaceWhoseLabelsAreNotKnownIsNotJudged() {
    var pod =
        new PendingPod(
            "shop",
            "web",
            "uid",
            "ReplicaSet/web-1",
            false,
            Set.of(),
            List.of("nginx:1.27"),
            false,
            null);

    assertThat(
            StuckPods.diagnose(
                pod, TestContexts.SCOPE, RULES, NamespaceLabels.NONE, StuckPodsTest::copyPresent))
        .isPresent();
    assertThat(
            StuckPods.diagnose(
                pod,
                TestContexts.SCOPE,
                RULES,
                NamespaceLabels.UNKNOWN,
                StuckPodsTest::copyPresent))
        .isEmpty();
  }

  private static List<String> list(String text) {
    return text.equals("-") ? List.of() : Arrays.asList(text.split(";"));
  }
}
