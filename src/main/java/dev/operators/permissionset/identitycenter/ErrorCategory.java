package dev.operators.permissionset.identitycenter;

/** Why a call failed, and so whether the same call can succeed later without a change of the request. */
public enum ErrorCategory {
  /** The cloud's rate limit answered (HTTP 429). */
  THROTTLED(false),
  /** A conflicting change is in progress, such as another provisioning of the same permission set (HTTP 409). */
  CONFLICT(false),
  /** The cloud failed (HTTP 5xx). It may have acted on the call before it failed. */
  SERVER_ERROR(true),
  /** No usable answer arrived: connection refused or dropped, timeout, TLS failure. The call may have arrived. */
  UNAVAILABLE(true),
  /** The cloud answered with something we cannot read; a proxy or an outage page, usually, or a mangled success. */
  INVALID_RESPONSE(true),
  /** The credentials were rejected (HTTP 401). Fixed outside the cluster, so worth retrying slowly. */
  AUTHENTICATION_FAILED(false),
  /** The credentials lack permission (HTTP 403). Fixed outside the cluster, so worth retrying slowly. */
  ACCESS_DENIED(false),
  /** The permission set does not exist in the instance. */
  PERMISSION_SET_NOT_FOUND(false),
  /** The target account does not exist or is not in the organization. */
  ACCOUNT_NOT_FOUND(false),
  /** Something else the call names does not exist: the instance, or the provisioning request. */
  NOT_FOUND(false),
  /** The cloud rejected the request's parameters (HTTP 400). */
  INVALID_REQUEST(false);

  private final boolean mayHaveTakenEffect;

  ErrorCategory(boolean mayHaveTakenEffect) {
    this.mayHaveTakenEffect = mayHaveTakenEffect;
  }

  /**
   * Whether the cloud may have carried out the call although it failed: a write that failed this way must not be
   * sent again before the cloud has been asked whether it already took it.
   */
  public boolean mayHaveTakenEffect() {
    return mayHaveTakenEffect;
  }
}
