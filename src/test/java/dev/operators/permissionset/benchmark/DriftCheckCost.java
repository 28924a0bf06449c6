package dev.operators.permissionset.benchmark;

import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * What the drift checks of settled resources cost: the ListAccountsForProvisionedPermissionSet calls the simulator
 * answered over a few of the operator's DRIFT_CHECK_INTERVALs once every resource was terminal, per permission set
 * and interval, and the share of the rate budget (calls per interval / (CLOUD_RATE_LIMIT × interval)) they take at
 * the measured interval and at the operator's defaults. A group is checked once per interval whatever the
 * interval, so the calls per interval carry over to the default interval.
 *
 * @param calls the drift checks' calls in the measured intervals, every page and every answer (429s included)
 * @param otherCalls calls of any other operation in those intervals: none, once settled
 */
record DriftCheckCost(int permissionSets, Duration interval, int intervals, long calls, long otherCalls,
    double rateLimit, Duration defaultInterval, double defaultRateLimit) {

  /** Waits one interval for the checks to spread, then counts over the intervals measured. */
  static DriftCheckCost measure(IdentityCenterSimulator simulator, BenchmarkParameters parameters, PrintStream out) {
    Duration interval = parameters.driftInterval();
    int intervals = BenchmarkParameters.DRIFT_INTERVALS_MEASURED;
    out.printf("Measuring the drift checks over %d intervals of %d ms, after one to let them spread...%n", intervals,
        interval.toMillis());
    LockSupport.parkNanos(interval.toNanos());
    RequestCounters.Snapshot before = simulator.counts();
    LockSupport.parkNanos(interval.multipliedBy(intervals).toNanos());
    RequestCounters.Snapshot after = simulator.counts();
    long calls = after.total(IdentityCenterSimulator.LIST_ACCOUNTS)
        - before.total(IdentityCenterSimulator.LIST_ACCOUNTS);
    long other = after.totalCalls() - before.totalCalls() - calls;
    OperatorConfig operator = OperatorConfig.fromEnvironment(parameters.operatorEnvironment());
    OperatorConfig defaults = OperatorConfig.fromEnvironment(Map.of());
    return new DriftCheckCost(parameters.permissionSets(), interval, intervals, calls, other,
        operator.cloudCallsPerSecond(), defaults.timing().driftCheckInterval(), defaults.cloudCallsPerSecond());
  }

  double callsPerInterval() {
    return (double) calls / intervals;
  }

  double callsPerPermissionSetPerInterval() {
    return callsPerInterval() / permissionSets;
  }

  /** Calls per interval / (rate limit × interval). */
  static double budgetShare(double callsPerInterval, double rateLimit, Duration interval) {
    return callsPerInterval / (rateLimit * interval.toNanos() / 1e9);
  }

  String table() {
    return String.format("Drift checks, settled, DRIFT_CHECK_INTERVAL %s, over %d intervals%n", interval, intervals)
        + String.format("  %-48s %d (%.1f per interval)%n", "ListAccountsForProvisionedPermissionSet calls", calls,
            callsPerInterval())
        + String.format("  %-48s %.2f (%d permission sets)%n", "per permission set per interval",
            callsPerPermissionSetPerInterval(), permissionSets)
        + String.format("  %-48s %d%n", "other calls in those intervals", otherCalls)
        + String.format("  %-48s %.2f%% (%.1f / (%.0f/s x %s))%n", "share of the rate budget, this run",
            100 * budgetShare(callsPerInterval(), rateLimit, interval), callsPerInterval(), rateLimit, interval)
        + String.format("  %-48s %.2f%% (%.1f / (%.0f/s x %s))%n", "share of the rate budget, defaults",
            100 * budgetShare(callsPerInterval(), defaultRateLimit, defaultInterval), callsPerInterval(),
            defaultRateLimit, defaultInterval);
  }
}
