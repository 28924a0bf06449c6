package dev.operators.permissionset.e2e;

import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.BILLING_VIEWER;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY_FAILURE_REASON;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.TestConnections;
import dev.operators.permissionset.testing.Provisionings;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator, the mock Kubernetes API and the simulator, over real HTTP with real AK/SK signatures. */
class EndToEndTest {

  private EndToEndEnvironment environment;
  private IdentityCenterSimulator simulator;

  @BeforeEach
  void start() {
    environment = EndToEndEnvironment.start(Map.of());
    simulator = environment.simulator();
    simulator.provisioningLatency(Duration.ofMillis(600));
    environment.startOperator();
    // faults a test sets must meet resources, not the connection's first check
    TestConnections.awaitReady(environment.kubernetes(), TestConnections.DEFAULT);
  }

  @AfterEach
  void stop() {
    environment.close();
  }

  private void create(String name, String permissionSetId, String account) {
    create(Provisionings.toAccount(name, permissionSetId, account));
  }

  private void create(PermissionSetProvisioning resource) {
    environment.kubernetes().resource(resource).create();
  }

  private PermissionSetProvisioningStatus awaitReason(String name, String reason) {
    return AwaitStatus.withReason(environment.kubernetes(), NAMESPACE, name, reason).getStatus();
  }

  private PermissionSetProvisioningStatus awaitStatus(String name, Predicate<PermissionSetProvisioningStatus> test) {
    return AwaitStatus.until(environment.kubernetes(), NAMESPACE, name, resource -> test.test(resource.getStatus()))
        .getStatus();
  }

  private static String ready(PermissionSetProvisioningStatus status) {
    return status.condition("Ready").orElseThrow().getStatus();
  }

  private long provisionCalls(String outcome) {
    return simulator.counts().count(IdentityCenterSimulator.PROVISION, outcome);
  }

  @Test
  void provisionsAndFollowsTheRequestUntilItSucceeds() {
    create("readonly-to-payments", READ_ONLY, PAYMENTS);

    PermissionSetProvisioningStatus inFlight = awaitStatus("readonly-to-payments",
        status -> "IN_PROGRESS".equals(status.getProvisioningStatus()));
    assertThat(inFlight.condition("Ready").orElseThrow().getReason()).isEqualTo("Provisioning");
    assertThat(inFlight.getProvisioningStatus()).isEqualTo("IN_PROGRESS");
    PermissionSetProvisioningStatus done = awaitReason("readonly-to-payments", "Provisioned");

    assertThat(ready(done)).isEqualTo("True");
    assertThat(done.getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(done.getRequestId()).hasSize(36).isEqualTo(inFlight.getRequestId());
    assertThat(done.getAccountId()).isEqualTo(PAYMENTS);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, PAYMENTS)).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "200")).isPositive();
    assertThat(simulator.counts().total(IdentityCenterSimulator.DESCRIBE))
        .as("a request the shared list showed in progress and then not needs no describe").isZero();
  }

  @Test
  void theCloudsFailureReasonIsSurfaced() {
    create("readonly-to-legacy", READ_ONLY, LEGACY);

    PermissionSetProvisioningStatus failed = awaitReason("readonly-to-legacy", "ProvisioningFailed");

    assertThat(failed.getProvisioningStatus()).isEqualTo("FAILED");
    assertThat(failed.getFailureReason())
        .isEqualTo(LEGACY_FAILURE_REASON);
    assertThat(failed.condition("Stalled").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(failed.condition("Stalled").orElseThrow().getMessage()).contains("is suspended");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, LEGACY)).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isEqualTo(1);
  }

  @Test
  void provisionsToAllProvisionedAccountsByPermissionSetName() {
    PermissionSetProvisioning everywhere = Provisionings.allProvisionedAccounts("team-137-everywhere", null);
    everywhere.getSpec().setPermissionSetName("Team-137");

    create(everywhere);

    PermissionSetProvisioningStatus done = awaitReason("team-137-everywhere", "Provisioned");
    assertThat(done.getPermissionSetId()).isEqualTo("ps-f000000000000089");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, "ps-f000000000000089", "ALL_PROVISIONED_ACCOUNTS"))
        .isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PERMISSION_SETS, "200")).isEqualTo(1);
  }

  @Test
  void throttledCallsAreRetriedUntilTheyGoThrough() {
    // below the operator's own limit, so that the cloud has to throttle
    simulator.faults().rateLimitPerSecond(1);

    // four permission sets, so that the four provisionings go at once rather than take turns
    create("throttled-1", READ_ONLY, PAYMENTS);
    create("throttled-2", ADMINISTRATOR, ANALYTICS);
    create("throttled-3", BILLING_VIEWER, SANDBOX);
    create("throttled-4", "ps-f000000000000001", PAYMENTS);

    for (String name : new String[] {"throttled-1", "throttled-2", "throttled-3", "throttled-4"}) {
      assertThat(ready(awaitReason(name, "Provisioned"))).isEqualTo("True");
    }
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "429")
        + simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "429")).isPositive();
    assertThat(simulator.counts().totalAcceptedProvisions()).isEqualTo(4);
    assertThat(provisionCalls("200")).isEqualTo(4);
  }

  @Test
  void serverErrorsAreRetriedUntilTheCloudRecovers() {
    simulator.faults().serverErrorRate(1);
    create("outage", READ_ONLY, PAYMENTS);

    PermissionSetProvisioningStatus retrying = awaitReason("outage", "CloudUnavailable");
    assertThat(retrying.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("True");
    simulator.faults().clear();

    assertThat(ready(awaitReason("outage", "Provisioned"))).isEqualTo("True");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, PAYMENTS)).isEqualTo(1);
    assertThat(provisionCalls("200")).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isGreaterThan(1);
  }

  @Test
  void unknownPermissionSetStallsNamingTheField() {
    create("unknown-id", "ps-0000000000000000", PAYMENTS);
    PermissionSetProvisioning byName = Provisionings.byName("unknown-name", "DoesNotExist", PAYMENTS);
    // targetType left out: ACCOUNT is what it defaults to
    byName.getSpec().setTargetType(null);
    create(byName);

    PermissionSetProvisioningStatus unknownId = awaitReason("unknown-id", "PermissionSetNotFound");
    PermissionSetProvisioningStatus unknownName = awaitReason("unknown-name", "PermissionSetNotFound");

    assertThat(unknownId.condition("Stalled").orElseThrow().getMessage())
        .contains("spec.permissionSetId", "ps-0000000000000000", "IIC.1205");
    assertThat(unknownName.condition("Stalled").orElseThrow().getMessage())
        .contains("spec.permissionSetName", "DoesNotExist");
    assertThat(provisionCalls("404")).isEqualTo(1);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void aConnectionDroppedMidRequestIsRetried() {
    simulator.faults().dropRate(1);
    create("dropped", READ_ONLY, PAYMENTS);

    awaitReason("dropped", "CloudUnavailable");
    simulator.faults().clear();

    assertThat(ready(awaitReason("dropped", "Provisioned"))).isEqualTo("True");
    assertThat(provisionCalls(RequestCounters.DROPPED)).isPositive();
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, PAYMENTS)).isEqualTo(1);
    assertThat(provisionCalls("200")).isEqualTo(1);
  }
}
