package dev.pullsecret.webhook.recovery;

import static java.time.temporal.ChronoUnit.SECONDS;

import dev.pullsecret.webhook.delivery.Informers;
import dev.pullsecret.webhook.delivery.ReducedStore;
import dev.pullsecret.webhook.delivery.SecretSync;
import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncProperties;
import dev.pullsecret.webhook.delivery.WorkQueue;
import dev.pullsecret.webhook.recovery.RecoveryProperties.Mode;
import dev.pullsecret.webhook.recovery.StuckPods.Diagnosis;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the pods admitted without a pull secret their rule gives (the webhook fails open, or the
 * copy came later) and restarts them safely: a pod a controller owns is evicted through the
 * Eviction API (PodDisruptionBudgets respected; a refusal is retried later) so that its controller
 * recreates it and the webhook gives the new pod its secrets; a bare pod is never deleted, it gets
 * an Event saying what to do. In report mode every such pod only gets the Event.
 *
 * <p>Run by the sync loop's leader only, on a watch of pending pods on a node (field selectors
 * {@code status.phase=Pending,spec.nodeName!=}: a pod that never gets one never fails to pull, and
 * a tenant may have as many as its quota allows) whose store keeps what the decision needs ({@link
 * PendingPod}). Bounded: at most {@code evictionsPerMinute}, never the same pod twice, never where
 * the webhook does not act.
 */
public final class PodRecovery implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodRecovery.class);

  /** Pods acted on, by uid: never twice. A pod stuck that long is long gone from the cluster. */
  static final int MAX_REMEMBERED = 10_000;

  /**
   * Pending pods per page of the watch's list, held whole: a pod may have a few MB of JSON even
   * with only {@link PendingPodFields} bound (a 1 MB image name).
   */
  static final long LIST_PAGE = 10;

  /** The pending pods are looked at again this often, whatever the watch said. */
  static final Duration RESYNC = Duration.ofMinutes(1);

  private final KubernetesClient client;
  private final KubernetesClient podsClient;
  private final RulesStore rules;
  private final NamespaceScope scope;
  private final SecretSync delivery;
  private final Mode mode;
  private final EvictionRate rate;
  private final ReducedStore<Pod, PendingPod> store;
  private final SharedIndexInformer<Pod> pods;
  private final WorkQueue<String> queue;
  private final Set<String> handled = Collections.newSetFromMap(remembered());

  /**
   * When a pod of each controller ({@code namespace/Kind/name}) was last evicted, to the second: a
   * pod it made since that lacks the secret too did not get it at admission either (a pod refused,
   * over 256 containers, is admitted without it), so evicting it would loop forever.
   */
  private final Map<String, Instant> evictedFor = remembered();

  private final MeterProvider<Counter> actions;

  public PodRecovery(
      KubernetesClient client,
      RulesStore rules,
      NamespaceScope scope,
      SecretSync delivery,
      RecoveryProperties settings,
      SyncProperties sync,
      MeterRegistry registry) {
    this.mode = settings.mode();
    this.rate = new EvictionRate(settings.evictionsPerMinute(), System::nanoTime);
    this.client = client;
    this.rules = rules;
    this.scope = scope;
    this.delivery = delivery;
    this.store = new ReducedStore<>(Pod::new, pod -> PendingPod.of(pod, scope), pending -> null);
    this.podsClient = // its own, whose pods bind only what the decision reads
        Informers.client(client.getConfiguration(), PendingPodFields::bindOnlyReadFields);
    this.pods =
        podsClient
            .pods()
            .inAnyNamespace()
            .withField("status.phase", "Pending")
            .withoutField("spec.nodeName", "")
            .withLimit(LIST_PAGE)
            .runnableInformer(RESYNC.toMillis());
    pods.itemStore(store);
    this.queue =
        new WorkQueue<>(
            "pod-recovery", 1, sync.retryBaseDelay(), sync.retryMaxDelay(), this::recover);
    pods.addEventHandler(Informers.onAnyChange(pod -> queue.add(store.getKey(pod))));
    this.actions =
        Counter.builder("pullsecret.recovery.pods")
            .description(
                "Pods that could not pull for lack of a pull secret their rule gives, by what"
                    + " recovery did: reported, evicted, told (no controller), refused (a"
                    + " disruption budget said no; retried), forbidden (RBAC)")
            .withRegistry(registry);
    ACTIONS.forEach(action -> actions.withTag("action", action));
  }

  public PodRecovery start() {
    Informers.start(pods, "pending pods");
    log.info("Pod recovery started in {} mode", mode.name().toLowerCase(Locale.ROOT));
    return this;
  }

  /** Returns false to retry after a back-off (an eviction a budget refused, an API error). */
  private boolean recover(String key) {
    if (!delivery.isLeader()) {
      return true;
    }
    PendingPod pod = store.kept(key);
    if (pod == null || handled.contains(pod.uid())) {
      return true;
    }
    Rules rules = this.rules.get().rules();
    var labels = delivery.labels().labels(pod.namespace(), scope.labelKeys(rules));
    Optional<Diagnosis> stuck = StuckPods.diagnose(pod, scope, rules, labels, delivery::hasCopy);
    if (stuck.isEmpty()) {
      return true;
    }
    Diagnosis diagnosis = stuck.get();
    if (mode == Mode.REPORT) {
      tell(
          diagnosis,
          "recovery is in report mode: delete the pod (or restart its workload) to"
              + " recreate it with its secrets",
          "reported");
      return true;
    }
    if (pod.controller() == null) {
      tell(
          diagnosis,
          "it has no controller, so it is not evicted: delete it and create it again",
          "told");
      return true;
    }
    Instant evicted = evictedFor.get(pod.namespace() + "/" + pod.controller());
    if (evicted != null && pod.created() != null && !pod.created().isBefore(evicted)) {
      String why = "its controller's pod lacked it too: not evicted again (why was it not given?)";
      tell(diagnosis, why, "told");
      return true;
    }
    Duration wait = rate.take();
    if (!wait.isZero()) {
      queue.addAfter(key, wait);
      return true;
    }
    return evict(diagnosis);
  }

  private boolean evict(Diagnosis diagnosis) {
    PendingPod pod = diagnosis.pod();
    Instant asked = Instant.now().truncatedTo(SECONDS); // a replacement comes after, not before
    try {
      var named = client.pods().inNamespace(pod.namespace()).withName(pod.name());
      boolean evicted = named.evict(pod.eviction());
      if (!evicted) {
        // 429: a PodDisruptionBudget allows no disruption now. Tried again after a back-off.
        actions.withTag("action", "refused").increment();
        return false;
      }
      handled.add(pod.uid());
      evictedFor.put(pod.namespace() + "/" + pod.controller(), asked);
      actions.withTag("action", "evicted").increment();
      delivery
          .events()
          .normal(
              pod.regarding(),
              Reason.PodEvicted,
              "evicted so that %s recreates it with its pull secrets: the pod %s"
                  .formatted(pod.controller(), diagnosis.describe()));
      log.info("Evicted pod {} ({}): it {}", pod.key(), pod.controller(), diagnosis.describe());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409 || PendingPod.goesWithItsNamespace(e)) {
        handled.add(pod.uid()); // gone meanwhile (409: another pod has its name now), or going
        return true;
      }
      if (e.getCode() == 403) {
        tell(
            diagnosis,
            "the webhook may not evict pods (its RBAC: recovery.mode=evict in the"
                + " chart grants pods/eviction): delete the pod to recreate it",
            "forbidden");
        return true;
      }
      log.warn("Could not evict pod {} (HTTP {}): {}", pod.key(), e.getCode(), e.getMessage());
      return false;
    }
  }

  private void tell(Diagnosis diagnosis, String advice, String action) {
    handled.add(diagnosis.pod().uid());
    actions.withTag("action", action).increment();
    delivery
        .events()
        .warning(
            diagnosis.pod().regarding(),
            Reason.MissingPullSecret,
            "this pod " + diagnosis.describe() + "; " + advice);
    log.warn("Pod {} cannot pull: it {}; {}", diagnosis.pod().key(), diagnosis.describe(), advice);
  }

  /** A map that forgets its eldest entries past {@link #MAX_REMEMBERED}. */
  private static <K, V> Map<K, V> remembered() {
    return Collections.synchronizedMap(
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > MAX_REMEMBERED;
          }
        });
  }

  /** What recovery did, a counter each: registered at once, so every one is exported from 0. */
  static final List<String> ACTIONS =
      List.of("reported", "evicted", "told", "refused", "forbidden");

  @Override
  public void close() {
    queue.close();
    pods.close();
    podsClient.close();
  }
}
