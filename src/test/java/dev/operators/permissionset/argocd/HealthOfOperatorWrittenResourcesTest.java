package dev.operators.permissionset.argocd;

import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.BILLING_VIEWER;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.Provisionings.allProvisionedAccounts;
import static dev.operators.permissionset.testing.Provisionings.byName;
import static dev.operators.permissionset.testing.Provisionings.toAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.argocd.ArgoCdLua.HealthStatus;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.TestConnections;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the operator into every state Argo CD must tell apart and checks the health script on each resource as
 * the operator wrote it. The committed deploy/argocd/testdata must have the same status shape as these resources,
 * so they cannot drift from what the operator writes; {@code -Dargocd.testdata.write=true} rewrites them and their
 * cases in health_test.yaml.
 */
class HealthOfOperatorWrittenResourcesTest {

  private static final boolean WRITE_TESTDATA = Boolean.getBoolean("argocd.testdata.write");
  /** Drift checks every second, so that a touched permission set is found out of date at once. */
  private static final Map<String, String> FREQUENT_DRIFT_CHECKS = Map.of(OperatorConfig.DRIFT_CHECK_INTERVAL, "1s",
      OperatorConfig.CLOUD_LIST_LAG, "200ms");

  private EndToEndEnvironment environment;

  @AfterEach
  void stop() {
    environment.close();
  }

  @Test
  void aResourceTheOperatorHasNotSeenIsProgressing() throws IOException {
    environment = EndToEndEnvironment.start(Map.of());
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));

    check("no-status", environment.get(NAMESPACE, "readonly-to-payments"),
        new HealthStatus("Progressing", "Waiting for the operator to report status"));
  }

  @Test
  void aRequestInFlightIsProgressing() throws IOException {
    start();
    environment.simulator().provisioningLatency(Duration.ofMinutes(5));
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));

    PermissionSetProvisioning inFlight = awaitResource("readonly-to-payments",
        resource -> "IN_PROGRESS".equals(resource.getStatus().getProvisioningStatus()));

    check("provisioning", inFlight, new HealthStatus("Progressing", message(inFlight, "Reconciling")));
  }

  @Test
  void aProvisionedPermissionSetIsHealthy() throws IOException {
    start();
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));

    PermissionSetProvisioning provisioned = awaitReason("readonly-to-payments", "Provisioned");

    check("provisioned", provisioned, new HealthStatus("Healthy", message(provisioned, "Ready")));
  }

  @Test
  void aProvisionedPermissionSetFoundUpToDateIsHealthy() throws IOException {
    start(FREQUENT_DRIFT_CHECKS);
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));

    PermissionSetProvisioning upToDate = awaitResource("readonly-to-payments", resource ->
        "Provisioned".equals(AwaitStatus.readyReason(resource)) && upToDate(resource, "True"));

    check("up-to-date", upToDate, new HealthStatus("Healthy", message(upToDate, "Ready")));
  }

  @Test
  void aProvisionedPermissionSetThatChangedSinceIsDegradedWithWhatToDo() throws IOException {
    start(FREQUENT_DRIFT_CHECKS);
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));
    awaitResource("readonly-to-payments", resource -> upToDate(resource, "True"));

    environment.simulator().touchPermissionSet(INSTANCE, READ_ONLY);
    PermissionSetProvisioning outOfDate = awaitResource("readonly-to-payments", resource ->
        upToDate(resource, "False"));

    assertThat(message(outOfDate, "UpToDate")).contains("account " + PAYMENTS + " holds an out-of-date copy",
        PermissionSetProvisioning.REPROVISION_REQUESTED_AT);
    check("out-of-date", outOfDate, new HealthStatus("Degraded", message(outOfDate, "UpToDate")));
  }

  @Test
  void aPermissionSetProvisionedByNameToAllAccountsIsHealthy() throws IOException {
    start();
    PermissionSetProvisioning everywhere = allProvisionedAccounts("team-137-everywhere", null);
    everywhere.getSpec().setPermissionSetName("Team-137");
    create(everywhere);

    PermissionSetProvisioning provisioned = awaitReason("team-137-everywhere", "Provisioned");

    check("provisioned-to-all-accounts", provisioned, new HealthStatus("Healthy", message(provisioned, "Ready")));
  }

  @Test
  void aRequestTheCloudFailedIsDegradedWithTheCloudsReason() throws IOException {
    start();
    create(toAccount("readonly-to-legacy", READ_ONLY, LEGACY));

    PermissionSetProvisioning failed = awaitReason("readonly-to-legacy", "ProvisioningFailed");

    assertThat(message(failed, "Stalled")).contains(failed.getStatus().getFailureReason());
    check("failed", failed, new HealthStatus("Degraded", message(failed, "Stalled")));
  }

  @Test
  void anUnknownPermissionSetNameIsDegraded() throws IOException {
    start();
    create(byName("unknown-name", "DoesNotExist", PAYMENTS));

    PermissionSetProvisioning stalled = awaitReason("unknown-name", "PermissionSetNotFound");

    check("permission-set-not-found", stalled, new HealthStatus("Degraded", message(stalled, "Stalled")));
  }

  @Test
  void aResourceWhoseConnectionTheCloudRejectedIsDegraded() throws IOException {
    start();
    TestConnections.secret(environment.kubernetes(), NAMESPACE, "platform-team",
        CloudCredentials.of("AKUNKNOWN0000000000", "not-the-secret-key"));
    TestConnections.namespaced(environment.kubernetes(), NAMESPACE, "platform-team",
        environment.huaweiCloud("platform-team"));
    PermissionSetProvisioning throughTeam = toAccount("readonly-to-payments", READ_ONLY, PAYMENTS);
    throughTeam.getSpec().setConnectionRef(new ConnectionReference(ConnectionReference.Kind.IdentityCenterConnection,
        "platform-team"));
    create(throughTeam);

    // while the connection is checked the resource is Reconciling; the cloud's verdict stalls it
    PermissionSetProvisioning stalled = awaitResource("readonly-to-payments", resource ->
        "ConnectionNotReady".equals(AwaitStatus.readyReason(resource))
            && message(resource, "Stalled").contains("(InvalidCredentials)"));

    check("connection-not-ready", stalled, new HealthStatus("Degraded", message(stalled, "Stalled")));
  }

  @Test
  void aResourceWhoseConnectionCannotReachTheCloudIsProgressing() throws IOException {
    environment = EndToEndEnvironment.start(Map.of());
    // before the operator starts, so that the first check of the default connection fails too
    environment.simulator().faults().serverErrorRate(1);
    environment.startOperator();
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));

    PermissionSetProvisioning waiting = awaitResource("readonly-to-payments", resource ->
        "ConnectionNotReady".equals(AwaitStatus.readyReason(resource))
            && message(resource, "Reconciling").contains("EndpointUnreachable"));

    check("connection-unreachable", waiting, new HealthStatus("Progressing", message(waiting, "Reconciling")));
  }

  @Test
  void aResourceWithoutConnectionOrDefaultIsDegraded() throws IOException {
    start();
    environment.kubernetes().resources(ClusterIdentityCenterConnection.class).withName(ConnectionKey.DEFAULT_NAME)
        .delete();
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));

    PermissionSetProvisioning stalled = awaitResource("readonly-to-payments", resource ->
        "ConnectionNotReady".equals(AwaitStatus.readyReason(resource))
            && message(resource, "Stalled").contains("no ClusterIdentityCenterConnection named default"));

    check("no-default-connection", stalled, new HealthStatus("Degraded", message(stalled, "Stalled")));
  }

  @Test
  void aResourceInANamespaceTheClusterConnectionDoesNotAdmitIsDegraded() throws IOException {
    start();
    TestConnections.cluster(environment.kubernetes(), "finance",
        environment.huaweiCloud(TestConnections.DEFAULT_SECRET), List.of("finance"));
    PermissionSetProvisioning throughFinance = toAccount("readonly-to-payments", READ_ONLY, PAYMENTS);
    throughFinance.getSpec().setConnectionRef(new ConnectionReference(
        ConnectionReference.Kind.ClusterIdentityCenterConnection, "finance"));
    create(throughFinance);

    PermissionSetProvisioning stalled = awaitReason("readonly-to-payments", "NamespaceNotAllowed");

    check("namespace-not-allowed", stalled, new HealthStatus("Degraded", message(stalled, "Stalled")));
  }

  @Test
  void throttledCallsAreProgressing() throws IOException {
    start();
    environment.simulator().faults().rateLimitPerSecond(1);
    List<String> names = List.of("throttled-1", "throttled-2", "throttled-3", "throttled-4");
    // four permission sets, so that four provisionings go at once into a limit of one call a second
    List<String> permissionSets = List.of(READ_ONLY, ADMINISTRATOR, BILLING_VIEWER,
        "ps-f000000000000001");
    for (int index = 0; index < names.size(); index++) {
      create(toAccount(names.get(index), permissionSets.get(index), PAYMENTS));
    }

    PermissionSetProvisioning throttled = await().atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> names.stream().map(name -> environment.get(NAMESPACE, name))
            .filter(resource -> "Throttled".equals(AwaitStatus.readyReason(resource))).findFirst(), Optional::isPresent)
        .orElseThrow();

    check("throttled", throttled, new HealthStatus("Progressing", message(throttled, "Reconciling")));
  }

  @Test
  void anUnavailableCloudIsProgressing() throws IOException {
    start();
    environment.simulator().faults().serverErrorRate(1);
    create(toAccount("outage", READ_ONLY, PAYMENTS));

    PermissionSetProvisioning retrying = awaitReason("outage", "CloudUnavailable");

    check("cloud-unavailable", retrying, new HealthStatus("Progressing", message(retrying, "Reconciling")));
  }

  @Test
  void aSpecChangeTheOperatorHasNotActedOnIsProgressing() throws IOException {
    start();
    create(toAccount("readonly-to-payments", READ_ONLY, PAYMENTS));
    awaitReason("readonly-to-payments", "Provisioned");
    // the operator acts on a new generation at once; while it is down (a rollout, say) the status stays behind
    environment.stopOperator();

    environment.kubernetes().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE)
        .withName("readonly-to-payments").edit(resource -> {
          resource.getSpec().setTargetId(ANALYTICS);
          return resource;
        });
    PermissionSetProvisioning behind = awaitResource("readonly-to-payments", resource ->
        resource.getMetadata().getGeneration() == 2 && resource.getStatus().getObservedGeneration() == 1);

    check("generation-ahead", behind, new HealthStatus("Progressing",
        "Waiting for the operator to act on generation 2 (status describes generation 1)"));
  }

  /** Starts the operator and waits until it found the default connection Ready, before a test breaks the cloud. */
  private void start() {
    start(Map.of());
  }

  private void start(Map<String, String> settings) {
    environment = EndToEndEnvironment.start(settings);
    environment.startOperator();
    TestConnections.awaitReady(environment.kubernetes(), ConnectionKey.cluster(ConnectionKey.DEFAULT_NAME));
  }

  private void create(PermissionSetProvisioning resource) {
    environment.kubernetes().resource(resource).create();
  }

  private PermissionSetProvisioning awaitReason(String name, String reason) {
    return AwaitStatus.withReason(environment.kubernetes(), NAMESPACE, name, reason);
  }

  private PermissionSetProvisioning awaitResource(String name, Predicate<PermissionSetProvisioning> test) {
    return AwaitStatus.until(environment.kubernetes(), NAMESPACE, name, test);
  }

  private static boolean upToDate(PermissionSetProvisioning resource, String status) {
    return resource.getStatus().condition("UpToDate").filter(c -> status.equals(c.getStatus())).isPresent();
  }

  private static String message(PermissionSetProvisioning resource, String conditionType) {
    return resource.getStatus().condition(conditionType).map(Condition::getMessage).orElseThrow();
  }

  /**
   * The health script gives the resource the expected health; the committed testdata for this state has the same
   * status shape (or is rewritten); health_test.yaml expects that health for it.
   */
  private void check(String state, PermissionSetProvisioning resource, HealthStatus expected) throws IOException {
    String yaml = environment.kubernetes().getKubernetesSerialization().asYaml(resource);
    Path file = HealthScriptTest.FOLDER.resolve("testdata").resolve(state + ".yaml");
    Map<String, Object> written = HealthScriptTest.YAML.readValue(yaml, HealthScriptTest.MAP);

    assertThat(ArgoCdLua.health(HealthScriptTest.script(HealthScriptTest.FOLDER), written)).isEqualTo(expected);

    if (WRITE_TESTDATA) {
      Files.writeString(file, yaml);
      HealthScriptTest.writeCase(HealthScriptTest.FOLDER, new HealthScriptTest.Case(expected, "testdata/" + state + ".yaml"));
    }
    assertThat(shape(HealthScriptTest.resource(file)))
        .as("%s has drifted from what the operator writes; rerun with -Dargocd.testdata.write=true", file)
        .isEqualTo(shape(written));
    assertThat(HealthScriptTest.cases(HealthScriptTest.FOLDER)).filteredOn(test -> test.inputPath().equals("testdata/" + state + ".yaml"))
        .extracting(test -> test.healthStatus().status())
        .as("health_test.yaml expects %s for testdata/%s.yaml", expected.status(), state)
        .containsExactly(expected.status());
  }

  /** What health depends on: generation against observedGeneration, the conditions, the provisioning status. */
  @SuppressWarnings("unchecked")
  private static List<String> shape(Map<String, Object> resource) {
    Map<String, Object> metadata = (Map<String, Object>) resource.get("metadata");
    Map<String, Object> status = (Map<String, Object>) resource.get("status");
    List<String> shape = new ArrayList<>();
    shape.add("kind=" + resource.get("kind"));
    if (status == null) {
      shape.add("no status");
      return shape;
    }
    shape.add("observedGeneration " + (Objects.equals(number(status.get("observedGeneration")),
        number(metadata.get("generation"))) ? "=" : "!=") + " generation");
    shape.add("provisioningStatus=" + status.get("provisioningStatus"));
    for (Map<String, Object> condition : (List<Map<String, Object>>) status.get("conditions")) {
      shape.add(condition.get("type") + "=" + condition.get("status") + " " + condition.get("reason"));
    }
    return shape;
  }

  private static Long number(Object value) {
    return value == null ? null : ((Number) value).longValue();
  }
}
