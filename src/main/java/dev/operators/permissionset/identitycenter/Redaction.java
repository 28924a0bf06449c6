package dev.operators.permissionset.identitycenter;

import java.util.List;

/**
 * Takes the secrets out of a text the cloud or a proxy sent, before it reaches a message: a cloud may echo the
 * access key or the session token it rejected.
 */
public final class Redaction {

  private static final int MAX_MESSAGE_LENGTH = 500;

  private final List<String> secrets;

  /** @param secrets values that must never show in a message; empty ones are ignored */
  public Redaction(List<String> secrets) {
    this.secrets = secrets.stream().filter(secret -> !secret.isEmpty()).toList();
  }

  /** The text with every secret replaced and cut to a readable length; null stays null. */
  public String apply(String text) {
    if (text == null) {
      return null;
    }
    String redacted = text;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, "<redacted>");
    }
    return redacted.length() <= MAX_MESSAGE_LENGTH ? redacted : redacted.substring(0, MAX_MESSAGE_LENGTH) + "…";
  }
}
