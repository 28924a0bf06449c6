package dev.operators.permissionset.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.reconciler.ConditionReason;
import dev.operators.permissionset.reconciler.ProvisioningStatusFactory;
import dev.operators.permissionset.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Outcomes are counted once per transition into a settled state; requests are timed when they finish. */
class ProvisioningMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProvisioningMetrics metrics = new ProvisioningMetrics(registry);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));
  private final ProvisioningStatusFactory statuses = new ProvisioningStatusFactory(clock);
  private final PermissionSetProvisioning resource = new PermissionSetProvisioning();

  {
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("ns").withGeneration(1L).build());
  }

  private PermissionSetProvisioningStatus next(PermissionSetProvisioningStatus before, ConditionReason reason) {
    PermissionSetProvisioningStatus after = before.copy();
    after.setRequestId("req-1");
    after.setRequestedAt("2026-11-23T08:00:00Z");
    if (reason == ConditionReason.PROVISIONED || reason == ConditionReason.PROVISIONING_FAILED) {
      after.setCompletedAt(ProvisioningStatusFactory.timestamp(clock.instant()));
    }
    statuses.apply(resource, after, reason, reason.reason() + ".");
    metrics.reported(resource, before, after);
    return after;
  }

  private double outcomes(String result, String reason) {
    Counter counter = registry.find(ProvisioningMetrics.OUTCOMES).tags("result", result, "reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aRequestThatIsThrottledThenSucceedsCountsOneSuccessAndItsDuration() {
    PermissionSetProvisioningStatus provisioning = next(new PermissionSetProvisioningStatus(),
        ConditionReason.PROVISIONING);
    PermissionSetProvisioningStatus throttled = next(provisioning, ConditionReason.THROTTLED);
    PermissionSetProvisioningStatus throttledAgain = next(throttled, ConditionReason.THROTTLED);
    clock.advance(Duration.ofSeconds(42));
    PermissionSetProvisioningStatus provisioned = next(throttledAgain, ConditionReason.PROVISIONED);
    next(provisioned, ConditionReason.PROVISIONED);

    assertThat(registry.find(ProvisioningMetrics.OUTCOMES).counters()).hasSize(1);
    assertThat(outcomes("succeeded", "Provisioned")).isEqualTo(1);
    Timer duration = registry.get(ProvisioningMetrics.DURATION).tag("result", "succeeded").timer();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(42);
  }

  @Test
  void failuresAndStallsAreCountedByReason() {
    PermissionSetProvisioningStatus provisioning = next(new PermissionSetProvisioningStatus(),
        ConditionReason.PROVISIONING);
    next(provisioning, ConditionReason.PROVISIONING_FAILED);
    next(new PermissionSetProvisioningStatus(), ConditionReason.INVALID_SPEC);
    next(new PermissionSetProvisioningStatus(), ConditionReason.ACCESS_DENIED);

    assertThat(outcomes("failed", "ProvisioningFailed")).isEqualTo(1);
    assertThat(outcomes("stalled", "InvalidSpec")).isEqualTo(1);
    assertThat(outcomes("stalled", "AccessDenied")).isEqualTo(1);
    assertThat(registry.get(ProvisioningMetrics.DURATION).tag("result", "failed").timer().count()).isEqualTo(1);
  }

  @Test
  void aRequestIsInFlightUntilItFinishesOrTheSpecMovesOn() {
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    resource.setStatus(status);
    assertThat(ProvisioningMetrics.requestInFlight(resource)).isFalse();

    status.setRequestId("req-1");
    status.setRequestGeneration(1L);
    status.setProvisioningStatus("IN_PROGRESS");
    assertThat(ProvisioningMetrics.requestInFlight(resource)).isTrue();

    resource.getMetadata().setGeneration(2L);
    assertThat(ProvisioningMetrics.requestInFlight(resource)).isFalse();
    status.setRequestGeneration(2L);
    status.setProvisioningStatus("SUCCEEDED");
    assertThat(ProvisioningMetrics.requestInFlight(resource)).isFalse();
  }

  private PermissionSetProvisioning resourceIn(String name, ConditionReason reason) {
    PermissionSetProvisioning other = new PermissionSetProvisioning();
    other.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withGeneration(1L).build());
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    statuses.apply(other, status, reason, reason.reason() + ".");
    other.setStatus(status);
    return other;
  }

  private double stalledNow(String result, String reason) {
    return registry.get(ProvisioningMetrics.STALLED).tags("result", result, "reason", reason).gauge().value();
  }

  @Test
  void stalledResourcesAreCountedByReasonForAsLongAsTheyStaySo() {
    List<PermissionSetProvisioning> cache = new ArrayList<>(List.of(
        resourceIn("failed", ConditionReason.PROVISIONING_FAILED),
        resourceIn("timed-out", ConditionReason.PROVISIONING_TIMED_OUT),
        resourceIn("timed-out-too", ConditionReason.PROVISIONING_TIMED_OUT),
        resourceIn("waiting-for-connection", ConditionReason.CONNECTION_NOT_READY_NEEDS_PERSON),
        resourceIn("provisioned", ConditionReason.PROVISIONED),
        resourceIn("throttled", ConditionReason.THROTTLED),
        resourceIn("connection-checking", ConditionReason.CONNECTION_NOT_READY),
        new PermissionSetProvisioning()));
    metrics.countStalledResources(cache::stream);

    assertThat(stalledNow("failed", "ProvisioningFailed")).isEqualTo(1);
    assertThat(stalledNow("stalled", "ProvisioningTimedOut")).isEqualTo(2);
    assertThat(stalledNow("stalled", "ConnectionNotReady")).isEqualTo(1);
    assertThat(stalledNow("stalled", "InvalidSpec")).isZero();
    assertThat(registry.find(ProvisioningMetrics.STALLED).tag("reason", "Provisioned").gauge()).isNull();
    assertThat(registry.find(ProvisioningMetrics.STALLED).tag("reason", "Throttled").gauge()).isNull();

    cache.set(1, resourceIn("timed-out", ConditionReason.PROVISIONED));
    assertThat(stalledNow("stalled", "ProvisioningTimedOut")).isEqualTo(1);
  }
}
