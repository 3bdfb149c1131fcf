package dev.pullsecret.webhook.delivery;

import java.util.List;
import java.util.Map;

/**
 * What one reconcile of a namespace does: writes to make, and the state of each wanted copy once
 * they succeed (a write that fails changes its copy's state; see {@link CopyWriter}).
 */
record NamespacePlan(List<CopyAction> actions, Map<String, CopyState> states) {

  NamespacePlan {
    actions = List.copyOf(actions);
    states = Map.copyOf(states);
  }
}
