package dev.operators.permissionset.simulator;

import dev.operators.permissionset.simulator.SimulatorFixture.Account;
import dev.operators.permissionset.simulator.SimulatorFixture.PermissionSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * The simulated service's data. Provisioning is asynchronous without any timer: a request is IN_PROGRESS until
 * its completion time on the clock, then SUCCEEDED, or FAILED when an account it targets is marked to fail.
 */
final class SimulatorState {

  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String SUCCEEDED = "SUCCEEDED";
  static final String FAILED = "FAILED";
  static final String ACCOUNT = "ACCOUNT";
  static final String ALL_PROVISIONED_ACCOUNTS = "ALL_PROVISIONED_ACCOUNTS";
  private static final Pattern MARKER = Pattern.compile("^[0-9a-f]{24}$");

  private final Clock clock;
  private final Map<String, InstanceState> instances = new HashMap<>();
  private volatile Duration provisioningLatency;

  SimulatorState(SimulatorFixture fixture, Clock clock) {
    this.clock = clock;
    this.provisioningLatency = fixture.provisioningLatency();
    fixture.instances().forEach(instance -> instances.put(instance.id(), new InstanceState(instance)));
  }

  /**
   * A provisioning request; its status is a function of the time.
   *
   * @param inFlight how many requests for its permission set were in progress when it was accepted, itself included
   */
  record Request(long seq, String requestId, String instanceId, String permissionSetId, String targetType,
      String accountId, Instant createdAt, Instant completesAt, String failureReason, int inFlight) {

    String status(Instant now) {
      if (now.isBefore(completesAt)) {
        return IN_PROGRESS;
      }
      return failureReason == null ? SUCCEEDED : FAILED;
    }
  }

  /** One page of a listing and the marker of the next, when there is one. */
  record Page<T>(List<T> items, String nextMarker) {
  }

  void provisioningLatency(Duration latency) {
    this.provisioningLatency = latency;
  }

  Instant now() {
    return clock.instant();
  }

  boolean hasInstance(String instanceId) {
    return instances.containsKey(instanceId);
  }

  List<PermissionSet> permissionSets(String instanceId) {
    return instance(instanceId).permissionSets;
  }

  void requirePermissionSet(String instanceId, String permissionSetId) {
    instance(instanceId).permissionSet(permissionSetId);
  }

  Request provision(String instanceId, String permissionSetId, String targetType, String targetId,
      boolean conflictWhenBusy) {
    InstanceState instance = instance(instanceId);
    instance.permissionSet(permissionSetId);
    synchronized (instance) {
      Instant now = now();
      int inProgress = (int) instance.requests.stream()
          .filter(r -> r.permissionSetId().equals(permissionSetId) && IN_PROGRESS.equals(r.status(now))).count();
      if (conflictWhenBusy && inProgress > 0) {
        throw SimulatorError.service(409, "IIC.1006", "Concurrency conflicts. Try again later.");
      }
      String failureReason;
      if (ACCOUNT.equals(targetType)) {
        Account account = instance.accounts.get(targetId);
        if (account == null) {
          throw SimulatorError.service(400, "IIC.1210", "Account not found.");
        }
        failureReason = account.failureReason();
      } else {
        failureReason = instance.provisionedAccounts(permissionSetId, now).stream()
            .map(instance.accounts::get).map(Account::failureReason)
            .filter(reason -> reason != null).findFirst().orElse(null);
      }
      Request request = new Request(instance.nextSeq++, UUID.randomUUID().toString(), instanceId, permissionSetId,
          targetType, targetId, now, now.plus(provisioningLatency), failureReason, inProgress + 1);
      instance.requests.add(request);
      instance.requestsById.put(request.requestId(), request);
      return request;
    }
  }

  Request describe(String instanceId, String requestId) {
    InstanceState instance = instance(instanceId);
    synchronized (instance) {
      Request request = instance.requestsById.get(requestId);
      if (request == null) {
        throw SimulatorError.notFound("provisioning request " + requestId + ".");
      }
      return request;
    }
  }

  List<Request> requests(String instanceId) {
    InstanceState instance = instance(instanceId);
    synchronized (instance) {
      return List.copyOf(instance.requests);
    }
  }

  /** The accounts the permission set is provisioned to now, in a stable order. */
  List<String> provisionedAccounts(String instanceId, String permissionSetId) {
    InstanceState instance = instance(instanceId);
    instance.permissionSet(permissionSetId);
    synchronized (instance) {
      return List.copyOf(instance.provisionedAccounts(permissionSetId, now()));
    }
  }

  /** Items from the marker on, at most {@code limit}; markers are the 24-hex sequence number of the first item. */
  static <T> Page<T> page(List<T> ordered, ToLongFunction<T> seq, Optional<String> marker, int limit) {
    long from = marker.map(SimulatorState::decodeMarker).orElse(0L);
    List<T> items = new ArrayList<>();
    String next = null;
    for (T item : ordered) {
      if (seq.applyAsLong(item) < from) {
        continue;
      }
      if (items.size() == limit) {
        next = String.format("%024x", seq.applyAsLong(item));
        break;
      }
      items.add(item);
    }
    return new Page<>(items, next);
  }

  static void validateMarker(String marker) {
    if (!MARKER.matcher(marker).matches()) {
      throw SimulatorError.badRequest("marker must be the 24-character next_marker of an earlier page.");
    }
  }

  private static long decodeMarker(String marker) {
    validateMarker(marker);
    return Long.parseUnsignedLong(marker.substring(8), 16);
  }

  private InstanceState instance(String instanceId) {
    InstanceState instance = instances.get(instanceId);
    if (instance == null) {
      throw SimulatorError.notFound("instance " + instanceId + ".");
    }
    return instance;
  }

  private static final class InstanceState {

    private final List<PermissionSet> permissionSets;
    private final Map<String, PermissionSet> permissionSetsById = new HashMap<>();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, List<String>> provisionedAtStart;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Request> requestsById = new HashMap<>();
    private long nextSeq;

    InstanceState(SimulatorFixture.Instance fixture) {
      this.permissionSets = fixture.permissionSets();
      fixture.permissionSets().forEach(set -> permissionSetsById.put(set.id(), set));
      fixture.accounts().forEach(account -> accounts.put(account.id(), account));
      this.provisionedAtStart = fixture.provisioned();
    }

    PermissionSet permissionSet(String permissionSetId) {
      PermissionSet set = permissionSetsById.get(permissionSetId);
      if (set == null) {
        throw SimulatorError.service(404, "IIC.1205", "The permission set does not exist.");
      }
      return set;
    }

    /** Callers hold the instance's lock. */
    Set<String> provisionedAccounts(String permissionSetId, Instant now) {
      Set<String> provisioned = new LinkedHashSet<>(provisionedAtStart.getOrDefault(permissionSetId, List.of()));
      for (Request request : requests) {
        if (request.permissionSetId().equals(permissionSetId) && ACCOUNT.equals(request.targetType())
            && SUCCEEDED.equals(request.status(now))) {
          provisioned.add(request.accountId());
        }
      }
      return provisioned;
    }
  }
}
