package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** Small helpers shared by the informers of the sync loop. */
public final class Informers {

  private static final Logger log = LoggerFactory.getLogger(Informers.class);

  private Informers() {}

  /**
   * A client of {@code config} whose mapper {@code binding} may tell to bind fewer fields (a watch
   * of objects that tenants write, which would otherwise be held whole while a page is read).
   */
  public static KubernetesClient client(Config config, UnaryOperator<JsonMapper.Builder> binding) {
    // Without scanning the class path for every KubernetesResource (searchClassloaders=false):
    // the scan loads all the model classes of every API group on it, ~650, where the typed
    // operations of the sync loop read their own types and watch events are converted to them.
    var serialization =
        new KubernetesSerialization(
            binding
                .apply(
                    JsonMapper.builderWithJackson2Defaults()
                        .addModule(new Jackson2JdkTypesModule()))
                .build(),
            false);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withKubernetesSerialization(serialization)
        .build();
  }

  /**
   * One callback for adds, updates (resyncs included) and deletes: the sync loop is
   * level-triggered, so an event only says which key to look at again.
   */
  public static <T> ResourceEventHandler<T> onAnyChange(Consumer<T> changed) {
    return onChange(changed, changed);
  }

  /** {@code changed} for adds and updates (resyncs included), {@code deleted} for deletes. */
  static <T> ResourceEventHandler<T> onChange(Consumer<T> changed, Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        changed.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        changed.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        deleted.accept(obj);
      }
    };
  }

  /**
   * Starts without waiting for the first list (the stage completes once it is in), and keeps
   * retrying whatever fails (API server unreachable at start-up or later, 410 Gone, 403): admission
   * must not wait for the API server, and the caches catch up when it is back.
   */
  public static <T> CompletionStage<Void> start(SharedIndexInformer<T> informer, String what) {
    informer.exceptionHandler(
        (started, error) -> {
          log.warn("Watch of {} failed ({}); retrying", what, error.toString());
          return true;
        });
    return informer.start();
  }
}
