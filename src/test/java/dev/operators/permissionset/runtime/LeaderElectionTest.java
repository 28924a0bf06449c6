package dev.operators.permissionset.runtime;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY_NAME;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static dev.operators.permissionset.testing.Provisionings.toAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas on one Kubernetes API: only the Lease holder reconciles, and the standby takes over. */
class LeaderElectionTest {

  private static final String OPERATOR_NAMESPACE = "permission-set-operator";
  private static final String LEASE = "permission-set-operator";

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, READ_ONLY_NAME);
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
    IdentityCenterClientFactory counted = access -> {
      cloudCalls.incrementAndGet();
      return cloud.forConnection(access);
    };
    return TestOperators.start(kubernetes.client(), counted,
        TestOperators.leaderElection(podName, OPERATOR_NAMESPACE));
  }

  private Optional<String> holder() {
    Lease lease = kubernetes.client().leases().inNamespace(OPERATOR_NAMESPACE).withName(LEASE).get();
    return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
  }

  private void createAndAwaitProvisioned(String name) {
    kubernetes.client().resource(toAccount(name, READ_ONLY, PAYMENTS)).create();
    AwaitStatus.withReason(kubernetes.client(), NAMESPACE, name, "Provisioned");
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
    PermissionSetOperator operator = PermissionSetOperator.create(kubernetes.client(),
        TestOperators.config(TestOperators.leaderElection(podName, OPERATOR_NAMESPACE)), cloud, Clock.systemUTC(),
        lost::incrementAndGet);
    operator.start();
    return operator;
  }
}
