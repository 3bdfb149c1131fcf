package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small helpers shared by the informers of the sync loop. */
public final class Informers {

  private static final Logger log = LoggerFactory.getLogger(Informers.class);

  private Informers() {}

  /**
   * One callback for adds, updates (resyncs included) and deletes: the sync loop is
   * level-triggered, so an event only says which key to look at again.
   */
  public static <T> ResourceEventHandler<T> onAnyChange(Consumer<T> changed) {
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
        changed.accept(obj);
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
