package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.doctor.ClusterCheck.NamespaceFinding;
import dev.pullsecret.webhook.doctor.ClusterCheck.SecretFinding;
import dev.pullsecret.webhook.recovery.StuckPods;
import java.io.PrintWriter;
import java.util.List;

/** What the doctor found in the cluster against the rules: one line per finding, with a verdict. */
public record DoctorReport(
    List<NamespaceFinding> namespaces,
    List<StuckPods.Finding> stuckPods,
    List<AccessCheck.Result> access,
    List<CaBundleCheck.Result> caBundle) {

  public boolean isOk() {
    return namespaces.stream().allMatch(NamespaceFinding::isOk)
        && stuckPods.isEmpty()
        && access.stream().allMatch(AccessCheck.Result::ok)
        && caBundle.stream().allMatch(CaBundleCheck.Result::ok);
  }

  public void print(PrintWriter out) {
    for (NamespaceFinding namespace : namespaces) {
      if (namespace.rule() == null) {
        out.printf("%s left out: %s%n", namespace.namespace(), namespace.why());
      } else {
        out.printf("%s (rule %s: %s)%n", namespace.namespace(), namespace.rule(), namespace.why());
      }
      for (SecretFinding secret : namespace.secrets()) {
        out.printf(
            "  %-4s %-20s %-14s %s%n",
            secret.status().isOk() ? "ok" : "FAIL",
            secret.secret(),
            secret.status().label(),
            secret.detail());
      }
    }
    for (StuckPods.Finding pod : stuckPods) {
      out.printf(
          "pod %s/%s%s: FAIL, cannot pull: it %s; %s%n",
          pod.namespace(),
          pod.pod(),
          pod.controller() == null ? "" : " (" + pod.controller() + ")",
          pod.why(),
          pod.controller() == null
              ? "delete it and create it again"
              : "evict it (or set recovery.mode=evict) for its controller to recreate it");
    }
    for (AccessCheck.Result result : access) {
      if (result.ok()) {
        out.printf("access of %s to %s: ok%n", result.user(), result.pullSecret());
      } else if (result.detail() != null) {
        out.printf("access of %s: not checked, %s%n", result.user(), result.detail());
      } else {
        out.printf(
            "access of %s to %s: FAIL, lacks %s; no copy of it is made. Fix: install the chart"
                + " with it in `rules`, list it in sync.rbac.extraPullSecrets, or set"
                + " sync.rbac.scope=cluster%n",
            result.user(), result.pullSecret(), String.join(", ", result.lacking()));
      }
    }
    for (CaBundleCheck.Result result : caBundle) {
      out.printf(
          "registration %s: %s %s%n",
          result.webhook(), result.ok() ? "ok" : "FAIL", result.detail());
    }
    long failing = namespaces.stream().filter(n -> !n.isOk()).count();
    long leftOut = namespaces.stream().filter(n -> n.rule() == null).count();
    out.printf(
        "%d namespace(s) checked (%d left out), %d with problems; caBundle %s%n",
        namespaces.size(),
        leftOut,
        failing,
        caBundle.isEmpty()
            ? "not checked"
            : caBundle.stream().allMatch(CaBundleCheck.Result::ok) ? "ok" : "WRONG");
  }
}
