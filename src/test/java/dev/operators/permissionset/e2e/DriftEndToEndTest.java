package dev.operators.permissionset.e2e;

import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.api.v1alpha1.ReprovisionPolicy;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.Pause;
import dev.operators.permissionset.testing.Provisionings;
import dev.operators.permissionset.testing.TestConnections;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift and provisioning again, end to end over real HTTP: permission sets touched in the simulator, found out of
 * date by the operator's checks (every second here), and provisioned again by policy or on request.
 */
class DriftEndToEndTest {

  private EndToEndEnvironment environment;
  private IdentityCenterSimulator simulator;

  @BeforeEach
  void start() {
    environment = EndToEndEnvironment.start(Map.of(OperatorConfig.DRIFT_CHECK_INTERVAL, "1s",
        OperatorConfig.CLOUD_LIST_LAG, "200ms"));
    simulator = environment.simulator();
    simulator.provisioningLatency(Duration.ofMillis(300));
    environment.startOperator();
    TestConnections.awaitReady(environment.kubernetes(), TestConnections.DEFAULT);
  }

  @AfterEach
  void stop() {
    environment.close();
  }

  private void create(PermissionSetProvisioning resource) {
    environment.kubernetes().resource(resource).create();
  }

  private PermissionSetProvisioningStatus await(String name, Predicate<PermissionSetProvisioningStatus> test) {
    return AwaitStatus.until(environment.kubernetes(), NAMESPACE, name,
        resource -> resource.getStatus() != null && test.test(resource.getStatus())).getStatus();
  }

  private static Predicate<PermissionSetProvisioningStatus> upToDate(String status) {
    return found -> found.condition("UpToDate").map(Condition::getStatus).equals(Optional.of(status));
  }

  private static Predicate<PermissionSetProvisioningStatus> ready(String reason) {
    return found -> found.condition("Ready").map(Condition::getReason).equals(Optional.of(reason));
  }

  private long accepted(String permissionSetId, String target) {
    return simulator.counts().acceptedProvisions(INSTANCE, permissionSetId, target);
  }

  private void annotate(String name, String key, String value) {
    environment.kubernetes().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName(name)
        .edit(resource -> {
          Map<String, String> annotations = new HashMap<>(Optional.ofNullable(resource.getMetadata()
              .getAnnotations()).orElse(Map.of()));
          annotations.put(key, value);
          resource.getMetadata().setAnnotations(annotations);
          return resource;
        });
  }

  private static PermissionSetProvisioning automatic(PermissionSetProvisioning resource) {
    resource.getSpec().setReprovisionPolicy(ReprovisionPolicy.Automatic);
    return resource;
  }

  @Test
  void aTouchedPermissionSetIsReportedOutOfDateAndManualProvisionsNothing() {
    create(Provisionings.toAccount("readonly", READ_ONLY, PAYMENTS));
    await("readonly", upToDate("True").and(ready("Provisioned")));

    assertThat(simulator.touchPermissionSet(INSTANCE, READ_ONLY)).contains(PAYMENTS, ANALYTICS);

    PermissionSetProvisioningStatus outOfDate = await("readonly", upToDate("False"));
    assertThat(outOfDate.condition("UpToDate").orElseThrow().getReason()).isEqualTo("PermissionSetChanged");
    assertThat(outOfDate.condition("UpToDate").orElseThrow().getMessage())
        .contains("account " + PAYMENTS + " holds an out-of-date copy")
        .contains("reprovision-requested-at");
    assertThat(outOfDate.condition("Ready").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(outOfDate.getOutOfDateSince()).isNotNull();
    assertThat(outOfDate.getLastDriftCheck()).isNotNull();
    Pause.sleep(Duration.ofSeconds(2));
    assertThat(accepted(READ_ONLY, PAYMENTS)).isEqualTo(1);
  }

  @Test
  void automaticProvisionsOnceForTheDriftAndIsUpToDateAgain() {
    create(automatic(Provisionings.toAccount("readonly", READ_ONLY, PAYMENTS)));
    await("readonly", upToDate("True").and(ready("Provisioned")));

    simulator.touchPermissionSet(INSTANCE, READ_ONLY);

    PermissionSetProvisioningStatus repaired = await("readonly", upToDate("True")
        .and(status -> status.getRequestTrigger() == ProvisioningTrigger.Drift));
    assertThat(repaired.condition("Ready").orElseThrow().getReason()).isEqualTo("Provisioned");
    assertThat(repaired.getOutOfDateSince()).isNull();
    assertThat(repaired.getLastHandledDriftAt()).isNotNull();
    Pause.sleep(Duration.ofSeconds(2));
    assertThat(accepted(READ_ONLY, PAYMENTS)).isEqualTo(2);
  }

  @Test
  void theAnnotationProvisionsAFailedGenerationAgainOncePerValue() {
    create(Provisionings.toAccount("legacy", ADMINISTRATOR, LEGACY));
    await("legacy", ready("ProvisioningFailed"));
    assertThat(accepted(ADMINISTRATOR, LEGACY)).isEqualTo(1);

    annotate("legacy", PermissionSetProvisioning.REPROVISION_REQUESTED_AT, "first");
    PermissionSetProvisioningStatus again = await("legacy", status -> "first".equals(
        status.getLastHandledReprovisionAt()));
    assertThat(again.getRequestTrigger()).isEqualTo(ProvisioningTrigger.Annotation);
    assertThat(again.condition("Ready").orElseThrow().getReason()).isEqualTo("ProvisioningFailed");
    assertThat(accepted(ADMINISTRATOR, LEGACY)).isEqualTo(2);

    // the same value applied again (Argo CD syncing it, another annotation changing) asks for nothing
    annotate("legacy", "team", "platform");
    annotate("legacy", PermissionSetProvisioning.REPROVISION_REQUESTED_AT, "first");
    Pause.sleep(Duration.ofSeconds(2));
    assertThat(accepted(ADMINISTRATOR, LEGACY)).isEqualTo(2);

    annotate("legacy", PermissionSetProvisioning.REPROVISION_REQUESTED_AT, "second");
    await("legacy", status -> "second".equals(status.getLastHandledReprovisionAt()));
    assertThat(accepted(ADMINISTRATOR, LEGACY)).isEqualTo(3);
  }

  @Test
  void allProvisionedAccountsAreOutOfDateWhenAnyIsAndAreProvisionedTogether() {
    create(Provisionings.toAccount("readonly-sandbox", READ_ONLY, SANDBOX));
    await("readonly-sandbox", ready("Provisioned"));
    create(automatic(Provisionings.allProvisionedAccounts("readonly-everywhere", READ_ONLY)));
    await("readonly-everywhere", upToDate("True").and(ready("Provisioned")));

    simulator.touchPermissionSet(INSTANCE, READ_ONLY);

    await("readonly-sandbox", upToDate("False"));
    await("readonly-everywhere", status -> status.getRequestTrigger() == ProvisioningTrigger.Drift
        && upToDate("True").test(status));
    await("readonly-sandbox", upToDate("True"));
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, "ALL_PROVISIONED_ACCOUNTS"))
        .isEqualTo(2);
  }
}
