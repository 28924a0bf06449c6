package dev.operators.permissionset.drift;

/** A drift check could not be made; the message says why, for people, and never holds a secret. */
public class DriftCheckException extends RuntimeException {

  public DriftCheckException(String message) {
    super(message);
  }
}
