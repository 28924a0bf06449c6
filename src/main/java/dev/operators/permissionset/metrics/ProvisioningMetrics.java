package dev.operators.permissionset.metrics;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.reconciler.ConditionReason;
import dev.operators.permissionset.reconciler.ProvisioningObserver;
import dev.operators.permissionset.reconciler.StatusTransition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Provisioning outcomes and how long requests took, counted once per transition (never per retry or poll). The
 * labels are bounded: a result and a condition reason, never a resource name.
 */
public final class ProvisioningMetrics implements ProvisioningObserver {

  static final String OUTCOMES = "permissionset.provisioning.outcomes";
  static final String DURATION = "permissionset.provisioning.duration";

  private static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30)};

  private final MeterRegistry registry;

  public ProvisioningMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void reported(PermissionSetProvisioning resource, PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after) {
    StatusTransition.between(before, after).ifPresent(this::count);
  }

  private void count(StatusTransition transition) {
    ConditionReason to = transition.to();
    if (to.reconciling()) {
      return;
    }
    String result = result(to);
    Counter.builder(OUTCOMES)
        .description("Resources that reached a settled state: succeeded, failed (the cloud failed the request) "
            + "or stalled (the spec, credentials or permissions need fixing)")
        .tag("result", result)
        .tag("reason", to.reason())
        .register(registry)
        .increment();
    transition.requestDuration().ifPresent(duration -> Timer.builder(DURATION)
        .description("From the provisioning request to its end, SUCCEEDED or FAILED, as the operator saw it")
        .tag("result", result)
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(registry)
        .record(duration));
  }

  private static String result(ConditionReason to) {
    return switch (to) {
      case PROVISIONED -> "succeeded";
      case PROVISIONING_FAILED -> "failed";
      // the rest need a person: a spec change, credentials or permissions
      default -> "stalled";
    };
  }
}
