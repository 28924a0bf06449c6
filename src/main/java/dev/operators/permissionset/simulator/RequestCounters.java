package dev.operators.permissionset.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts every call by operation and outcome, and every provision the simulator accepted, by what it provisions. */
public final class RequestCounters {

  /** The outcome of a call whose connection was closed without an answer, before it was read. */
  public static final String DROPPED = "dropped";
  /** The outcome of a provision whose connection was closed instead of answered, after it was accepted. */
  public static final String DROPPED_AFTER_ACCEPTING = "dropped after accepting";

  private final Map<String, Map<String, LongAdder>> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> acceptedProvisions = new ConcurrentHashMap<>();
  private final Map<String, Long> maxInFlight = new ConcurrentHashMap<>();
  private final LongAdder throttled = new LongAdder();

  void call(String operation, String outcome) {
    calls.computeIfAbsent(operation, o -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, o -> new LongAdder()).increment();
  }

  /** A call refused as throttled: 429 on Huawei Cloud, ThrottlingException (HTTP 400) on AWS. */
  void throttled() {
    throttled.increment();
  }

  /**
   * @param permissionSet {@code instance/permissionSet}
   * @param inFlight the requests for the permission set in progress once this one was accepted
   */
  void acceptedProvision(String key, String permissionSet, long inFlight) {
    acceptedProvisions.computeIfAbsent(key, k -> new LongAdder()).increment();
    maxInFlight.merge(permissionSet, inFlight, Math::max);
  }

  /** An immutable copy of the counts now. */
  public Snapshot snapshot() {
    Map<String, Map<String, Long>> byOperation = new TreeMap<>();
    calls.forEach((operation, outcomes) -> {
      Map<String, Long> counts = new TreeMap<>();
      outcomes.forEach((outcome, count) -> counts.put(outcome, count.sum()));
      byOperation.put(operation, Map.copyOf(counts));
    });
    Map<String, Long> accepted = new TreeMap<>();
    acceptedProvisions.forEach((key, count) -> accepted.put(key, count.sum()));
    return new Snapshot(Map.copyOf(byOperation), Map.copyOf(accepted), Map.copyOf(maxInFlight), throttled.sum());
  }

  public void reset() {
    calls.clear();
    acceptedProvisions.clear();
    maxInFlight.clear();
    throttled.reset();
  }

  /**
   * @param calls operation → outcome (the HTTP status as text, or {@link #DROPPED}) → count
   * @param acceptedProvisions {@code instance/permissionSet/target} → provisions accepted for it
   * @param maxInFlight {@code instance/permissionSet} → the most provisioning requests for it that were in progress
   *     at once
   * @param throttled the calls refused as throttled, by the rate limit or at random, whatever the cloud answers
   *     them with: on AWS a ThrottlingException shares its HTTP status, 400, with the caller's own errors
   */
  public record Snapshot(Map<String, Map<String, Long>> calls, Map<String, Long> acceptedProvisions,
      Map<String, Long> maxInFlight, long throttled) {

    public long count(String operation, String outcome) {
      return calls.getOrDefault(operation, Map.of()).getOrDefault(outcome, 0L);
    }

    public long total(String operation) {
      return calls.getOrDefault(operation, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalCalls() {
      return calls.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    public long acceptedProvisions(String instanceId, String permissionSetId, String target) {
      return acceptedProvisions.getOrDefault(provisionKey(instanceId, permissionSetId, target), 0L);
    }

    public long maxInFlight(String instanceId, String permissionSetId) {
      return maxInFlight.getOrDefault(instanceId + "/" + permissionSetId, 0L);
    }

    public long totalAcceptedProvisions() {
      return acceptedProvisions.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The key of accepted provisions: the target is the account ID, or ALL_PROVISIONED_ACCOUNTS. */
  public static String provisionKey(String instanceId, String permissionSetId, String target) {
    return instanceId + "/" + permissionSetId + "/" + target;
  }
}
