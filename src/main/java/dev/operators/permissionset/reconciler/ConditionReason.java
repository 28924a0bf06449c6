package dev.operators.permissionset.reconciler;

/**
 * Every state a resource can be in, as the reason of its Ready, Reconciling and Stalled conditions, and how those
 * three read in that state. Reconciling=True means the operator is still working on it; Stalled=True means it
 * cannot get further without a change of the spec or of something outside the cluster (kstatus semantics).
 */
public enum ConditionReason {
  PROVISIONED("Provisioned", true, false, false),
  PROVISIONING("Provisioning", false, true, false),
  PROVISIONING_FAILED("ProvisioningFailed", false, false, true),
  INVALID_SPEC("InvalidSpec", false, false, true),
  PERMISSION_SET_NOT_FOUND("PermissionSetNotFound", false, false, true),
  ACCOUNT_NOT_FOUND("AccountNotFound", false, false, true),
  RESOURCE_NOT_FOUND("ResourceNotFound", false, false, true),
  REQUEST_REJECTED("RequestRejected", false, false, true),
  REQUEST_NOT_FOUND("RequestNotFound", false, false, true),
  THROTTLED("Throttled", false, true, false),
  CONFLICT("Conflict", false, true, false),
  CLOUD_UNAVAILABLE("CloudUnavailable", false, true, false),
  AUTHENTICATION_FAILED("AuthenticationFailed", false, false, true),
  ACCESS_DENIED("AccessDenied", false, false, true),
  CREDENTIALS_UNAVAILABLE("CredentialsUnavailable", false, false, true);

  private final String reason;
  private final boolean ready;
  private final boolean reconciling;
  private final boolean stalled;

  ConditionReason(String reason, boolean ready, boolean reconciling, boolean stalled) {
    this.reason = reason;
    this.ready = ready;
    this.reconciling = reconciling;
    this.stalled = stalled;
  }

  public String reason() {
    return reason;
  }

  public boolean ready() {
    return ready;
  }

  public boolean reconciling() {
    return reconciling;
  }

  public boolean stalled() {
    return stalled;
  }
}
