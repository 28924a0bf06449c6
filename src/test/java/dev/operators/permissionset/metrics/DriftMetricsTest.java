package dev.operators.permissionset.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.drift.DriftFinding;
import dev.operators.permissionset.drift.DriftGroup;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drift checks are counted by what they found; provisionings made again are counted once, when they finish, by
 * trigger and outcome; the out-of-date gauge follows the resources' UpToDate condition.
 */
class DriftMetricsTest {

  private static final DriftGroup GROUP = new DriftGroup(ConnectionKey.cluster(ConnectionKey.DEFAULT_NAME),
      "ins-4f1d2c3b4a596870", "ps-8603aaaaaaaa14bd");
  private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DriftMetrics metrics = new DriftMetrics(registry);
  private final PermissionSetProvisioning resource = resource("r", null);

  private static PermissionSetProvisioning resource(String name, String upToDate) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withGeneration(1L).build());
    if (upToDate != null) {
      PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
      Condition condition = new ConditionBuilder().withType(DriftMetrics.UP_TO_DATE).withStatus(upToDate)
          .withReason("Reason").withMessage("Message.").build();
      status.setConditions(List.of(condition));
      resource.setStatus(status);
    }
    return resource;
  }

  private double checks(String result) {
    Counter counter = registry.find(DriftMetrics.CHECKS).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  private double reprovisionings(String trigger, String result) {
    Counter counter = registry.find(DriftMetrics.REPROVISIONINGS).tags("trigger", trigger, "result", result)
        .counter();
    return counter == null ? 0 : counter.count();
  }

  /** The status of a request by {@code trigger}, finished with {@code provisioningStatus} or in flight (null). */
  private static PermissionSetProvisioningStatus request(PermissionSetProvisioningStatus before, String requestId,
      ProvisioningTrigger trigger, String provisioningStatus, String completedAt) {
    PermissionSetProvisioningStatus after = before.copy();
    after.setRequestId(requestId);
    after.setRequestTrigger(trigger);
    after.setProvisioningStatus(provisioningStatus == null ? "IN_PROGRESS" : provisioningStatus);
    after.setCompletedAt(completedAt);
    return after;
  }

  private PermissionSetProvisioningStatus report(PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after) {
    metrics.reported(resource, before, after);
    return after;
  }

  @Test
  void checksAreCountedByWhatTheyFound() {
    metrics.checked(GROUP, new DriftFinding.Checked(NOW, List.of()));
    metrics.checked(GROUP, new DriftFinding.Checked(NOW, List.of("5146d03d8aaaaaaaaaaaabbae60620a5")));
    metrics.checked(GROUP, new DriftFinding.Checked(NOW, List.of("5146d03d8aaaaaaaaaaaabbae60620a5",
        "0c1d2e3f405162738495a6b7c8d9e0f1")));
    metrics.checked(GROUP, new DriftFinding.Failed(NOW, "ListAccountsForProvisionedPermissionSet failed"));

    assertThat(checks("up_to_date")).isEqualTo(1);
    assertThat(checks("out_of_date")).isEqualTo(2);
    assertThat(checks("failed")).isEqualTo(1);
    assertThat(registry.find(DriftMetrics.CHECKS).counters()).hasSize(3);
  }

  @Test
  void aProvisioningMadeAgainIsCountedOnceWhenItFinishesByTriggerAndOutcome() {
    PermissionSetProvisioningStatus provisioned = report(new PermissionSetProvisioningStatus(),
        request(new PermissionSetProvisioningStatus(), "req-1", ProvisioningTrigger.Spec, "SUCCEEDED",
            "2026-11-23T08:00:04Z"));
    PermissionSetProvisioningStatus drift = report(provisioned,
        request(provisioned, "req-2", ProvisioningTrigger.Drift, null, null));
    assertThat(registry.find(DriftMetrics.REPROVISIONINGS).counters()).isEmpty();

    PermissionSetProvisioningStatus repaired = report(drift,
        request(drift, "req-2", ProvisioningTrigger.Drift, "SUCCEEDED", "2026-11-23T08:10:04Z"));
    report(repaired, repaired);
    report(repaired, repaired.copy());
    PermissionSetProvisioningStatus asked = report(repaired,
        request(repaired, "req-3", ProvisioningTrigger.Annotation, null, null));
    report(asked, request(asked, "req-3", ProvisioningTrigger.Annotation, "FAILED", "2026-11-23T08:20:04Z"));

    assertThat(reprovisionings("drift", "succeeded")).isEqualTo(1);
    assertThat(reprovisionings("annotation", "failed")).isEqualTo(1);
    assertThat(registry.find(DriftMetrics.REPROVISIONINGS).counters()).hasSize(2);
    assertThat(registry.find(DriftMetrics.REPROVISIONINGS).tag("trigger", "spec").counter()).isNull();
  }

  @Test
  void outOfDateResourcesAreCountedForAsLongAsTheyStaySo() {
    List<PermissionSetProvisioning> cache = new ArrayList<>(List.of(
        resource("changed", "False"),
        resource("changed-too", "False"),
        resource("latest", "True"),
        resource("checking", "Unknown"),
        resource("no-status", null)));
    metrics.countOutOfDate(cache::stream);

    assertThat(registry.get(DriftMetrics.OUT_OF_DATE).gauge().value()).isEqualTo(2);

    cache.set(0, resource("changed", "True"));
    assertThat(registry.get(DriftMetrics.OUT_OF_DATE).gauge().value()).isEqualTo(1);
    cache.add(resource("changed-later", "False"));
    assertThat(registry.get(DriftMetrics.OUT_OF_DATE).gauge().value()).isEqualTo(2);
  }
}
