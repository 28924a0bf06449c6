package dev.operators.permissionset.e2e;

import static dev.operators.permissionset.testing.AwsDemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.AwsDemoWorld.ADMINISTRATOR_NAME;
import static dev.operators.permissionset.testing.AwsDemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.AwsDemoWorld.BILLING_VIEWER;
import static dev.operators.permissionset.testing.AwsDemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.AwsDemoWorld.LEGACY;
import static dev.operators.permissionset.testing.AwsDemoWorld.LEGACY_FAILURE_REASON;
import static dev.operators.permissionset.testing.AwsDemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.AwsDemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.AwsDemoWorld.SANDBOX;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.Provisionings;
import dev.operators.permissionset.testing.TestConnections;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator, the mock Kubernetes API and the simulator speaking AWS's SSO Admin protocol, over real HTTP with
 * real SigV4 signatures made by the AWS SDK: the default connection reaches AWS.
 */
class AwsEndToEndTest {

  private EndToEndEnvironment environment;
  private IdentityCenterSimulator simulator;

  @BeforeEach
  void start() {
    environment = EndToEndEnvironment.startAws(Map.of());
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

  private void create(PermissionSetProvisioning resource) {
    environment.kubernetes().resource(resource).create();
  }

  /** {@code permissionSetArn} to one account, on the AWS demo instance. */
  private static PermissionSetProvisioning toAccount(String name, String permissionSetArn, String account) {
    PermissionSetProvisioning resource = Provisionings.toAccount(name, permissionSetArn, account);
    resource.getSpec().setInstanceId(INSTANCE);
    return resource;
  }

  private static PermissionSetProvisioning through(String connection, PermissionSetProvisioning resource) {
    resource.getSpec().setConnectionRef(new ConnectionReference(Kind.ClusterIdentityCenterConnection, connection));
    return resource;
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

  private static String stalledMessage(PermissionSetProvisioningStatus status) {
    return status.condition("Stalled").orElseThrow().getMessage();
  }

  private long provisionCalls(String outcome) {
    return simulator.counts().count(IdentityCenterSimulator.PROVISION, outcome);
  }

  @Test
  void provisionsByArnAndFollowsTheRequestUntilItSucceeds() {
    create(toAccount("readonly-to-sandbox", READ_ONLY, SANDBOX));

    PermissionSetProvisioningStatus inFlight = awaitStatus("readonly-to-sandbox",
        status -> "IN_PROGRESS".equals(status.getProvisioningStatus()));
    PermissionSetProvisioningStatus done = awaitReason("readonly-to-sandbox", "Provisioned");

    assertThat(inFlight.condition("Ready").orElseThrow().getReason()).isEqualTo("Provisioning");
    assertThat(ready(done)).isEqualTo("True");
    assertThat(done.getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(done.getRequestId()).hasSize(36).isEqualTo(inFlight.getRequestId());
    assertThat(done.getAccountId()).isEqualTo(SANDBOX);
    assertThat(done.getPermissionSetId()).isEqualTo(READ_ONLY);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, SANDBOX)).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "200")).isPositive();
  }

  @Test
  void provisionsAPermissionSetNamedByItsName() {
    PermissionSetProvisioning byName = toAccount("admin-by-name", null, ANALYTICS);
    byName.getSpec().setPermissionSetName(ADMINISTRATOR_NAME);

    create(byName);

    PermissionSetProvisioningStatus done = awaitReason("admin-by-name", "Provisioned");
    assertThat(done.getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(done.getPermissionSetId()).isEqualTo(ADMINISTRATOR);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, ADMINISTRATOR, ANALYTICS)).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PERMISSION_SETS, "200")).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.DESCRIBE_PERMISSION_SET, "200"))
        .as("the sets listed before it, and it").isEqualTo(2);
  }

  @Test
  void provisionsToAllProvisionedAccounts() {
    PermissionSetProvisioning everywhere = Provisionings.allProvisionedAccounts("readonly-everywhere", READ_ONLY);
    everywhere.getSpec().setInstanceId(INSTANCE);

    create(everywhere);

    PermissionSetProvisioningStatus done = awaitReason("readonly-everywhere", "Provisioned");
    assertThat(done.getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(done.getAccountId()).isNull();
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, "ALL_PROVISIONED_ACCOUNTS")).isEqualTo(1);
    assertThat(simulator.counts().totalAcceptedProvisions()).isEqualTo(1);
  }

  @Test
  void theCloudsFailureReasonIsSurfaced() {
    create(toAccount("billing-to-legacy", BILLING_VIEWER, LEGACY));

    PermissionSetProvisioningStatus failed = awaitReason("billing-to-legacy", "ProvisioningFailed");

    assertThat(failed.getProvisioningStatus()).isEqualTo("FAILED");
    assertThat(failed.getFailureReason()).isEqualTo(LEGACY_FAILURE_REASON);
    assertThat(failed.condition("Stalled").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(stalledMessage(failed)).contains("is suspended");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, BILLING_VIEWER, LEGACY)).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isEqualTo(1);
  }

  @Test
  void huaweiIdsOnAnAwsConnectionAreInvalidSpecsNamingTheField() {
    PermissionSetProvisioning huaweiInstance = Provisionings.toAccount("huawei-instance", DemoWorld.READ_ONLY,
        PAYMENTS);
    create(huaweiInstance);
    create(toAccount("huawei-permission-set", DemoWorld.READ_ONLY, PAYMENTS));
    create(toAccount("huawei-account", READ_ONLY, DemoWorld.PAYMENTS));

    PermissionSetProvisioningStatus instance = awaitReason("huawei-instance", "InvalidSpec");
    PermissionSetProvisioningStatus permissionSet = awaitReason("huawei-permission-set", "InvalidSpec");
    PermissionSetProvisioningStatus account = awaitReason("huawei-account", "InvalidSpec");

    assertThat(stalledMessage(instance)).contains("spec.instanceId", DemoWorld.INSTANCE, "reaches AWS");
    assertThat(stalledMessage(permissionSet)).contains("spec.permissionSetId", DemoWorld.READ_ONLY);
    assertThat(stalledMessage(account)).contains("spec.targetId", DemoWorld.PAYMENTS, "12-digit");
    assertThat(instance.condition("Stalled").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isZero();
    assertThat(simulator.counts().total(IdentityCenterSimulator.LIST_PROVISIONING)).isZero();
  }

  @Test
  void rejectedCredentialsStopTheConnectionAndItsResourcesBeforeAnyProvision() {
    environment.awsConnection("wrong-secret-key", CloudCredentials.of(AwsDemoWorld.ACCESS_KEY,
        "not-the-demo-secret-key-00000000000000"), List.of(NAMESPACE));
    environment.awsConnection("expired-session", new CloudCredentials(AwsDemoWorld.EXPIRED_ACCESS_KEY,
        AwsDemoWorld.EXPIRED_SECRET_KEY, Optional.of(AwsDemoWorld.EXPIRED_TOKEN), Optional.empty()),
        List.of(NAMESPACE));
    create(through("wrong-secret-key", toAccount("with-wrong-secret-key", READ_ONLY, SANDBOX)));
    create(through("expired-session", toAccount("with-expired-session", ADMINISTRATOR, SANDBOX)));

    var wrongKey = TestConnections.awaitReason(environment.kubernetes(), ConnectionKey.cluster("wrong-secret-key"),
        "InvalidCredentials");
    var expired = TestConnections.awaitReason(environment.kubernetes(), ConnectionKey.cluster("expired-session"),
        "InvalidCredentials");
    PermissionSetProvisioningStatus wrongKeyResource = awaitReason("with-wrong-secret-key", "ConnectionNotReady");
    PermissionSetProvisioningStatus expiredResource = awaitReason("with-expired-session", "ConnectionNotReady");

    assertThat(wrongKey.getStatus().condition("Ready").orElseThrow().getMessage())
        .contains("InvalidSignatureException");
    assertThat(expired.getStatus().condition("Ready").orElseThrow().getMessage()).contains("ExpiredTokenException");
    assertThat(wrongKeyResource.condition("Ready").orElseThrow().getMessage()).contains("wrong-secret-key");
    assertThat(ready(expiredResource)).isEqualTo("False");
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "400")).isPositive();
    assertThat(simulator.counts().total(IdentityCenterSimulator.PROVISION)).isZero();
  }

  @Test
  void throttlingIsBackedOffUntilTheProvisionGoesThroughOnce() {
    simulator.faults().throttleRate(1);
    create(toAccount("throttled", READ_ONLY, SANDBOX));

    PermissionSetProvisioningStatus throttled = awaitReason("throttled", "Throttled");
    assertThat(throttled.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("True");
    simulator.faults().clear();

    assertThat(ready(awaitReason("throttled", "Provisioned"))).isEqualTo("True");
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "400")
        + simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "400")).isPositive();
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, SANDBOX)).isEqualTo(1);
    assertThat(provisionCalls("200")).isEqualTo(1);
  }

  @Test
  void serverErrorsAreBackedOffUntilTheCloudRecoversAndProvisionOnce() {
    simulator.faults().serverErrorRate(1);
    create(toAccount("outage", READ_ONLY, SANDBOX));

    PermissionSetProvisioningStatus retrying = awaitReason("outage", "CloudUnavailable");
    assertThat(retrying.condition("Reconciling").orElseThrow().getStatus()).isEqualTo("True");
    simulator.faults().clear();

    assertThat(ready(awaitReason("outage", "Provisioned"))).isEqualTo("True");
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "500")
        + simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "500")).isPositive();
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, SANDBOX)).isEqualTo(1);
    assertThat(provisionCalls("200")).isEqualTo(1);
  }

  @Test
  void temporaryCredentialsProvisionWithTheirSessionToken() {
    environment.awsConnection("session", new CloudCredentials(AwsDemoWorld.SESSION_ACCESS_KEY,
        AwsDemoWorld.SESSION_SECRET_KEY, Optional.of(AwsDemoWorld.SESSION_TOKEN), Optional.empty()),
        List.of(NAMESPACE));
    TestConnections.awaitReady(environment.kubernetes(), ConnectionKey.cluster("session"));

    create(through("session", toAccount("with-session", ADMINISTRATOR, PAYMENTS)));

    assertThat(awaitReason("with-session", "Provisioned").getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, ADMINISTRATOR, PAYMENTS)).isEqualTo(1);
  }

  @Test
  void oneOperatorReachesBothClouds() {
    environment.close();
    environment = EndToEndEnvironment.start(List.of(SimulatorFixture.demoAws(), SimulatorFixture.demo()),
        IdentityCenterSimulator.Options.defaults(), Map.of());
    IdentityCenterSimulator aws = environment.simulator(Cloud.AWS);
    IdentityCenterSimulator huawei = environment.simulator(Cloud.HUAWEI);
    TestConnections.secret(environment.kubernetes(), TestConnections.OPERATOR_NAMESPACE, "huawei",
        EndToEndEnvironment.CREDENTIALS);
    TestConnections.cluster(environment.kubernetes(), "huawei", environment.huaweiCloud("huawei"),
        List.of(NAMESPACE));
    environment.startOperator();

    create(toAccount("on-aws", READ_ONLY, SANDBOX));
    create(through("huawei", Provisionings.toAccount("on-huawei", DemoWorld.READ_ONLY, DemoWorld.SANDBOX)));

    assertThat(awaitReason("on-aws", "Provisioned").getPermissionSetId()).isEqualTo(READ_ONLY);
    assertThat(awaitReason("on-huawei", "Provisioned").getPermissionSetId()).isEqualTo(DemoWorld.READ_ONLY);
    assertThat(aws.counts().acceptedProvisions(INSTANCE, READ_ONLY, SANDBOX)).isEqualTo(1);
    assertThat(aws.counts().totalAcceptedProvisions()).isEqualTo(1);
    assertThat(huawei.counts().acceptedProvisions(DemoWorld.INSTANCE, DemoWorld.READ_ONLY, DemoWorld.SANDBOX))
        .isEqualTo(1);
    assertThat(huawei.counts().totalAcceptedProvisions()).isEqualTo(1);
  }
}
