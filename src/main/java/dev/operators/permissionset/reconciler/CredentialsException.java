package dev.operators.permissionset.reconciler;

/** The credentials a resource needs cannot be found or read; the message names the Secret and key. */
public class CredentialsException extends RuntimeException {

  public CredentialsException(String message) {
    super(message);
  }
}
