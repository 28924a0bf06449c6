package dev.operators.permissionset.identitycenter;

/** Why a call failed, and so whether the same call can succeed later without a change of the request. */
public enum ErrorCategory {
  /** The cloud's rate limit answered (HTTP 429). */
  THROTTLED(true),
  /** A conflicting change is in progress, such as another provisioning of the same permission set (HTTP 409). */
  CONFLICT(true),
  /** The cloud failed (HTTP 5xx). */
  SERVER_ERROR(true),
  /** No usable answer arrived: connection refused or dropped, timeout, TLS failure. */
  UNAVAILABLE(true),
  /** The cloud answered with something we cannot read; a proxy or an outage page, usually. */
  INVALID_RESPONSE(true),
  /** The credentials were rejected (HTTP 401). Fixed outside the cluster, so worth retrying slowly. */
  AUTHENTICATION_FAILED(true),
  /** The credentials lack permission (HTTP 403). Fixed outside the cluster, so worth retrying slowly. */
  ACCESS_DENIED(true),
  /** The permission set does not exist in the instance. */
  PERMISSION_SET_NOT_FOUND(false),
  /** The target account does not exist or is not in the organization. */
  ACCOUNT_NOT_FOUND(false),
  /** Something else the call names does not exist: the instance, or the provisioning request. */
  NOT_FOUND(false),
  /** The cloud rejected the request's parameters (HTTP 400). */
  INVALID_REQUEST(false);

  private final boolean retryable;

  ErrorCategory(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
