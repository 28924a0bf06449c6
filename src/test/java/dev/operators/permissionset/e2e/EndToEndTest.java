package dev.operators.permissionset.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator, the mock Kubernetes API and the simulator, over real HTTP with real AK/SK signatures. */
class EndToEndTest {

  private static final String NAMESPACE = "platform";
  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  private static final String PAYMENTS = "5146d03d8aaaaaaaaaaaabbae60620a5";
  private static final String ANALYTICS = "0c1d2e3f405162738495a6b7c8d9e0f1";
  private static final String SANDBOX = "7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4";
  private static final String LEGACY = "9a8b7c6d5e4f30211203f4e5d6c7b8a9";

  private EndToEndEnvironment environment;
  private IdentityCenterSimulator simulator;

  @BeforeEach
  void start() {
    environment = EndToEndEnvironment.start(Map.of());
    simulator = environment.simulator();
    simulator.provisioningLatency(Duration.ofMillis(600));
    environment.startOperator();
  }

  @AfterEach
  void stop() {
    environment.close();
  }

  private void create(String name, String permissionSetId, String account) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetId(permissionSetId);
    spec.setTargetType(account == null ? TargetType.ALL_PROVISIONED_ACCOUNTS : TargetType.ACCOUNT);
    spec.setTargetId(account);
    create(name, spec);
  }

  private void create(String name, PermissionSetProvisioningSpec spec) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    environment.kubernetes().resource(resource).create();
  }

  private PermissionSetProvisioningStatus awaitReason(String name, String reason) {
    return awaitStatus(name, status -> status.condition("Ready").map(c -> reason.equals(c.getReason()))
        .orElse(false));
  }

  private PermissionSetProvisioningStatus awaitStatus(String name, Predicate<PermissionSetProvisioningStatus> test) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      PermissionSetProvisioning resource = environment.get(NAMESPACE, name);
      return resource != null && resource.getStatus() != null && test.test(resource.getStatus());
    });
    return environment.get(NAMESPACE, name).getStatus();
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
        .isEqualTo("The account 9a8b7c6d5e4f30211203f4e5d6c7b8a9 is suspended and cannot be provisioned.");
    assertThat(failed.condition("Stalled").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(failed.condition("Stalled").orElseThrow().getMessage()).contains("is suspended");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, LEGACY)).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isEqualTo(1);
  }

  @Test
  void provisionsToAllProvisionedAccountsByPermissionSetName() {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetName("Team-137");
    spec.setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS);

    create("team-137-everywhere", spec);

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
    create("throttled-2", "ps-1a2b3c4d5e6f7081", ANALYTICS);
    create("throttled-3", "ps-5e6f708192a3b4c5", SANDBOX);
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
    PermissionSetProvisioningSpec byName = new PermissionSetProvisioningSpec();
    byName.setInstanceId(INSTANCE);
    byName.setPermissionSetName("DoesNotExist");
    byName.setTargetId(PAYMENTS);
    create("unknown-name", byName);

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
