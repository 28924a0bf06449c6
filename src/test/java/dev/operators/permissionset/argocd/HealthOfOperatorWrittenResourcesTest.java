package dev.operators.permissionset.argocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.argocd.ArgoCdLua.HealthStatus;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
  private static final String NAMESPACE = "platform";
  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  private static final String PAYMENTS = "5146d03d8aaaaaaaaaaaabbae60620a5";
  private static final String ANALYTICS = "0c1d2e3f405162738495a6b7c8d9e0f1";
  private static final String SANDBOX = "7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4";
  private static final String LEGACY = "9a8b7c6d5e4f30211203f4e5d6c7b8a9";

  private EndToEndEnvironment environment;

  @AfterEach
  void stop() {
    environment.close();
  }

  @Test
  void aResourceTheOperatorHasNotSeenIsProgressing() throws IOException {
    environment = EndToEndEnvironment.start(Map.of());
    create("readonly-to-payments", toAccount(READ_ONLY, PAYMENTS));

    check("no-status", environment.get(NAMESPACE, "readonly-to-payments"),
        new HealthStatus("Progressing", "Waiting for the operator to report status"));
  }

  @Test
  void aRequestInFlightIsProgressing() throws IOException {
    start();
    environment.simulator().provisioningLatency(Duration.ofMinutes(5));
    create("readonly-to-payments", toAccount(READ_ONLY, PAYMENTS));

    PermissionSetProvisioning inFlight = awaitResource("readonly-to-payments",
        resource -> "IN_PROGRESS".equals(resource.getStatus().getProvisioningStatus()));

    check("provisioning", inFlight, new HealthStatus("Progressing", message(inFlight, "Reconciling")));
  }

  @Test
  void aProvisionedPermissionSetIsHealthy() throws IOException {
    start();
    create("readonly-to-payments", toAccount(READ_ONLY, PAYMENTS));

    PermissionSetProvisioning provisioned = awaitReason("readonly-to-payments", "Provisioned");

    check("provisioned", provisioned, new HealthStatus("Healthy", message(provisioned, "Ready")));
  }

  @Test
  void aPermissionSetProvisionedByNameToAllAccountsIsHealthy() throws IOException {
    start();
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetName("Team-137");
    spec.setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS);
    create("team-137-everywhere", spec);

    PermissionSetProvisioning provisioned = awaitReason("team-137-everywhere", "Provisioned");

    check("provisioned-to-all-accounts", provisioned, new HealthStatus("Healthy", message(provisioned, "Ready")));
  }

  @Test
  void aRequestTheCloudFailedIsDegradedWithTheCloudsReason() throws IOException {
    start();
    create("readonly-to-legacy", toAccount(READ_ONLY, LEGACY));

    PermissionSetProvisioning failed = awaitReason("readonly-to-legacy", "ProvisioningFailed");

    assertThat(message(failed, "Stalled")).contains(failed.getStatus().getFailureReason());
    check("failed", failed, new HealthStatus("Degraded", message(failed, "Stalled")));
  }

  @Test
  void anUnknownPermissionSetNameIsDegraded() throws IOException {
    start();
    PermissionSetProvisioningSpec spec = toAccount(null, PAYMENTS);
    spec.setPermissionSetName("DoesNotExist");
    create("unknown-name", spec);

    PermissionSetProvisioning stalled = awaitReason("unknown-name", "PermissionSetNotFound");

    check("permission-set-not-found", stalled, new HealthStatus("Degraded", message(stalled, "Stalled")));
  }

  @Test
  void missingCredentialsAreDegraded() throws IOException {
    start();
    PermissionSetProvisioningSpec spec = toAccount(READ_ONLY, PAYMENTS);
    spec.setCredentialsSecretRef(new SecretReference("identity-center"));
    create("without-secret", spec);

    PermissionSetProvisioning stalled = awaitReason("without-secret", "CredentialsUnavailable");

    check("credentials-unavailable", stalled, new HealthStatus("Degraded", message(stalled, "Stalled")));
  }

  @Test
  void throttledCallsAreProgressing() throws IOException {
    start();
    environment.simulator().faults().rateLimitPerSecond(1);
    List<String> names = List.of("throttled-1", "throttled-2", "throttled-3", "throttled-4");
    // four permission sets, so that four provisionings go at once into a limit of one call a second
    List<String> permissionSets = List.of(READ_ONLY, "ps-1a2b3c4d5e6f7081", "ps-5e6f708192a3b4c5",
        "ps-f000000000000001");
    for (int index = 0; index < names.size(); index++) {
      create(names.get(index), toAccount(permissionSets.get(index), PAYMENTS));
    }

    PermissionSetProvisioning throttled = await().atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> names.stream().map(name -> environment.get(NAMESPACE, name))
            .filter(resource -> "Throttled".equals(reason(resource))).findFirst(), Optional::isPresent)
        .orElseThrow();

    check("throttled", throttled, new HealthStatus("Progressing", message(throttled, "Reconciling")));
  }

  @Test
  void anUnavailableCloudIsProgressing() throws IOException {
    start();
    environment.simulator().faults().serverErrorRate(1);
    create("outage", toAccount(READ_ONLY, PAYMENTS));

    PermissionSetProvisioning retrying = awaitReason("outage", "CloudUnavailable");

    check("cloud-unavailable", retrying, new HealthStatus("Progressing", message(retrying, "Reconciling")));
  }

  @Test
  void aSpecChangeTheOperatorHasNotActedOnIsProgressing() throws IOException {
    start();
    create("readonly-to-payments", toAccount(READ_ONLY, PAYMENTS));
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

  private void start() {
    environment = EndToEndEnvironment.start(Map.of());
    environment.startOperator();
  }

  private static PermissionSetProvisioningSpec toAccount(String permissionSetId, String account) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetId(permissionSetId);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(account);
    return spec;
  }

  private void create(String name, PermissionSetProvisioningSpec spec) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    environment.kubernetes().resource(resource).create();
  }

  private PermissionSetProvisioning awaitReason(String name, String reason) {
    return awaitResource(name, resource -> reason.equals(reason(resource)));
  }

  private PermissionSetProvisioning awaitResource(String name, Predicate<PermissionSetProvisioning> test) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> environment.get(NAMESPACE, name),
            resource -> resource != null && resource.getStatus() != null && test.test(resource));
  }

  private static String reason(PermissionSetProvisioning resource) {
    return resource.getStatus() == null ? null
        : resource.getStatus().condition("Ready").map(Condition::getReason).orElse(null);
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

    assertThat(ArgoCdLua.health(HealthScriptTest.script(), written)).isEqualTo(expected);

    if (WRITE_TESTDATA) {
      Files.writeString(file, yaml);
      HealthScriptTest.writeCase(new HealthScriptTest.Case(expected, "testdata/" + state + ".yaml"));
    }
    assertThat(shape(HealthScriptTest.resource(file)))
        .as("%s has drifted from what the operator writes; rerun with -Dargocd.testdata.write=true", file)
        .isEqualTo(shape(written));
    assertThat(HealthScriptTest.cases()).filteredOn(test -> test.inputPath().equals("testdata/" + state + ".yaml"))
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
