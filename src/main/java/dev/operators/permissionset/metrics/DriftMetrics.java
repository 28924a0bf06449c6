package dev.operators.permissionset.metrics;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.drift.DriftChecks;
import dev.operators.permissionset.drift.DriftFinding;
import dev.operators.permissionset.drift.DriftGroup;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.reconciler.ProvisioningObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Drift and re-provisioning: the drift checks by what they found, the provisionings made again by trigger
 * (drift, annotation) and outcome, and the resources whose target holds an out-of-date copy now. Labels are bounded.
 */
public final class DriftMetrics implements DriftChecks.Observer, ProvisioningObserver {

  static final String CHECKS = "permissionset.drift.checks";
  static final String REPROVISIONINGS = "permissionset.reprovisionings";
  static final String OUT_OF_DATE = "permissionset.resources.out.of.date";
  static final String UP_TO_DATE = "UpToDate";

  private final MeterRegistry registry;

  public DriftMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void checked(DriftGroup group, DriftFinding finding) {
    String result = finding instanceof DriftFinding.Checked checked
        ? checked.outOfDateAccounts().isEmpty() ? "up_to_date" : "out_of_date" : "failed";
    Counter.builder(CHECKS)
        .description("Drift checks of a permission set (all its pages of out-of-date accounts), by what they found")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  @Override
  public void reported(PermissionSetProvisioning resource, PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after) {
    ProvisioningTrigger trigger = after.getRequestTrigger();
    if (after.getCompletedAt() == null || Objects.equals(before.getCompletedAt(), after.getCompletedAt())
        || Objects.equals(before.getRequestId(), after.getRequestId()) && before.getCompletedAt() != null
        || trigger == null || trigger == ProvisioningTrigger.Spec) {
      return;
    }
    boolean succeeded = ProvisioningStatus.fromWire(after.getProvisioningStatus()) == ProvisioningStatus.SUCCEEDED;
    Counter.builder(REPROVISIONINGS)
        .description("Provisionings made again without a spec change, by trigger and outcome")
        .tag("trigger", trigger.name().toLowerCase(Locale.ROOT))
        .tag("result", succeeded ? "succeeded" : "failed")
        .register(registry)
        .increment();
  }

  /**
   * Publishes how many resources' targets hold an out-of-date copy of their permission set now.
   *
   * @param resources the operator's cache of the resources it watches, read at every scrape
   */
  public void countOutOfDate(Supplier<Stream<PermissionSetProvisioning>> resources) {
    Gauge.builder(OUT_OF_DATE, resources, cache -> cache.get().filter(DriftMetrics::outOfDate).count())
        .description("Resources whose UpToDate condition is False: the permission set changed after it was "
            + "provisioned, from the operator's cache")
        .strongReference(true)
        .register(registry);
  }

  private static boolean outOfDate(PermissionSetProvisioning resource) {
    return resource.getStatus() != null && resource.getStatus().condition(UP_TO_DATE)
        .filter(condition -> "False".equals(condition.getStatus())).isPresent();
  }
}
