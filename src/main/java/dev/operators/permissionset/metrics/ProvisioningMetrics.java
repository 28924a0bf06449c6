package dev.operators.permissionset.metrics;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.reconciler.ConditionReason;
import dev.operators.permissionset.reconciler.ProvisioningObserver;
import dev.operators.permissionset.reconciler.ProvisioningStatusFactory;
import dev.operators.permissionset.reconciler.StatusTransition;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Provisioning outcomes and how long requests took, counted once per transition (never per retry or poll). The
 * labels are bounded: a result and a condition reason, never a resource name.
 */
public final class ProvisioningMetrics implements ProvisioningObserver {

  static final String OUTCOMES = "permissionset.provisioning.outcomes";
  static final String DURATION = "permissionset.provisioning.duration";
  static final String IN_FLIGHT = "permissionset.provisioning.requests.in.flight";
  static final String STALLED = "permissionset.provisioning.resources.stalled";

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

  /**
   * Publishes how many resources have a provisioning request for their current generation that has not finished.
   *
   * @param resources the operator's cache of the resources it watches, read at every scrape
   */
  public void countRequestsInFlight(Supplier<Stream<PermissionSetProvisioning>> resources) {
    Gauge.builder(IN_FLIGHT, resources, cache -> cache.get().filter(ProvisioningMetrics::requestInFlight).count())
        .description("Resources whose provisioning request for the current generation has not finished, from "
            + "the operator's cache (the same on every replica)")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Publishes how many resources are stalled now (Stalled=True: their request failed or timed out, or they wait for
   * a person), by result and reason. The outcome counter tells when resources became so; this tells that they
   * still are, for as long as they are.
   *
   * @param resources the operator's cache of the resources it watches, read at every scrape
   */
  public void countStalledResources(Supplier<Stream<PermissionSetProvisioning>> resources) {
    for (ConditionReason reason : ConditionReason.values()) {
      if (reason.stalled()) {
        Gauge.builder(STALLED, resources, cache -> cache.get().filter(resource -> stalled(resource, reason)).count())
            .description("Resources whose Stalled condition is True now, from the operator's cache (the same on "
                + "every replica)")
            .tag("result", result(reason))
            .tag("reason", reason.reason())
            .strongReference(true)
            .register(registry);
      }
    }
  }

  static boolean stalled(PermissionSetProvisioning resource, ConditionReason reason) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    return status != null && status.condition(ProvisioningStatusFactory.STALLED)
        .filter(condition -> "True".equals(condition.getStatus()) && reason.reason().equals(condition.getReason()))
        .isPresent();
  }

  static boolean requestInFlight(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    return status != null && status.getRequestId() != null
        && Objects.equals(status.getRequestGeneration(), resource.getMetadata().getGeneration())
        && !ProvisioningStatus.fromWire(status.getProvisioningStatus()).finished();
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
