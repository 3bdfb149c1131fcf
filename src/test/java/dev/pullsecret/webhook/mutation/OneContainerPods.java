package dev.pullsecret.webhook.mutation;

import dev.pullsecret.webhook.testing.Reviews;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** The one-container pod the mutation tests feed the mutator, and the patch applied back to it. */
final class OneContainerPods {

  private OneContainerPods() {}

  /** A pod named {@code p} with one container {@code app} running {@code image}. */
  static Pod pod(String image, String policy) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .withImagePullPolicy(policy)
        .endContainer()
        .endSpec()
        .build();
  }

  /** Applies the mutation's patch with a real JSON Patch implementation. */
  static Pod apply(Pod pod, Mutation mutation) {
    return Reviews.patched(pod, mutation.operations());
  }
}
