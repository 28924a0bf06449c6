package dev.operators.permissionset.identitycenter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A call to the Identity Center failed. The {@link ErrorCategory} says whether trying again can help; the cloud's
 * own error code and message are kept for the user. Messages never carry credentials.
 */
public class IdentityCenterException extends RuntimeException {

  private final String operation;
  private final ErrorCategory category;
  private final int httpStatus;
  private final String errorCode;
  private final String cloudMessage;
  private final Duration retryAfter;
  private final String cloudRequestId;

  public IdentityCenterException(String operation, ErrorCategory category, int httpStatus, String errorCode,
      String cloudMessage, Duration retryAfter, Throwable cause) {
    this(operation, category, httpStatus, errorCode, cloudMessage, retryAfter, null, cause);
  }

  /**
   * @param operation the API operation, for example "ProvisionPermissionSet"
   * @param httpStatus the HTTP status, or 0 when no response arrived
   * @param errorCode the cloud's error code, or null when it sent none
   * @param cloudMessage the cloud's error message, or our description when it sent none
   * @param retryAfter how long the cloud asked us to wait, or null
   * @param cloudRequestId the cloud's ID of the failed call, which its support asks for, or null
   */
  public IdentityCenterException(String operation, ErrorCategory category, int httpStatus, String errorCode,
      String cloudMessage, Duration retryAfter, String cloudRequestId, Throwable cause) {
    super(describe(operation, httpStatus, errorCode, cloudMessage)
        + (cloudRequestId == null ? "" : " [request ID " + cloudRequestId + "]"), cause);
    this.operation = Objects.requireNonNull(operation, "operation");
    this.category = Objects.requireNonNull(category, "category");
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.cloudMessage = Objects.requireNonNull(cloudMessage, "cloudMessage");
    this.retryAfter = retryAfter;
    this.cloudRequestId = cloudRequestId;
  }

  private static String describe(String operation, int httpStatus, String errorCode, String cloudMessage) {
    StringBuilder text = new StringBuilder(operation).append(" failed");
    if (httpStatus > 0) {
      text.append(" with HTTP ").append(httpStatus);
    }
    if (errorCode != null && !errorCode.isBlank()) {
      text.append(" (").append(errorCode).append(')');
    }
    return text.append(": ").append(cloudMessage).toString();
  }

  public String operation() {
    return operation;
  }

  public ErrorCategory category() {
    return category;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  public String cloudMessage() {
    return cloudMessage;
  }

  /** The failure without the call's request ID: the same for every call that fails the same way. */
  public String summary() {
    return describe(operation, httpStatus, errorCode, cloudMessage);
  }

  public Optional<String> cloudRequestId() {
    return Optional.ofNullable(cloudRequestId);
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
