package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The copies' watch binds only what {@link SyncCaches.ObservedCopy} reads: the same observation as
 * from the whole Secret, and none of what a tenant can add to our copy without changing it (the
 * copies themselves: {@code HostileCopiesIT}).
 */
class CopyFieldsTest {

  private static final JsonMapper WHOLE = JsonMapper.builderWithJackson2Defaults().build();
  private static final JsonMapper BOUND =
      CopyFields.bindOnlyReadFields(JsonMapper.builderWithJackson2Defaults()).build();

  @Test
  void observesACopyAsTheWholeSecretGivesIt() {
    Secret copy = ours().build();

    Secret bound = BOUND.readValue(WHOLE.writeValueAsString(copy), Secret.class);

    assertThat(SyncCaches.ObservedCopy.of(bound)).isEqualTo(SyncCaches.ObservedCopy.of(copy));
    assertThat(bound.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(bound.getMetadata().getName()).isEqualTo("hub-creds");
  }

  @Test
  void bindsNoneOfWhatATenantAddsToOurCopy() {
    Secret copy =
        ours()
            .editMetadata()
            .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("tenant").build())
            .addToAnnotations("filler", "x".repeat(200_000))
            .endMetadata()
            .build();
    IntStream.range(0, 10_000).forEach(i -> copy.getMetadata().getLabels().put("l" + i, ""));

    Secret bound = BOUND.readValue(WHOLE.writeValueAsString(copy), Secret.class);

    assertThat(bound.getMetadata().getLabels()).isEmpty();
    assertThat(bound.getMetadata().getManagedFields()).isEmpty();
    assertThat(bound.getMetadata().getAnnotations())
        .containsOnlyKeys(CopyMarks.SOURCE_ANNOTATION, CopyMarks.HASH_ANNOTATION);
    assertThat(SyncCaches.ObservedCopy.of(bound))
        .isEqualTo(SyncCaches.ObservedCopy.of(ours().build()));
  }

  private static SecretBuilder ours() {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace("team-a")
        .withName("hub-creds")
        .withResourceVersion("42")
        .addToLabels(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
        .addToAnnotations(CopyMarks.SOURCE_ANNOTATION, "platform/hub-creds")
        .addToAnnotations(CopyMarks.HASH_ANNOTATION, "sha256:0123")
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", "e30="));
  }
}
