package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusTransitionTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));
  private final ProvisioningStatusFactory statuses = new ProvisioningStatusFactory(clock);
  private final PermissionSetProvisioning resource = resource(1);

  private static PermissionSetProvisioning resource(long generation) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("ns").withGeneration(generation)
        .build());
    return resource;
  }

  private PermissionSetProvisioningStatus in(PermissionSetProvisioning of, PermissionSetProvisioningStatus base,
      ConditionReason reason, String message, String requestId) {
    PermissionSetProvisioningStatus next = base.copy();
    next.setRequestId(requestId);
    statuses.apply(of, next, reason, message);
    return next;
  }

  @Test
  void firstStateIsATransition() {
    PermissionSetProvisioningStatus empty = new PermissionSetProvisioningStatus();
    PermissionSetProvisioningStatus provisioning = in(resource, empty, ConditionReason.PROVISIONING, "Started.",
        "req-1");

    Optional<StatusTransition> transition = StatusTransition.between(empty, provisioning);

    assertThat(transition).hasValueSatisfying(t -> {
      assertThat(t.from()).isEmpty();
      assertThat(t.to()).isEqualTo(ConditionReason.PROVISIONING);
      assertThat(t.message()).isEqualTo("Started.");
    });
  }

  @Test
  void retryInTheSameStateIsNoTransitionEvenWithANewMessage() {
    PermissionSetProvisioningStatus throttled = in(resource, new PermissionSetProvisioningStatus(),
        ConditionReason.THROTTLED, "Throttled (call 1).", null);
    clock.advance(Duration.ofSeconds(5));
    PermissionSetProvisioningStatus again = in(resource, throttled, ConditionReason.THROTTLED,
        "Throttled (call 2).", null);

    assertThat(StatusTransition.between(throttled, again)).isEmpty();
    assertThat(StatusTransition.between(again, again)).isEmpty();
  }

  @Test
  void reasonChangeNewRequestAndNewGenerationWithNewMessageAreTransitions() {
    PermissionSetProvisioningStatus provisioned = in(resource, new PermissionSetProvisioningStatus(),
        ConditionReason.PROVISIONED, "Provisioned (request 1).", "req-1");
    PermissionSetProvisioningStatus throttled = in(resource, provisioned, ConditionReason.THROTTLED, "Throttled.",
        "req-1");
    PermissionSetProvisioning second = resource(2);
    PermissionSetProvisioningStatus reprovisioned = in(second, provisioned, ConditionReason.PROVISIONED,
        "Provisioned (request 2).", "req-2");
    PermissionSetProvisioningStatus invalid = in(resource, new PermissionSetProvisioningStatus(),
        ConditionReason.INVALID_SPEC, "spec.targetId is required.", null);
    PermissionSetProvisioningStatus otherwiseInvalid = in(second, invalid, ConditionReason.INVALID_SPEC,
        "spec.instanceId is required.", null);

    assertThat(StatusTransition.between(provisioned, throttled)).hasValueSatisfying(t ->
        assertThat(t.from()).contains(ConditionReason.PROVISIONED));
    assertThat(StatusTransition.between(provisioned, reprovisioned)).isPresent();
    assertThat(StatusTransition.between(invalid, otherwiseInvalid)).isPresent();
  }

  @Test
  void requestDurationIsFromRequestToCompletionOnlyWhenTheRequestFinished() {
    PermissionSetProvisioningStatus provisioning = in(resource, new PermissionSetProvisioningStatus(),
        ConditionReason.PROVISIONING, "Started.", "req-1");
    provisioning.setRequestedAt("2026-11-23T08:00:00Z");
    PermissionSetProvisioningStatus done = in(resource, provisioning, ConditionReason.PROVISIONED, "Done.", "req-1");
    done.setCompletedAt("2026-11-23T08:00:42Z");
    PermissionSetProvisioningStatus failed = in(resource, provisioning, ConditionReason.PROVISIONING_FAILED,
        "Failed.", "req-1");
    failed.setCompletedAt("2026-11-23T08:01:00Z");

    assertThat(StatusTransition.between(new PermissionSetProvisioningStatus(), provisioning).orElseThrow()
        .requestDuration()).isEmpty();
    assertThat(StatusTransition.between(provisioning, done).orElseThrow().requestDuration())
        .contains(Duration.ofSeconds(42));
    assertThat(StatusTransition.between(provisioning, failed).orElseThrow().requestDuration())
        .contains(Duration.ofSeconds(60));
  }
}
