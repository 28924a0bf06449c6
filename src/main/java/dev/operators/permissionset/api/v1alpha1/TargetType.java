package dev.operators.permissionset.api.v1alpha1;

/** What a provisioning targets, spelled as the cloud APIs spell it. */
public enum TargetType {
  ACCOUNT,
  ALL_PROVISIONED_ACCOUNTS
}
