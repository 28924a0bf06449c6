package dev.operators.permissionset.simulator;

import dev.operators.permissionset.simulator.IdentityCenterSimulator.ListOrder;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.PermissionSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The simulated service behind every protocol: who may act on what, provisioning and its life cycle, the listings
 * with their paging, order and lag, and the decisions of the faults. A protocol reads the call off the wire, asks
 * here, and writes the answer, or the {@link ServiceFault}, in its own shapes.
 */
public final class SimulatedIdentityCenter {

  /** Which copy of a permission set an account holds: the set's latest, or one from before it changed. */
  public enum Copy {
    LATEST,
    OUTDATED
  }

  private final SimulatorState state;
  private final Faults faults;
  private final Pager pager;
  private final RequestCounters counters;
  private final ListOrder listOrder;
  private final Duration listLag;

  SimulatedIdentityCenter(SimulatorState state, Faults faults, Pager pager, RequestCounters counters,
      ListOrder listOrder, Duration listLag) {
    this.state = state;
    this.faults = faults;
    this.pager = pager;
    this.counters = counters;
    this.listOrder = listOrder;
    this.listLag = listLag;
  }

  public Instant now() {
    return state.now();
  }

  /** Refuses a key pair that may not act on the instance; an instance nobody may act on is not found. */
  public void authorize(Credential caller, String instanceId) {
    if (!caller.instances().contains(instanceId)) {
      if (!state.hasInstance(instanceId)) {
        throw new ServiceFault(ServiceFault.Kind.INSTANCE_NOT_FOUND, instanceId);
      }
      throw new ServiceFault(ServiceFault.Kind.ACCESS_DENIED, instanceId);
    }
  }

  /** Refuses a key pair that may act on no instance: it may not list them either. */
  public void authorizeListing(Credential caller) {
    if (caller.instances().isEmpty()) {
      throw new ServiceFault(ServiceFault.Kind.ACCESS_DENIED, null);
    }
  }

  /** The instances the caller may act on, in the order of its credential; a key pair with none may not list. */
  public Page<String> instances(Credential caller, Optional<String> marker, int limit) {
    authorizeListing(caller);
    List<String> instanceIds = caller.instances().stream().filter(state::hasInstance).toList();
    Page<Integer> page = pager.page(IdentityCenterSimulator.LIST_INSTANCES + "/" + caller.accessKey(),
        indexes(instanceIds.size()), Comparator.naturalOrder(), Integer::longValue, index -> (int) index, marker,
        limit);
    return new Page<>(page.items().stream().map(instanceIds::get).toList(), page.nextMarker());
  }

  /** The instance's permission sets that pass the filter, in the fixture's order. */
  public Page<PermissionSet> permissionSets(String instanceId, Predicate<PermissionSet> filter,
      Optional<String> marker, int limit) {
    List<PermissionSet> all = state.permissionSets(instanceId);
    List<Integer> matching = IntStream.range(0, all.size()).boxed().filter(i -> filter.test(all.get(i))).toList();
    Page<Integer> page = pager.page(IdentityCenterSimulator.LIST_PERMISSION_SETS + "/" + instanceId, matching,
        Comparator.naturalOrder(), Integer::longValue, index -> (int) index, marker, limit);
    return new Page<>(page.items().stream().map(all::get).toList(), page.nextMarker());
  }

  public PermissionSet permissionSet(String instanceId, String permissionSetId) {
    return state.permissionSet(instanceId, permissionSetId);
  }

  /**
   * Accepts a provisioning, IN_PROGRESS for the provisioning latency; a second one of a permission set with one in
   * progress is a {@link ServiceFault.Kind#CONFLICT} while that fault is on.
   *
   * @param targetType {@link ProvisioningRequest#ACCOUNT} or {@link ProvisioningRequest#ALL_PROVISIONED_ACCOUNTS}
   * @param targetId the account, null for all provisioned accounts
   */
  public ProvisioningRequest provision(String instanceId, String permissionSetId, String targetType,
      String targetId) {
    ProvisioningRequest request = state.provision(instanceId, permissionSetId, targetType, targetId,
        faults.conflictOnConcurrentProvisioning());
    counters.acceptedProvision(RequestCounters.provisionKey(instanceId, permissionSetId,
        targetId == null ? ProvisioningRequest.ALL_PROVISIONED_ACCOUNTS : targetId),
        instanceId + "/" + permissionSetId, request.inFlight());
    return request;
  }

  public ProvisioningRequest describe(String instanceId, String requestId) {
    return state.describe(instanceId, requestId);
  }

  /**
   * The requests ListPermissionSetProvisioningStatus shows: those older than the list lag, with the status when
   * one is asked for, in the list order.
   */
  public Page<ProvisioningRequest> provisioningRequests(String instanceId, Optional<String> status,
      Optional<String> marker, int limit) {
    Instant now = state.now();
    Comparator<ProvisioningRequest> order = listOrder == ListOrder.OLDEST_FIRST
        ? SimulatorState.OLDEST_FIRST : SimulatorState.OLDEST_FIRST.reversed();
    List<ProvisioningRequest> matching = state.listedRequests(instanceId, listLag).stream()
        .filter(r -> status.map(r.status(now)::equals).orElse(true))
        .sorted(order)
        .toList();
    return pager.page(IdentityCenterSimulator.LIST_PROVISIONING + "/" + instanceId, matching, order,
        ProvisioningRequest::seq, seq -> state.request(instanceId, seq), marker, limit);
  }

  /**
   * The accounts the permission set is provisioned to, all or those holding the copy asked for, in the order they
   * were first provisioned to. A marker names an account's place in that order, which no change of copy moves.
   */
  public Page<String> provisionedAccounts(String instanceId, String permissionSetId, Optional<Copy> holding,
      Optional<String> marker, int limit) {
    List<SimulatorState.ProvisionedAccount> accounts = state.provisionedAccounts(instanceId, permissionSetId);
    List<Integer> matching = IntStream.range(0, accounts.size()).boxed()
        .filter(i -> holding.map(copy -> (copy == Copy.LATEST) == accounts.get(i).latest()).orElse(true))
        .toList();
    Page<Integer> page = pager.page(IdentityCenterSimulator.LIST_ACCOUNTS + "/" + instanceId + "/" + permissionSetId,
        matching, Comparator.naturalOrder(), Integer::longValue, index -> (int) index, marker, limit);
    return new Page<>(page.items().stream().map(i -> accounts.get(i).accountId()).toList(), page.nextMarker());
  }

  /**
   * The permission set changed, as a policy attached to it would change it: every account it is provisioned to
   * holds an out-of-date copy until a provisioning made from now on succeeds for it.
   *
   * @return the accounts the set is provisioned to, all of them out of date now
   */
  public List<String> touch(String instanceId, String permissionSetId) {
    return state.touch(instanceId, permissionSetId);
  }

  /** The instances holding a permission set of this ID: one, unless a fixture gave two instances the same IDs. */
  public List<String> instancesWith(String permissionSetId) {
    return state.instancesWith(permissionSetId);
  }

  /** A draw from the faults' seeded random source, for a protocol that picks among forms of one fault. */
  public int draw(int bound) {
    return faults.drawIndex(bound);
  }

  /** The rate limit in force, calls a second, 0 for none. */
  public int rateLimitPerSecond() {
    return faults.rateLimitPerSecond();
  }

  private static List<Integer> indexes(int size) {
    return IntStream.range(0, size).boxed().toList();
  }
}
