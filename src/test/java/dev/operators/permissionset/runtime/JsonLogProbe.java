package dev.operators.permissionset.runtime;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.reconciler.PermissionSetProvisioningReconciler;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.MDCUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run in a JVM of its own by {@link JsonLogsTest}: logs as a reconcile does, with the MDC JOSDK sets, through the
 * production log4j2.xml and whatever LOG_FORMAT the environment has.
 */
public final class JsonLogProbe {

  private JsonLogProbe() {
  }

  public static void main(String[] args) {
    Logger log = LoggerFactory.getLogger(PermissionSetProvisioningReconciler.class);
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace("platform").withName("readonly-to-payments")
        .withGeneration(3L).withUid("0b7c1f5e-7f0e-4a59-9d6c-0c0d5b6a1f00").withResourceVersion("42").build());
    MDCUtils.addResourceInfo(resource);
    log.info("Provisioning request {} made for generation {}: {}", "5a1f0e2d-6c7b-4a98-b1c2-d3e4f5a6b7c8", 3,
        "IN_PROGRESS");
    log.warn("Identity Center call failed (THROTTLED): \"quoted\"\nsecond line",
        new IllegalStateException("boom"));
    MDCUtils.removeResourceInfo();
    log.info("Outside any reconcile");
  }
}
