package dev.operators.permissionset.simulator;

import static dev.operators.permissionset.simulator.ProvisioningRequest.ACCOUNT;
import static dev.operators.permissionset.simulator.ProvisioningRequest.IN_PROGRESS;
import static dev.operators.permissionset.simulator.ProvisioningRequest.SUCCEEDED;

import dev.operators.permissionset.simulator.SimulatorFixture.Account;
import dev.operators.permissionset.simulator.SimulatorFixture.PermissionSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The simulated service's data. Provisioning is asynchronous without any timer: a request is IN_PROGRESS until
 * its completion time on the clock, then SUCCEEDED, or FAILED when an account it targets is marked to fail.
 */
final class SimulatorState {

  /** How far apart the requests of a starting history were created. */
  static final Duration HISTORY_SPACING = Duration.ofMinutes(1);
  /**
   * How long before the start the history ends: it is the instance's past, older than the few minutes in which an
   * operator that lost a call's answer takes a request for the same permission set and target for its own.
   */
  static final Duration HISTORY_ENDS_BEFORE_START = Duration.ofMinutes(15);
  private static final Duration HISTORY_PROVISIONING_TIME = Duration.ofSeconds(3);
  /** Every tenth request of a starting history FAILED. */
  static final int HISTORY_FAILED_EVERY = 10;

  static final Comparator<ProvisioningRequest> OLDEST_FIRST =
      Comparator.comparing(ProvisioningRequest::createdAt).thenComparingLong(ProvisioningRequest::seq);

  private final Clock clock;
  private final Map<String, InstanceState> instances = new HashMap<>();
  private volatile Duration provisioningLatency;

  /**
   * @param history how many finished requests each instance starts with, spread over its permission sets and
   *     accounts at random (from {@code seed}), created one {@link #HISTORY_SPACING} apart, the last
   *     {@link #HISTORY_ENDS_BEFORE_START} before the start
   */
  SimulatorState(SimulatorFixture fixture, Clock clock, int history, long seed) {
    this.clock = clock;
    this.provisioningLatency = fixture.provisioningLatency();
    Random random = new Random(seed);
    Instant start = clock.instant();
    fixture.instances().forEach(instance -> {
      InstanceState state = new InstanceState(instance);
      state.addHistory(history, start, random);
      instances.put(instance.id(), state);
    });
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

  PermissionSet permissionSet(String instanceId, String permissionSetId) {
    return instance(instanceId).permissionSet(permissionSetId);
  }

  ProvisioningRequest provision(String instanceId, String permissionSetId, String targetType, String targetId,
      boolean conflictWhenBusy) {
    InstanceState instance = instance(instanceId);
    instance.permissionSet(permissionSetId);
    synchronized (instance) {
      Instant now = now();
      int inProgress = (int) instance.requests.stream()
          .filter(r -> r.permissionSetId().equals(permissionSetId) && IN_PROGRESS.equals(r.status(now))).count();
      if (conflictWhenBusy && inProgress > 0) {
        throw new ServiceFault(ServiceFault.Kind.CONFLICT, permissionSetId);
      }
      String failureReason;
      if (ACCOUNT.equals(targetType)) {
        Account account = instance.accounts.get(targetId);
        if (account == null) {
          throw new ServiceFault(ServiceFault.Kind.ACCOUNT_NOT_FOUND, targetId);
        }
        failureReason = account.failureReason();
      } else {
        failureReason = instance.provisionedAccounts(permissionSetId, now).stream()
            .map(instance.accounts::get).map(Account::failureReason)
            .filter(reason -> reason != null).findFirst().orElse(null);
      }
      ProvisioningRequest request = new ProvisioningRequest(instance.nextSeq++, UUID.randomUUID().toString(),
          instanceId, permissionSetId, targetType, targetId, now, now.plus(provisioningLatency), failureReason,
          inProgress + 1);
      instance.requests.add(request);
      instance.requestsById.put(request.requestId(), request);
      return request;
    }
  }

  ProvisioningRequest describe(String instanceId, String requestId) {
    InstanceState instance = instance(instanceId);
    synchronized (instance) {
      ProvisioningRequest request = instance.requestsById.get(requestId);
      if (request == null) {
        throw new ServiceFault(ServiceFault.Kind.REQUEST_NOT_FOUND, requestId);
      }
      return request;
    }
  }

  List<ProvisioningRequest> requests(String instanceId) {
    InstanceState instance = instance(instanceId);
    synchronized (instance) {
      return List.copyOf(instance.requests);
    }
  }

  /** The requests created at least {@code lag} ago: the ones a listing shows. */
  List<ProvisioningRequest> listedRequests(String instanceId, Duration lag) {
    Instant createdBy = now().minus(lag);
    return requests(instanceId).stream().filter(request -> !request.createdAt().isAfter(createdBy)).toList();
  }

  /** The accounts the permission set is provisioned to now, in a stable order. */
  List<String> provisionedAccounts(String instanceId, String permissionSetId) {
    InstanceState instance = instance(instanceId);
    instance.permissionSet(permissionSetId);
    synchronized (instance) {
      return List.copyOf(instance.provisionedAccounts(permissionSetId, now()));
    }
  }

  /** The request with this creation sequence number. */
  ProvisioningRequest request(String instanceId, long seq) {
    InstanceState instance = instance(instanceId);
    synchronized (instance) {
      return instance.requests.get((int) seq);
    }
  }

  private InstanceState instance(String instanceId) {
    InstanceState instance = instances.get(instanceId);
    if (instance == null) {
      throw new ServiceFault(ServiceFault.Kind.INSTANCE_NOT_FOUND, instanceId);
    }
    return instance;
  }

  private static final class InstanceState {

    private final String id;
    private final List<PermissionSet> permissionSets;
    private final Map<String, PermissionSet> permissionSetsById = new HashMap<>();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, List<String>> provisionedAtStart;
    private final List<ProvisioningRequest> requests = new ArrayList<>();
    private final Map<String, ProvisioningRequest> requestsById = new HashMap<>();
    private long nextSeq;

    InstanceState(SimulatorFixture.Instance fixture) {
      this.id = fixture.id();
      this.permissionSets = fixture.permissionSets();
      fixture.permissionSets().forEach(set -> permissionSetsById.put(set.id(), set));
      fixture.accounts().forEach(account -> accounts.put(account.id(), account));
      this.provisionedAtStart = fixture.provisioned();
    }

    /** Finished requests to random permission sets and accounts, the newest one spacing before the start. */
    void addHistory(int count, Instant start, Random random) {
      if (permissionSets.isEmpty() || accounts.isEmpty()) {
        return;
      }
      List<Account> accountList = List.copyOf(accounts.values());
      for (int i = 0; i < count; i++) {
        PermissionSet set = permissionSets.get(random.nextInt(permissionSets.size()));
        Account account = accountList.get(random.nextInt(accountList.size()));
        Instant created = start.minus(HISTORY_ENDS_BEFORE_START)
            .minus(HISTORY_SPACING.multipliedBy(count - 1L - i));
        // an account that cannot be provisioned never could: its history FAILED too
        String failureReason = account.failureReason() != null || (i + 1) % HISTORY_FAILED_EVERY == 0
            ? Objects.requireNonNullElse(account.failureReason(), "The permission set could not be provisioned to "
                + "account " + account.id() + ".")
            : null;
        ProvisioningRequest request = new ProvisioningRequest(nextSeq++,
            new UUID(random.nextLong(), random.nextLong()).toString(), id, set.id(), ACCOUNT, account.id(), created,
            created.plus(HISTORY_PROVISIONING_TIME), failureReason, 1);
        requests.add(request);
        requestsById.put(request.requestId(), request);
      }
    }

    PermissionSet permissionSet(String permissionSetId) {
      PermissionSet set = permissionSetsById.get(permissionSetId);
      if (set == null) {
        throw new ServiceFault(ServiceFault.Kind.PERMISSION_SET_NOT_FOUND, permissionSetId);
      }
      return set;
    }

    /** Callers hold the instance's lock. */
    Set<String> provisionedAccounts(String permissionSetId, Instant now) {
      Set<String> provisioned = new LinkedHashSet<>(provisionedAtStart.getOrDefault(permissionSetId, List.of()));
      for (ProvisioningRequest request : requests) {
        if (request.permissionSetId().equals(permissionSetId) && ACCOUNT.equals(request.targetType())
            && SUCCEEDED.equals(request.status(now))) {
          provisioned.add(request.accountId());
        }
      }
      return provisioned;
    }
  }
}
