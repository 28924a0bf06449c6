package dev.operators.permissionset.runtime;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.testing.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartupChecksTest {

  private static final String PROVISIONINGS = "/apis/identitycenter.operators.dev/v1alpha1/permissionsetprovisionings";

  private final KubernetesMockServer api = new KubernetesMockServer(false);

  @AfterEach
  void stop() {
    api.destroy();
  }

  @Test
  void anInstalledOperatorPasses() {
    try (KubernetesTestServer kubernetes = KubernetesTestServer.start()) {
      assertThatCode(() -> StartupChecks.verify(kubernetes.client(), OperatorConfig.fromEnvironment(Map.of())))
          .doesNotThrowAnyException();
      assertThatCode(() -> StartupChecks.verify(kubernetes.client(),
          OperatorConfig.fromEnvironment(Map.of("WATCH_NAMESPACES", "team-a,team-b")))).doesNotThrowAnyException();
    }
  }

  @Test
  void aForbiddenListNamesTheCallTheApiServersReasonAndTheRbacFix() {
    api.init();
    api.expect().get().withPath(PROVISIONINGS + "?limit=1").andReturn(403, new StatusBuilder().withCode(403)
        .withMessage("permissionsetprovisionings.identitycenter.operators.dev is forbidden: User "
            + "\"system:serviceaccount:permission-set-operator:default\" cannot list resource "
            + "\"permissionsetprovisionings\" in API group \"identitycenter.operators.dev\" at the cluster scope")
        .build()).always();

    assertThatThrownBy(() -> StartupChecks.verify(api.createClient(), OperatorConfig.fromEnvironment(Map.of())))
        .isInstanceOf(StartupException.class)
        .hasMessage("the Kubernetes API at " + api.url("/") + " forbids the operator to list "
            + "permissionsetprovisionings in all namespaces (HTTP 403: permissionsetprovisionings.identitycenter."
            + "operators.dev is forbidden: User \"system:serviceaccount:permission-set-operator:default\" cannot list "
            + "resource \"permissionsetprovisionings\" in API group \"identitycenter.operators.dev\" at the cluster "
            + "scope): grant the operator's service account the rules of deploy/rbac.yaml (kubectl apply -k "
            + "deploy/, or the Helm chart)");
  }

  @Test
  void rejectedCredentialsSaySo() {
    api.init();
    api.expect().get().withPath(PROVISIONINGS + "?limit=1").andReturn(401, new StatusBuilder().withCode(401)
        .withMessage("Unauthorized").build()).always();

    assertThatThrownBy(() -> StartupChecks.verify(api.createClient(), OperatorConfig.fromEnvironment(Map.of())))
        .hasMessageStartingWith("the Kubernetes API at " + api.url("/") + " does not accept the operator's "
            + "credentials (HTTP 401) to list permissionsetprovisionings in all namespaces: check the kubeconfig's "
            + "user");
  }

  @Test
  void aMissingCrdInAWatchedNamespaceIsNamedOnce() {
    api.init();
    api.expect().get().withPath("/apis/identitycenter.operators.dev/v1alpha1/namespaces/team-a/"
        + "identitycenterconnections?limit=1").andReturn(200, "{\"kind\":\"List\",\"items\":[]}").always();
    api.expect().get().withPath("/apis/identitycenter.operators.dev/v1alpha1/namespaces/team-b/"
        + "identitycenterconnections?limit=1").andReturn(200, "{\"kind\":\"List\",\"items\":[]}").always();
    api.expect().get().withPath("/apis/identitycenter.operators.dev/v1alpha1/clusteridentitycenterconnections?limit=1")
        .andReturn(200, "{\"kind\":\"List\",\"items\":[]}").always();

    assertThatThrownBy(() -> StartupChecks.verify(api.createClient(),
        OperatorConfig.fromEnvironment(Map.of("WATCH_NAMESPACES", "team-a,team-b"))))
        .hasMessage("the Kubernetes API at " + api.url("/") + " has no CRD "
            + "permissionsetprovisionings.identitycenter.operators.dev (version v1alpha1): install the CRDs with "
            + "kubectl apply -k crds/ (or the Helm chart with its CRDs) from the release of this operator, then "
            + "start it again");
  }

  @Test
  void anUnreachableApiServerIsNamedWithWhatFailed() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("https://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(0).build()).build()) {
      assertThatThrownBy(() -> StartupChecks.verify(client, OperatorConfig.fromEnvironment(Map.of())))
          .hasMessageStartingWith("cannot reach the Kubernetes API at https://127.0.0.1:" + closedPort + "/ ("
              + "ConnectException: ")
          .hasMessageContaining("check the kubeconfig's server");
    }
  }
}
