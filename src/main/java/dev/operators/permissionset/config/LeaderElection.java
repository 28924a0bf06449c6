package dev.operators.permissionset.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether replicas elect a leader on a Lease, and its timing. Only the replica holding the Lease reconciles; the
 * others keep their caches warm and take over when the Lease runs out.
 *
 * @param leaseNamespace where the Lease lives; empty means the namespace of the operator's Kubernetes client
 *     configuration (the pod's namespace in a cluster)
 * @param leaseDuration how long a standby waits after the last renewal before it takes the Lease
 * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod how often every replica tries to take or renew the Lease
 */
public record LeaderElection(boolean enabled, String leaseName, Optional<String> leaseNamespace,
    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

  public static final String DEFAULT_LEASE_NAME = "permission-set-operator";

  public LeaderElection {
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new ConfigurationException(OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE + " must be shorter than "
          + OperatorConfig.LEADER_ELECTION_LEASE_DURATION);
    }
    if (retryPeriod.compareTo(renewDeadline) >= 0) {
      throw new ConfigurationException(OperatorConfig.LEADER_ELECTION_RETRY_PERIOD + " must be shorter than "
          + OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE);
    }
  }
}
