package dev.operators.permissionset.config;

import java.time.Duration;

/**
 * How often the operator looks again: at a request in flight (poll), and after a failure that may pass (retry).
 * Each starts at its initial interval and backs off to its maximum. A request still in flight after
 * {@code provisioningTimeout} is reported as stalled.
 *
 * @param cloudListLag how long after its creation a provisioning request may still be missing from the cloud's
 *     lists: until then, not seeing it listed proves nothing
 * @param driftCheckInterval how often the cloud is asked whether the accounts hold the latest version of each
 *     permission set that settled resources provisioned
 */
public record Timing(Duration pollInitial, Duration pollMax, Duration retryInitial, Duration retryMax,
    Duration provisioningTimeout, Duration cloudListLag, Duration driftCheckInterval) {

  public Timing {
    if (pollMax.compareTo(pollInitial) < 0) {
      throw new ConfigurationException(OperatorConfig.POLL_MAX_INTERVAL + " must not be shorter than "
          + OperatorConfig.POLL_INITIAL_INTERVAL);
    }
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new ConfigurationException(OperatorConfig.RETRY_MAX_INTERVAL + " must not be shorter than "
          + OperatorConfig.RETRY_INITIAL_INTERVAL);
    }
  }
}
