package dev.operators.permissionset.runtime;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.IN_PROGRESS;
import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator's one HTTP port: probes backed by the JOSDK runtime, and Prometheus metrics. */
class HealthServerTest {

  private static final String NAMESPACE = "platform";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  private final HttpClient http = HttpClient.newHttpClient();
  private PermissionSetOperator operator;
  private HealthServer health;

  @AfterEach
  void stop() {
    if (health != null) {
      health.close();
    }
    if (operator != null) {
      operator.close();
    }
    kubernetes.close();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static PermissionSetProvisioning resource(String name) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId("ins-4f1d2c3b4a596870");
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId("5146d03d8aaaaaaaaaaaabbae60620a5");
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }

  @Test
  void probesAnswerFromTheRuntimeAndMetricsCoverJosdkTheCloudAndOutcomes() throws Exception {
    cloud.onProvision(status(IN_PROGRESS));
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());
    health = HealthServer.start(0, operator);

    assertThat(get("/livez").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").body()).contains("permissionset_provisioning_requests_in_flight 0.0");
    kubernetes.client().resource(resource("readonly")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/metrics").body()
        .contains("permissionset_provisioning_requests_in_flight 1.0"));
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);
    cloud.finish(kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE)
        .withName("readonly").get().getStatus().getRequestId(), SUCCEEDED);
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/metrics").body()
        .contains("permissionset_provisioning_outcomes_total{reason=\"Provisioned\",result=\"succeeded\"} 1.0"));

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body())
        .contains("identitycenter_client_calls_total{code=\"2xx\",operation=\"provision\",outcome=\"success\"} 1.0")
        .containsPattern("identitycenter_client_calls_total\\{code=\"2xx\",operation=\"listProvisioning\","
            + "outcome=\"success\"} [1-9]")
        .contains("permissionset_provisioning_requests_in_flight 0.0")
        .contains("identitycenter_client_calls_in_flight 0.0")
        .contains("permissionset_provisioning_duration_seconds_count{result=\"succeeded\"} 1")
        .contains("permissionset_provisioning_duration_seconds_bucket{result=\"succeeded\",le=\"10.0\"} 1")
        .contains("permissionset_kubernetes_events_total{result=\"written\"}")
        .contains("permissionset_operator_leader 1.0")
        .contains("operator_sdk_reconciliations_started_total")
        .contains("jvm_memory_used_bytes")
        // per-resource meters would grow with the fleet
        .doesNotContain("readonly");
  }

  @Test
  void notReadyUntilStartedButLive() throws Exception {
    operator = PermissionSetOperator.create(kubernetes.client(),
        OperatorConfig.fromEnvironment(Map.of()), cloud,
        Clock.systemUTC());
    health = HealthServer.start(0, operator);

    assertThat(get("/readyz").statusCode()).isEqualTo(503);
    assertThat(get("/livez").statusCode()).isEqualTo(200);
    operator.start();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }
}
