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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * The simulated service's data. Provisioning is asynchronous without any timer: a request is IN_PROGRESS until
 * its completion time on the clock, then SUCCEEDED, or FAILED when an account it targets is marked to fail.
 *
 * <p>Permission sets change: each has a revision, which {@link #touch} raises, and each account a set is provisioned
 * to holds the revision its last successful provisioning pushed, the one current when that request was made. An
 * account holding an older one is out of date. What a finished request did is applied to the accounts, under the
 * instance's lock, before anything reads or changes them.
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
      state.applyFinished(start);
      state.markOutOfDate(instance.outOfDate());
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
      instance.applyFinished(now);
      Copies copies = instance.copies(permissionSetId);
      int inProgress = (int) instance.requests.stream()
          .filter(r -> r.permissionSetId().equals(permissionSetId) && IN_PROGRESS.equals(r.status(now))).count();
      if (conflictWhenBusy && inProgress > 0) {
        throw new ServiceFault(ServiceFault.Kind.CONFLICT, permissionSetId);
      }
      String failureReason;
      List<String> targets;
      if (ACCOUNT.equals(targetType)) {
        Account account = instance.accounts.get(targetId);
        if (account == null) {
          throw new ServiceFault(ServiceFault.Kind.ACCOUNT_NOT_FOUND, targetId);
        }
        failureReason = account.failureReason();
        targets = List.of(targetId);
      } else {
        targets = List.copyOf(copies.held.keySet());
        failureReason = targets.stream().map(instance::failureReason)
            .filter(Objects::nonNull).findFirst().orElse(null);
      }
      ProvisioningRequest request = new ProvisioningRequest(instance.nextSeq++, UUID.randomUUID().toString(),
          instanceId, permissionSetId, targetType, targetId, now, now.plus(provisioningLatency), failureReason,
          inProgress + 1);
      instance.add(request, copies.revision, targets);
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

  /**
   * The accounts the permission set is provisioned to now, in the order they were first provisioned to: an account
   * keeps its place for good, since nothing unprovisions it.
   */
  List<ProvisionedAccount> provisionedAccounts(String instanceId, String permissionSetId) {
    InstanceState instance = instance(instanceId);
    instance.permissionSet(permissionSetId);
    synchronized (instance) {
      instance.applyFinished(now());
      Copies copies = instance.copies(permissionSetId);
      return copies.held.entrySet().stream()
          .map(held -> new ProvisionedAccount(held.getKey(), held.getValue() == copies.revision)).toList();
    }
  }

  /**
   * The permission set changed: its revision goes up, so every account it is provisioned to holds an out-of-date
   * copy, as does any account a request in progress now provisions.
   *
   * @return every account the set is provisioned to, all out of date now, in the order of the listing
   */
  List<String> touch(String instanceId, String permissionSetId) {
    InstanceState instance = instance(instanceId);
    instance.permissionSet(permissionSetId);
    synchronized (instance) {
      instance.applyFinished(now());
      Copies copies = instance.copies(permissionSetId);
      copies.revision++;
      return List.copyOf(copies.held.keySet());
    }
  }

  /** The instances that hold a permission set of this ID, in no particular order. */
  List<String> instancesWith(String permissionSetId) {
    return instances.values().stream().filter(instance -> instance.permissionSetsById.containsKey(permissionSetId))
        .map(instance -> instance.id).toList();
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

  /** An account a permission set is provisioned to, and whether it holds the set's current revision. */
  record ProvisionedAccount(String accountId, boolean latest) {
  }

  /** A permission set's revision, and the revision each account it is provisioned to holds, in listing order. */
  private static final class Copies {

    private long revision;
    private final Map<String, Long> held = new LinkedHashMap<>();
  }

  /**
   * A request whose outcome is not applied to the accounts yet.
   *
   * @param revision the permission set's revision when the request was made: the one it pushes
   * @param targets the accounts it provisions: its account, or those the set was provisioned to when it was made
   */
  private record Unapplied(ProvisioningRequest request, long revision, List<String> targets) {
  }

  private static final class InstanceState {

    private final String id;
    private final List<PermissionSet> permissionSets;
    private final Map<String, PermissionSet> permissionSetsById = new HashMap<>();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Copies> copies = new HashMap<>();
    private final List<ProvisioningRequest> requests = new ArrayList<>();
    private final Map<String, ProvisioningRequest> requestsById = new HashMap<>();
    private final List<Unapplied> unapplied = new ArrayList<>();
    private long nextSeq;

    InstanceState(SimulatorFixture.Instance fixture) {
      this.id = fixture.id();
      this.permissionSets = fixture.permissionSets();
      fixture.permissionSets().forEach(set -> permissionSetsById.put(set.id(), set));
      fixture.accounts().forEach(account -> accounts.put(account.id(), account));
      fixture.provisioned().forEach((permissionSetId, accountIds) ->
          accountIds.forEach(accountId -> copies(permissionSetId).held.putIfAbsent(accountId, 0L)));
    }

    Copies copies(String permissionSetId) {
      return copies.computeIfAbsent(permissionSetId, id -> new Copies());
    }

    /** Callers hold the instance's lock, or own it alone. */
    void add(ProvisioningRequest request, long revision, List<String> targets) {
      requests.add(request);
      requestsById.put(request.requestId(), request);
      unapplied.add(new Unapplied(request, revision, targets));
    }

    String failureReason(String accountId) {
      Account account = accounts.get(accountId);
      return account == null ? null : account.failureReason();
    }

    /**
     * Every request finished by now has its accounts hold the revision it pushed, unless they hold a later one; an
     * account the request FAILED on keeps what it held. Callers hold the instance's lock, or own it alone.
     */
    void applyFinished(Instant now) {
      for (Iterator<Unapplied> pending = unapplied.iterator(); pending.hasNext(); ) {
        Unapplied next = pending.next();
        if (IN_PROGRESS.equals(next.request().status(now))) {
          continue;
        }
        pending.remove();
        Map<String, Long> held = copies(next.request().permissionSetId()).held;
        for (String accountId : next.targets()) {
          if (failureReason(accountId) == null && (!ACCOUNT.equals(next.request().targetType())
              || SUCCEEDED.equals(next.request().status(now)))) {
            held.merge(accountId, next.revision(), Math::max);
          }
        }
      }
    }

    /**
     * The fixture's out-of-date accounts: each set with some has changed once since it was provisioned, so its other
     * accounts hold the new revision and these the first. Callers own the state alone.
     */
    void markOutOfDate(Map<String, List<String>> outOfDate) {
      outOfDate.forEach((permissionSetId, accountIds) -> {
        if (accountIds.isEmpty()) {
          return;
        }
        Copies set = copies(permissionSetId);
        set.revision = 1;
        set.held.replaceAll((accountId, revision) -> accountIds.contains(accountId) ? 0L : 1L);
      });
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
        add(request, 0, List.of(account.id()));
      }
    }

    PermissionSet permissionSet(String permissionSetId) {
      PermissionSet set = permissionSetsById.get(permissionSetId);
      if (set == null) {
        throw new ServiceFault(ServiceFault.Kind.PERMISSION_SET_NOT_FOUND, permissionSetId);
      }
      return set;
    }

  }
}
