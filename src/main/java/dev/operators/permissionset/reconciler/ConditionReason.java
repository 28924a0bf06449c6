package dev.operators.permissionset.reconciler;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every state a resource can be in, as the reason of its Ready, Reconciling and Stalled conditions, and how those
 * three read in that state. Reconciling=True means the operator is still working on it; Stalled=True means it
 * cannot get further without a change of the spec or of something outside the cluster (kstatus semantics).
 */
public enum ConditionReason {
  PROVISIONED("Provisioned", true, false, false, Retry.SPEC_CHANGE),
  PROVISIONING("Provisioning", false, true, false, Retry.SOON),
  WAITING_FOR_PERMISSION_SET("WaitingForPermissionSet", false, true, false, Retry.SOON),
  PROVISIONING_FAILED("ProvisioningFailed", false, false, true, Retry.SPEC_CHANGE),
  PROVISIONING_TIMED_OUT("ProvisioningTimedOut", false, false, true, Retry.SOON),
  INVALID_SPEC("InvalidSpec", false, false, true, Retry.SPEC_CHANGE),
  PERMISSION_SET_NOT_FOUND("PermissionSetNotFound", false, false, true, Retry.SLOWLY),
  ACCOUNT_NOT_FOUND("AccountNotFound", false, false, true, Retry.SLOWLY),
  RESOURCE_NOT_FOUND("ResourceNotFound", false, false, true, Retry.SLOWLY),
  REQUEST_REJECTED("RequestRejected", false, false, true, Retry.SPEC_CHANGE),
  REQUEST_NOT_FOUND("RequestNotFound", false, false, true, Retry.SPEC_CHANGE),
  THROTTLED("Throttled", false, true, false, Retry.SOON),
  CONFLICT("Conflict", false, true, false, Retry.SOON),
  CLOUD_UNAVAILABLE("CloudUnavailable", false, true, false, Retry.SOON),
  AUTHENTICATION_FAILED("AuthenticationFailed", false, false, true, Retry.SOON),
  ACCESS_DENIED("AccessDenied", false, false, true, Retry.SOON),
  /** The connection is being checked, or cannot reach the cloud for now. */
  CONNECTION_NOT_READY("ConnectionNotReady", false, true, false, Retry.SOON),
  /** The connection is missing, or not Ready for a reason a person must fix. */
  CONNECTION_NOT_READY_NEEDS_PERSON("ConnectionNotReady", false, false, true, Retry.SOON),
  /** The ClusterIdentityCenterConnection does not admit the resource's namespace. */
  NAMESPACE_NOT_ALLOWED("NamespaceNotAllowed", false, false, true, Retry.SOON);

  /** What makes the operator ask the cloud again in this state. */
  private enum Retry {
    /** Its own schedule or an event: backoff, polls, turns, a fixed Secret. */
    SOON,
    /** Only a new spec: nothing else can change the outcome. */
    SPEC_CHANGE,
    /**
     * The cloud did not know something the spec names, which another tool may create a minute later: looked for
     * again slowly, from a minute between looks doubling to half an hour.
     */
    SLOWLY
  }

  private final String reason;
  private final boolean ready;
  private final boolean reconciling;
  private final boolean stalled;
  private final Retry retry;

  ConditionReason(String reason, boolean ready, boolean reconciling, boolean stalled, Retry retry) {
    this.reason = reason;
    this.ready = ready;
    this.reconciling = reconciling;
    this.stalled = stalled;
    this.retry = retry;
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
    return retry == Retry.SPEC_CHANGE && stalled;
  }

  /** Whether the cloud is asked again only slowly, for something it did not know. */
  public boolean looksAgainSlowly() {
    return retry == Retry.SLOWLY;
  }

  /**
   * Whether a resource in this state, with an intent recorded or a request in flight, still holds its turn at the
   * permission set: it is working on it, not stalled and not waiting in line.
   */
  public boolean holdsTurn() {
    return reconciling && this != WAITING_FOR_PERMISSION_SET && this != CONNECTION_NOT_READY;
  }
}
