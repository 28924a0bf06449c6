package dev.operators.permissionset.runtime;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas on one Kubernetes API: only the Lease holder reconciles, and the standby takes over. */
class LeaderElectionTest {

  private static final String NAMESPACE = "platform";
  private static final String OPERATOR_NAMESPACE = "permission-set-operator";
  private static final String LEASE = "permission-set-operator";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  private final AtomicInteger alphaCalls = new AtomicInteger();
  private final AtomicInteger betaCalls = new AtomicInteger();
  private PermissionSetOperator alpha;
  private PermissionSetOperator beta;

  @AfterEach
  void stop() {
    for (PermissionSetOperator operator : new PermissionSetOperator[] {alpha, beta}) {
      if (operator != null) {
        operator.close();
      }
    }
    kubernetes.close();
  }

  private PermissionSetOperator replica(String podName, AtomicInteger cloudCalls) {
    IdentityCenterClientFactory counted = credentials -> {
      cloudCalls.incrementAndGet();
      return cloud.forCredentials(credentials);
    };
    return TestOperators.start(kubernetes.client(), counted, Map.of(
        OperatorConfig.LEADER_ELECTION, "true",
        OperatorConfig.POD_NAME, podName,
        OperatorConfig.POD_NAMESPACE, OPERATOR_NAMESPACE,
        OperatorConfig.LEADER_ELECTION_LEASE_DURATION, "2s",
        OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE, "1500ms",
        OperatorConfig.LEADER_ELECTION_RETRY_PERIOD, "200ms"));
  }

  private Optional<String> holder() {
    Lease lease = kubernetes.client().leases().inNamespace(OPERATOR_NAMESPACE).withName(LEASE).get();
    return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
  }

  private void createAndAwaitProvisioned(String name) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId("ins-4f1d2c3b4a596870");
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId("5146d03d8aaaaaaaaaaaabbae60620a5");
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    kubernetes.client().resource(resource).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      PermissionSetProvisioning current = kubernetes.client().resources(PermissionSetProvisioning.class)
          .inNamespace(NAMESPACE).withName(name).get();
      return current.getStatus() != null && current.getStatus().condition("Ready")
          .map(c -> "Provisioned".equals(c.getReason())).orElse(false);
    });
  }

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOverWhenTheLeaderStops() {
    cloud.onProvision(status(SUCCEEDED), status(SUCCEEDED));
    alpha = replica("operator-alpha", alphaCalls);
    await().atMost(Duration.ofSeconds(20)).until(() -> holder().equals(Optional.of("operator-alpha")));
    beta = replica("operator-beta", betaCalls);

    createAndAwaitProvisioned("first");

    assertThat(alpha.leading()).isTrue();
    assertThat(beta.leading()).isFalse();
    assertThat(alphaCalls.get()).isPositive();
    assertThat(betaCalls.get()).isZero();
    // a standby is ready: its caches are in sync and it can take over at once
    assertThat(beta.started() && beta.healthy()).isTrue();
    assertThat(alpha.scrapeMetrics()).contains("permissionset_operator_leader 1.0");
    assertThat(beta.scrapeMetrics()).contains("permissionset_operator_leader 0.0");

    alpha.close();
    alpha = null;
    await().atMost(Duration.ofSeconds(20)).until(() -> holder().equals(Optional.of("operator-beta")));
    createAndAwaitProvisioned("second");

    assertThat(beta.leading()).isTrue();
    assertThat(betaCalls.get()).isPositive();
    assertThat(cloud.provisionCalls()).hasSize(2);
  }

  @Test
  void aLeaderThatCannotRenewItsLeaseGivesUpButStoppingIsNoLoss() {
    AtomicInteger alphaLost = new AtomicInteger();
    AtomicInteger betaLost = new AtomicInteger();
    alpha = replicaNoticingLoss("operator-alpha", alphaLost);
    await().atMost(Duration.ofSeconds(20)).until(() -> alpha.leading());
    alpha.close();
    alpha = null;
    beta = replicaNoticingLoss("operator-beta", betaLost);
    await().atMost(Duration.ofSeconds(20)).until(() -> beta.leading());

    kubernetes.server().expect().patch()
        .withPath("/apis/coordination.k8s.io/v1/namespaces/" + OPERATOR_NAMESPACE + "/leases/" + LEASE)
        .andReturn(409, "{\"kind\":\"Status\",\"code\":409,\"reason\":\"Conflict\"}").always();

    await().atMost(Duration.ofSeconds(20)).until(() -> !beta.leading());
    assertThat(betaLost.get()).isEqualTo(1);
    assertThat(alphaLost.get()).isZero();
  }

  private PermissionSetOperator replicaNoticingLoss(String podName, AtomicInteger lost) {
    Map<String, String> env = new HashMap<>(Map.of(
        OperatorConfig.ACCESS_KEY, TestOperators.ACCESS_KEY,
        OperatorConfig.SECRET_KEY, TestOperators.SECRET_KEY,
        OperatorConfig.LEADER_ELECTION, "true",
        OperatorConfig.POD_NAME, podName,
        OperatorConfig.POD_NAMESPACE, OPERATOR_NAMESPACE,
        OperatorConfig.LEADER_ELECTION_LEASE_DURATION, "2s",
        OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE, "1500ms",
        OperatorConfig.LEADER_ELECTION_RETRY_PERIOD, "200ms"));
    PermissionSetOperator operator = PermissionSetOperator.create(kubernetes.client(),
        OperatorConfig.fromEnvironment(env), cloud, Clock.systemUTC(), lost::incrementAndGet);
    operator.start();
    return operator;
  }
}
