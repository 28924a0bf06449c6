package dev.operators.permissionset.simulator;

/**
 * One cloud's wire protocol over the {@link SimulatedIdentityCenter}: it routes a call to an operation, checks its
 * signature, reads its input and writes the answers, errors and the faults' refusals in that cloud's shapes. The
 * simulator runs the faults, counts the calls and sends the replies.
 */
public interface Protocol {

  /** Why the simulator refuses a call before its protocol serves it. */
  enum Refusal {
    /** The request line, headers or body framing are no HTTP/1.1. */
    MALFORMED,
    BODY_TOO_LARGE,
    /** The throttling fault drew this call. */
    THROTTLED,
    /** The call is past the rate limit of this second. */
    RATE_LIMITED,
    /** The server-error fault drew this call. */
    SERVER_ERROR,
    /** The simulator itself failed on the call. */
    INTERNAL_ERROR
  }

  /**
   * The operation a call asks for, by its method, path and headers, before its body is read: one of the
   * operation names of {@link IdentityCenterSimulator}, or {@link IdentityCenterSimulator#UNKNOWN_API}.
   */
  String operation(HttpCall call);

  /** Serves a call that got past the faults: its answer, errors included. */
  Reply serve(HttpCall call, String operation, byte[] body);

  Reply refuse(String operation, Refusal refusal);
}
