package dev.operators.permissionset.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The Fabric8 mock Kubernetes API in CRUD mode, with our CRDs installed and optimistic locking enforced on every
 * write as a real API server does it, and an OkHttp client for it.
 */
public final class KubernetesTestServer implements AutoCloseable {

  public static final List<String> CRD_RESOURCES = List.of(
      "/META-INF/fabric8/permissionsetprovisionings.identitycenter.operators.dev-v1.yml",
      "/META-INF/fabric8/identitycenterconnections.identitycenter.operators.dev-v1.yml",
      "/META-INF/fabric8/clusteridentitycenterconnections.identitycenter.operators.dev-v1.yml");

  // JUL holds loggers weakly: a static reference keeps the level set
  private static final Logger MOCK_LOGGER = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOGGER.setLevel(Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final OptimisticLockingDispatcher dispatcher;
  private final KubernetesClient client;

  private KubernetesTestServer(KubernetesMockServer server, OptimisticLockingDispatcher dispatcher,
      KubernetesClient client) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.client = client;
  }

  public static KubernetesTestServer start() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    OptimisticLockingDispatcher dispatcher =
        new OptimisticLockingDispatcher(new KubernetesMixedDispatcher(responses));
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), responses, dispatcher, false);
    server.init();
    KubernetesClient client = server.createClient(new OkHttpClientFactory());
    CRD_RESOURCES.forEach(resource -> installCrd(client, resource));
    allowLeases(server);
    return new KubernetesTestServer(server, dispatcher, client);
  }

  /** The CRUD dispatcher learns of the status subresource and the scope of a kind from its CRD. */
  private static void installCrd(KubernetesClient client, String resource) {
    try (InputStream crd = KubernetesTestServer.class.getResourceAsStream(resource)) {
      client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the generated CRD " + resource, e);
    }
  }

  /**
   * Answers the SelfSubjectRulesReview that JOSDK sends before it elects a leader, as an API server would for the
   * Role in deploy/: the CRUD mock would echo the review back without rules.
   */
  private static void allowLeases(KubernetesMockServer server) {
    SelfSubjectRulesReview review = new SelfSubjectRulesReviewBuilder()
        .withNewStatus()
        .withIncomplete(false)
        .addNewResourceRule()
        .withApiGroups("coordination.k8s.io")
        .withResources("leases")
        .withVerbs("get", "create", "update")
        .endResourceRule()
        .endStatus()
        .build();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, review).always();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Another client of the same API, whose every request first passes {@code interceptor}; the caller closes it. */
  public KubernetesClient newClient(Interceptor interceptor) {
    return server.createClient(new OkHttpClientFactory() {
      @Override
      protected void additionalConfig(OkHttpClient.Builder builder) {
        builder.addInterceptor(interceptor);
      }
    });
  }

  /** The updates and patches refused so far because they were based on a stale resourceVersion. */
  public long conflicts() {
    return dispatcher.conflicts();
  }

  public KubernetesMockServer server() {
    return server;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
