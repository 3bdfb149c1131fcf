package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * fabric8's mock API server in CRUD mode (stateful, with watches) behind a dispatcher that can
 * inject what CRUD mode cannot show: an unreachable or failing API server, 410 Gone on watches, 409
 * on updates, 403. Counts the requests that are not watches, for the benchmarks.
 */
final class FaultyApiServer implements AutoCloseable {

  /** A fault: requests it matches get its response, {@code times} times (-1: until removed). */
  static final class Fault {
    final Predicate<RecordedRequest> matches;
    final int status;
    final String body;
    final AtomicInteger remaining;

    Fault(Predicate<RecordedRequest> matches, int status, String body, int times) {
      this.matches = matches;
      this.status = status;
      this.body = body;
      this.remaining = new AtomicInteger(times);
    }
  }

  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final KubernetesMockServer server;
  private volatile long delayMillis;

  FaultyApiServer() {
    var crud = new KubernetesCrudDispatcher();
    Dispatcher faulty =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (!String.valueOf(request.getPath()).contains("watch=true")) {
              calls.incrementAndGet();
            }
            if (delayMillis > 0) {
              // A slow API server: the server's thread answers late.
              try {
                Thread.sleep(delayMillis);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            for (Fault fault : faults) {
              if (fault.matches.test(request) && fault.remaining.getAndDecrement() != 0) {
                return new MockResponse().setResponseCode(fault.status).setBody(fault.body);
              }
            }
            return crud.dispatch(request);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), faulty, false);
    server.init();
  }

  NamespacedKubernetesClient newClient() {
    return server.createClient();
  }

  Fault inject(Predicate<RecordedRequest> matches, int status, int times) {
    return inject(matches, status, "injected fault " + status, times);
  }

  Fault inject(Predicate<RecordedRequest> matches, int status, String message, int times) {
    var fault = new Fault(matches, status, status(status, message), times);
    faults.add(fault);
    return fault;
  }

  /** Every answer comes {@code delay} late (0: at once). */
  void slow(java.time.Duration delay) {
    delayMillis = delay.toMillis();
  }

  void remove(Fault fault) {
    faults.remove(fault);
  }

  /** API requests served so far (list, get, create, update, delete; not watches). */
  int calls() {
    return calls.get();
  }

  static Predicate<RecordedRequest> method(String method, String pathPart) {
    return r -> r.getMethod().equals(method) && String.valueOf(r.getPath()).contains(pathPart);
  }

  static Predicate<RecordedRequest> any() {
    return r -> true;
  }

  private static String status(int code, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
        + code
        + ",\"reason\":\"Injected\",\"message\":\""
        + message
        + "\"}";
  }

  @Override
  public void close() {
    server.destroy();
  }
}
