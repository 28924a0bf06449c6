package dev.operators.permissionset.connection;

import java.time.Duration;
import java.util.Objects;

/**
 * How the connection controllers work.
 *
 * @param operatorNamespace where the Secrets of cluster connections are
 * @param checkInterval how often a connection is checked again, also one that a person must fix
 * @param retryInitial how soon a check that failed on something passing (the endpoint unreachable, throttled) is
 *     made again; the waits double up to {@code checkInterval}
 */
public record ConnectionSettings(String operatorNamespace, Duration checkInterval, Duration retryInitial) {

  public ConnectionSettings {
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(retryInitial, "retryInitial");
  }

  /** The wait after {@code failuresInARow} checks failed on something passing. */
  Duration retryAfter(int failuresInARow) {
    Duration wait = retryInitial.multipliedBy(1L << Math.min(Math.max(failuresInARow - 1, 0), 20));
    return wait.compareTo(checkInterval) < 0 ? wait : checkInterval;
  }
}
