package dev.pullsecret.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.mutation.Change.PullPolicySet;
import dev.pullsecret.webhook.mutation.Change.SecretInjected;
import dev.pullsecret.webhook.patch.PatchOperation;
import org.junit.jupiter.api.Test;

/** Steps stay independent: what several steps change in one field becomes one operation. */
class PendingPatchTest {

  private static final PodContainer APP =
      new PodContainer(PodContainer.Kind.CONTAINER, 0, "app", "nginx", "Always");

  private static PendingPatch pending() {
    return new PendingPatch(
        OneContainerPods.pod("nginx", "Always").getSpec(),
        MutationScope.forCreate(),
        new ParsedImages());
  }

  @Test
  void twoRewritesOfOneImageAreOneOperationWithBothReasons() {
    PendingPatch pending = pending();
    ImageReference pinned = ImageReference.parse("nginx:1.27");
    ImageReference digest = ImageReference.parse("nginx:1.27@sha256:" + "a".repeat(64));

    pending.record(new ImageRewritten(APP, "nginx", pinned, "pinned"));
    pending.record(new ImageRewritten(APP, "nginx:1.27", digest, "resolved"));

    assertThat(pending.containers().getFirst().image()).isEqualTo(digest);
    assertThat(pending.changes())
        .containsExactly(new ImageRewritten(APP, "nginx", digest, "pinned, resolved"));
    assertThat(pending.operations())
        .containsExactly(PatchOperation.add(APP.pointer("image"), digest.toString()));
  }

  @Test
  void aPolicySetBackToWhatItWasIsNoChange() {
    PendingPatch pending = pending();

    pending.record(new PullPolicySet(APP, "Always", "IfNotPresent"));
    pending.record(new PullPolicySet(APP, "IfNotPresent", "Always"));

    assertThat(pending.changes()).isEmpty();
    assertThat(pending.operations()).isEmpty();
  }

  @Test
  void aSecretAddedTwiceIsAddedOnce() {
    PendingPatch pending = pending();

    pending.record(new SecretInjected("hub"));
    pending.record(new SecretInjected("hub"));

    assertThat(pending.pullSecretNames()).containsExactly("hub");
    assertThat(pending.operations()).hasSize(1);
  }
}
