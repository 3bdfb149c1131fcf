package dev.pullsecret.webhook.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/** fabric8's mock API server in CRUD mode: stateful, with watches, over plain HTTP. */
public final class CrudApiServers {

  private CrudApiServers() {}

  /** A new mock API server in CRUD mode, not started yet ({@code init()} starts it). */
  public static KubernetesMockServer create() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
  }
}
