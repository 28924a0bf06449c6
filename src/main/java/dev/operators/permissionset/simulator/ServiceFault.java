package dev.operators.permissionset.simulator;

/**
 * A request the simulated service refuses for what it asks, whatever the protocol: each protocol answers it in its
 * own words. Carries no secrets: {@code subject} is an ID from the request.
 */
public final class ServiceFault extends RuntimeException {

  /** Why the service refuses. */
  public enum Kind {
    INSTANCE_NOT_FOUND,
    PERMISSION_SET_NOT_FOUND,
    ACCOUNT_NOT_FOUND,
    REQUEST_NOT_FOUND,
    /** A provisioning of the permission set is in progress and the fault that refuses a second one is on. */
    CONFLICT,
    /** The caller's key pair may not act on the instance (subject), or list instances (subject null). */
    ACCESS_DENIED,
    /** The marker does not have the form of one this simulator issues. */
    MARKER_MALFORMED,
    /** The marker has the right form, but this listing did not issue it. */
    MARKER_FOREIGN
  }

  private final Kind kind;
  private final String subject;

  public ServiceFault(Kind kind, String subject) {
    super(kind + (subject == null ? "" : " " + subject), null, false, false);
    this.kind = kind;
    this.subject = subject;
  }

  public Kind kind() {
    return kind;
  }

  /** The ID the fault is about, or null. */
  public String subject() {
    return subject;
  }
}
