package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.delivery.SyncCaches.ObservedCopy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reduced stores keep what is read, whatever the object holds: the copies' one here. */
class ReducedStoreTest {

  final ReducedStore<Secret, ObservedCopy> store =
      new ReducedStore<>(Secret::new, ObservedCopy::of, ObservedCopy::resourceVersion);

  /** However large a Secret under our label, the store holds its marks and a hash. */
  @Test
  void holdsWhatIsObservedOfACopyNotTheSecret() {
    Secret large =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .withName("dockerhub-creds")
            .withResourceVersion("7")
            .addToLabels(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .addToLabels("tenant", "label")
            .addToAnnotations(CopyMarks.SOURCE_ANNOTATION, "platform/dockerhub-creds")
            .addToAnnotations(CopyMarks.HASH_ANNOTATION, "sha256:0123")
            .addToAnnotations("big", "x".repeat(200_000))
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", "eA==".repeat(250_000)))
            .build();

    store.put(store.getKey(large), large);

    assertThat(store.getKey(large)).isEqualTo("team-a/dockerhub-creds");
    assertThat(store.kept("team-a/dockerhub-creds"))
        .isEqualTo(
            new ObservedCopy(
                "7",
                "kubernetes.io/dockerconfigjson",
                "platform/dockerhub-creds",
                "sha256:0123",
                CopyMarks.contentHash(large),
                false));
    Secret asTheInformerReadsIt = store.get("team-a/dockerhub-creds");
    assertThat(asTheInformerReadsIt.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(asTheInformerReadsIt.getMetadata().getName()).isEqualTo("dockerhub-creds");
    assertThat(asTheInformerReadsIt.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(asTheInformerReadsIt.getMetadata().getAnnotations()).isEmpty();
    assertThat(asTheInformerReadsIt.getData()).isNullOrEmpty();
    assertThat(store.size()).isOne();
  }

  /**
   * The API server checks neither a Secret's type nor our annotations' length (a real one stored a
   * 300,000-character type and a 200,000-character source annotation): a tenant's Secret under our
   * label and name keeps of them only what can match a source, else a value that never does.
   */
  @Test
  void keepsNoLongMarksNorType() {
    Secret forged =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .withName("dockerhub-creds")
            .withResourceVersion("8")
            .addToLabels(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .addToAnnotations(CopyMarks.SOURCE_ANNOTATION, "s".repeat(200_000))
            .addToAnnotations(CopyMarks.HASH_ANNOTATION, "h".repeat(50_000))
            .endMetadata()
            .withType("T".repeat(300_000))
            .build();

    ObservedCopy kept = ObservedCopy.of(forged);

    assertThat(kept.type()).hasSizeLessThanOrEqualTo(ObservedCopy.MAX_KEPT_CHARS);
    assertThat(kept.sourceMark()).hasSizeLessThanOrEqualTo(ObservedCopy.MAX_KEPT_CHARS);
    assertThat(kept.hashMark()).hasSizeLessThanOrEqualTo(ObservedCopy.MAX_KEPT_CHARS);
    assertThat(kept.type()).isNotEqualTo("kubernetes.io/dockerconfigjson");
  }

  @Test
  void forgetsARemovedCopy() {
    Secret copy =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .withName("x")
            .withResourceVersion("1")
            .endMetadata()
            .build();
    store.put("team-a/x", copy);

    assertThat(store.remove("team-a/x").getMetadata().getName()).isEqualTo("x");
    assertThat(store.kept("team-a/x")).isNull();
    assertThat(store.get("team-a/x")).isNull();
    assertThat(store.keySet()).isEmpty();
  }

  /** A cluster-wide object's key is its name: it is read back with that name and no namespace. */
  @Test
  void readsBackAClusterWideObjectByItsName() {
    ReducedStore<Namespace, NamespaceFacts> namespaces =
        new ReducedStore<>(
            Namespace::new, n -> NamespaceFacts.of(n, Set.of()), NamespaceFacts::resourceVersion);
    Namespace team =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("team-a")
            .withResourceVersion("3")
            .addToLabels("tenant", "a")
            .endMetadata()
            .build();

    namespaces.put(namespaces.getKey(team), team);

    Namespace asTheInformerReadsIt = namespaces.get("team-a");
    assertThat(asTheInformerReadsIt.getMetadata().getName()).isEqualTo("team-a");
    assertThat(asTheInformerReadsIt.getMetadata().getNamespace()).isNull();
    assertThat(asTheInformerReadsIt.getMetadata().getResourceVersion()).isEqualTo("3");
    assertThat(namespaces.values()).hasSize(1);
  }
}
