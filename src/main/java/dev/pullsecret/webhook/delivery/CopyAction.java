package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;

/** One write that brings a namespace's copies to the desired state. */
sealed interface CopyAction {

  String namespace();

  String name();

  /** Create a copy; if a Secret of that name exists, it is a conflict unless it is ours. */
  record Create(String namespace, String name, Secret copy) implements CopyAction {}

  /** Replace our copy's content; {@code copy} carries the resourceVersion that was read. */
  record Update(String namespace, String name, Secret copy) implements CopyAction {}

  /** Delete our copy: no rule wants it here any more, or its type must change. */
  record Delete(String namespace, String name) implements CopyAction {}
}
