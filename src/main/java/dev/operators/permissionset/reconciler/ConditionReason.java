package dev.operators.permissionset.reconciler;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every state a resource can be in, as the reason of its Ready, Reconciling and Stalled conditions, and how those
 * three read in that state. Reconciling=True means the operator is still working on it; Stalled=True means it
 * cannot get further without a change of the spec or of something outside the cluster (kstatus semantics).
 */
public enum ConditionReason {
  PROVISIONED("Provisioned", true, false, false, false),
  PROVISIONING("Provisioning", false, true, false, false),
  WAITING_FOR_PERMISSION_SET("WaitingForPermissionSet", false, true, false, false),
  PROVISIONING_FAILED("ProvisioningFailed", false, false, true, true),
  PROVISIONING_TIMED_OUT("ProvisioningTimedOut", false, false, true, false),
  INVALID_SPEC("InvalidSpec", false, false, true, true),
  PERMISSION_SET_NOT_FOUND("PermissionSetNotFound", false, false, true, true),
  ACCOUNT_NOT_FOUND("AccountNotFound", false, false, true, true),
  RESOURCE_NOT_FOUND("ResourceNotFound", false, false, true, true),
  REQUEST_REJECTED("RequestRejected", false, false, true, true),
  REQUEST_NOT_FOUND("RequestNotFound", false, false, true, true),
  THROTTLED("Throttled", false, true, false, false),
  CONFLICT("Conflict", false, true, false, false),
  CLOUD_UNAVAILABLE("CloudUnavailable", false, true, false, false),
  AUTHENTICATION_FAILED("AuthenticationFailed", false, false, true, false),
  ACCESS_DENIED("AccessDenied", false, false, true, false),
  CREDENTIALS_UNAVAILABLE("CredentialsUnavailable", false, false, true, false);

  private final String reason;
  private final boolean ready;
  private final boolean reconciling;
  private final boolean stalled;
  private final boolean waitsForSpecChange;

  ConditionReason(String reason, boolean ready, boolean reconciling, boolean stalled, boolean waitsForSpecChange) {
    this.reason = reason;
    this.ready = ready;
    this.reconciling = reconciling;
    this.stalled = stalled;
    this.waitsForSpecChange = waitsForSpecChange;
  }

  public static Optional<ConditionReason> fromReason(String reason) {
    return Arrays.stream(values()).filter(value -> value.reason.equals(reason)).findFirst();
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

  /** Whether nothing but a new spec can change the outcome, so the operator does not call the cloud again. */
  public boolean waitsForSpecChange() {
    return waitsForSpecChange;
  }
}
