package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProvisioningStatusFactoryTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T05:06:07.891Z"));
  private final ProvisioningStatusFactory factory = new ProvisioningStatusFactory(clock);

  private static PermissionSetProvisioning resource(long generation) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withGeneration(generation).build());
    return resource;
  }

  private static Condition condition(PermissionSetProvisioningStatus status, String type) {
    return status.condition(type).orElseThrow();
  }

  @Test
  void writesTheThreeConditionsWithTimeFromTheClock() {
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();

    factory.apply(resource(3), status, ConditionReason.PROVISIONING, "Provisioning request r1 is IN_PROGRESS.");

    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getConditions()).extracting(Condition::getType)
        .containsExactly("Ready", "Reconciling", "Stalled");
    assertThat(status.getConditions()).extracting(Condition::getStatus).containsExactly("False", "True", "False");
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getReason()).isEqualTo("Provisioning");
      assertThat(c.getLastTransitionTime()).isEqualTo("2026-03-04T05:06:07Z");
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
    });
  }

  @Test
  void keepsTheTransitionTimeWhileStatusAndReasonStay() {
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    factory.apply(resource(1), status, ConditionReason.PROVISIONING, "in progress");
    PermissionSetProvisioningStatus before = status.copy();

    clock.set(Instant.parse("2026-03-04T05:10:00Z"));
    factory.apply(resource(1), status, ConditionReason.PROVISIONING, "in progress");

    assertThat(status).isEqualTo(before);
    assertThat(ProvisioningStatusFactory.inStateSince(status, ConditionReason.PROVISIONING))
        .contains(Instant.parse("2026-03-04T05:06:07Z"));
    assertThat(ProvisioningStatusFactory.inStateSince(status, ConditionReason.THROTTLED)).isEmpty();
  }

  @Test
  void movesTheTransitionTimeWhenTheReasonChanges() {
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    factory.apply(resource(1), status, ConditionReason.PROVISIONING, "in progress");

    clock.set(Instant.parse("2026-03-04T05:10:00Z"));
    factory.apply(resource(1), status, ConditionReason.PROVISIONED, "done");

    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(status.getConditions()).allSatisfy(c ->
        assertThat(c.getLastTransitionTime()).isEqualTo("2026-03-04T05:10:00Z"));
  }

  @Test
  void keepsConditionsOfOtherTypes() {
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(new ConditionBuilder().withType("example.com/Custom").withStatus("True").build());
    status.setConditions(conditions);

    factory.apply(resource(1), status, ConditionReason.PROVISIONED, "done");

    assertThat(status.getConditions()).extracting(Condition::getType)
        .containsExactly("Ready", "Reconciling", "Stalled", "example.com/Custom");
  }

  @Test
  void everyReasonIsCamelCaseAndHasExactlyOneAbnormalReading() {
    for (ConditionReason reason : ConditionReason.values()) {
      assertThat(reason.reason()).matches("^[A-Z][A-Za-z]*$");
      int trueCount = (reason.ready() ? 1 : 0) + (reason.reconciling() ? 1 : 0) + (reason.stalled() ? 1 : 0);
      assertThat(trueCount).as(reason.name()).isEqualTo(1);
    }
  }
}
