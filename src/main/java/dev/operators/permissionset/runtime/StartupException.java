package dev.operators.permissionset.runtime;

/**
 * A reason the operator cannot start that a person can fix, such as a missing kubeconfig, CRD or RBAC grant. Its
 * message is one line that says what is wrong and how to fix it; no stack trace adds to it.
 */
public class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message);
  }
}
