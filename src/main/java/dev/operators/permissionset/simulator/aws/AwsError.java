package dev.operators.permissionset.simulator.aws;

import java.util.List;

/**
 * An error answer in awsJson1_1's shape: {@code __type} (namespaced as the service does) and {@code Message}, 400 for
 * the client's errors and 500 for the service's.
 */
final class AwsError extends RuntimeException {

  static final String NAMESPACE = "com.amazonaws.swbexternalservice#";
  static final String INVALID_SECURITY_TOKEN = "The security token included in the request is invalid.";

  private final int httpStatus;
  private final String type;

  private AwsError(int httpStatus, String type, String message) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
    this.type = type;
  }

  static AwsError of(String type, String message) {
    return new AwsError(400, type, message);
  }

  static AwsError internal(String message) {
    return new AwsError(500, "InternalServerException", message);
  }

  /** AWS's validation message: {@code 1 validation error detected: ...}, the violations joined by "; ". */
  static AwsError validation(List<String> violations) {
    return of("ValidationException", violations.size() + " validation error" + (violations.size() == 1 ? "" : "s")
        + " detected: " + String.join("; ", violations));
  }

  static AwsError notFound(String message) {
    return of("ResourceNotFoundException", message);
  }

  static AwsError invalidSignature(String message) {
    return of("InvalidSignatureException", message);
  }

  int httpStatus() {
    return httpStatus;
  }

  String type() {
    return type;
  }
}
