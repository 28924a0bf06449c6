package dev.operators.permissionset.connection;

/** A connection's credentials cannot be found or read; the message names the Secret and key, never a value. */
public class CredentialsException extends RuntimeException {

  public CredentialsException(String message) {
    super(message);
  }
}
