package dev.operators.permissionset.api;

/**
 * Why the API server would reject a resource: the field it would name (for example {@code spec.instanceId}), the
 * schema keyword that failed ({@code required}, {@code pattern}, ..., or {@value #VALIDATION_RULE} for a CEL rule)
 * and the message.
 */
record Violation(String field, String keyword, String message) {

  static final String VALIDATION_RULE = "x-kubernetes-validations";

  @Override
  public String toString() {
    return field + " (" + keyword + "): " + message;
  }
}
