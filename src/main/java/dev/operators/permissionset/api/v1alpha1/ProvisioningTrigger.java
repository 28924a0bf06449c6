package dev.operators.permissionset.api.v1alpha1;

/** What made the operator provision: a new spec generation, drift of the permission set, or a person asking. */
public enum ProvisioningTrigger {
  Spec,
  Drift,
  Annotation
}
