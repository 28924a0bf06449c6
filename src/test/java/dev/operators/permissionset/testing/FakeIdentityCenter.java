package dev.operators.permissionset.testing;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory Identity Center for reconciler tests. Each provision answers with the next scripted outcome (a
 * status, or a failure to throw), IN_PROGRESS when the script ran out; requests keep their status until the test
 * moves them on ({@link #finish}, {@link #fail}), and the lists and describes tell it.
 *
 * <p>A permission set is provisioned to the accounts of its SUCCEEDED requests and to those marked {@link #outOfDate};
 * a marked account is up to date again once a request to it (or to all provisioned accounts) made after the mark
 * SUCCEEDED, as the simulator's accounts are.
 */
public final class FakeIdentityCenter implements IdentityCenterClientFactory, IdentityCenterClient {

  /** One scripted answer: a status to report, or a failure to throw. */
  public record Outcome(ProvisioningStatus status, String reportedStatus, String failureReason,
      IdentityCenterException failure) {

    public static Outcome status(ProvisioningStatus status) {
      return new Outcome(status, status.name(), null, null);
    }

    public static Outcome failed(String reason) {
      return new Outcome(ProvisioningStatus.FAILED, "FAILED", reason, null);
    }

    public static Outcome unknownStatus(String reportedStatus) {
      return new Outcome(ProvisioningStatus.IN_PROGRESS, reportedStatus, null, null);
    }

    public static Outcome error(IdentityCenterException failure) {
      return new Outcome(null, null, null, failure);
    }

    /** The cloud takes the call, and the answer is lost on the way back: the request exists, the caller can't tell. */
    public static Outcome acceptedButAnswerLost() {
      return new Outcome(ProvisioningStatus.IN_PROGRESS, "IN_PROGRESS", null, new IdentityCenterException(
          "ProvisionPermissionSet", ErrorCategory.UNAVAILABLE, 0, null, "connection reset", null, null));
    }
  }

  /** The endpoint of the default connection of {@link TestOperators}: the fake answers on any. */
  public static final CloudEndpoint DEFAULT_ENDPOINT =
      new CloudEndpoint(URI.create("https://identitycenter.fake"), Optional.empty(), false);

  /** A provision call as the fake received it; credentials and endpoint are null when made on the fake itself. */
  public record ProvisionCall(String instanceId, String permissionSetId, ProvisioningTarget target,
      CloudCredentials credentials, CloudEndpoint endpoint) {
  }

  /** A ListAccountsForProvisionedPermissionSet call as the fake received it. */
  public record AccountListing(String instanceId, String permissionSetId,
      Optional<AccountProvisioningStatus> status) {
  }

  /** @param seq when it was made, in the order of requests and out-of-date marks */
  private record Request(String requestId, String permissionSetId, ProvisioningTarget target, Outcome outcome,
      Instant createdAt, long seq) {
  }

  private final Map<String, PermissionSet> permissionSets = new ConcurrentHashMap<>();
  private final Deque<Outcome> provisionScript = new ArrayDeque<>();
  private final Map<String, Request> requests = new ConcurrentHashMap<>();
  private final List<ProvisionCall> provisionCalls = new CopyOnWriteArrayList<>();
  private final List<String> describeCalls = new CopyOnWriteArrayList<>();
  private final List<AccountListing> accountListings = new CopyOnWriteArrayList<>();
  /** Permission set → out-of-date account → the sequence number of its mark. */
  private final Map<String, Map<String, Long>> outOfDate = new HashMap<>();
  /** Permission set → every account ever marked: provisioned to, up to date or not. */
  private final Map<String, Set<String>> marked = new HashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final List<CloudEndpoint> callEndpoints = new CopyOnWriteArrayList<>();
  private final AtomicInteger listCalls = new AtomicInteger();
  private final AtomicInteger nameLookups = new AtomicInteger();
  private final AtomicInteger accessChecks = new AtomicInteger();
  private final AtomicInteger mostInFlightAtProvision = new AtomicInteger();
  private volatile Duration listLag = Duration.ZERO;
  private volatile CountDownLatch answersHeld = new CountDownLatch(0);
  private volatile IdentityCenterException accessFailure;
  private volatile IdentityCenterException accountListingFailure;

  public FakeIdentityCenter withPermissionSet(String id, String name) {
    permissionSets.put(id, new PermissionSet(id, name, Optional.empty()));
    return this;
  }

  /** Lists show a request only this long after it was created, as lagging lists of a real cloud do. */
  public FakeIdentityCenter withListLag(Duration lag) {
    listLag = lag;
    return this;
  }

  /** Every access check fails with this from now on; null lets them succeed again. */
  public FakeIdentityCenter onCheckAccess(IdentityCenterException failure) {
    accessFailure = failure;
    return this;
  }

  /** Every listing of accounts fails with this from now on; null lets them succeed again. */
  public FakeIdentityCenter onListAccounts(IdentityCenterException failure) {
    accountListingFailure = failure;
    return this;
  }

  /**
   * The permission set changed after it was provisioned to these accounts: they are provisioned to and hold an
   * out-of-date copy until a request to them made from now on SUCCEEDS.
   */
  public FakeIdentityCenter outOfDate(String permissionSetId, String... accountIds) {
    long mark = sequence.incrementAndGet();
    synchronized (outOfDate) {
      Map<String, Long> accounts = outOfDate.computeIfAbsent(permissionSetId, id -> new LinkedHashMap<>());
      for (String accountId : accountIds) {
        accounts.put(accountId, mark);
      }
      marked.computeIfAbsent(permissionSetId, id -> new LinkedHashSet<>()).addAll(List.of(accountIds));
    }
    return this;
  }

  /** Provision calls take effect at once but answer only once {@code release} is counted down. */
  public FakeIdentityCenter holdProvisionAnswersUntil(CountDownLatch release) {
    answersHeld = release;
    return this;
  }

  /** The request the fake holds for this permission set and target, the latest if several. */
  public Optional<String> requestOf(String permissionSetId, ProvisioningTarget target) {
    return requests.values().stream()
        .filter(request -> request.permissionSetId().equals(permissionSetId) && request.target().equals(target))
        .max(Comparator.comparing(Request::createdAt)).map(Request::requestId);
  }

  public synchronized FakeIdentityCenter onProvision(Outcome... outcomes) {
    provisionScript.addAll(List.of(outcomes));
    return this;
  }

  /** Records a request as if an earlier run of the operator had made it. */
  public String existingRequest(String permissionSetId, ProvisioningTarget target, ProvisioningStatus status) {
    String requestId = UUID.randomUUID().toString();
    Request request = new Request(requestId, permissionSetId, target, Outcome.status(status), Instant.now(),
        sequence.incrementAndGet());
    requests.put(requestId, request);
    bringUpToDate(request);
    return requestId;
  }

  /** The request's status from now on, as if the cloud had moved on. */
  public void finish(String requestId, ProvisioningStatus status) {
    moveOn(requestId, Outcome.status(status));
  }

  /** The request FAILED, for this reason, from now on. */
  public void fail(String requestId, String reason) {
    moveOn(requestId, Outcome.failed(reason));
  }

  private void moveOn(String requestId, Outcome outcome) {
    Request moved = requests.computeIfPresent(requestId, (id, request) -> new Request(id, request.permissionSetId(),
        request.target(), outcome, request.createdAt(), request.seq()));
    if (moved != null) {
      bringUpToDate(moved);
    }
  }

  /** A SUCCEEDED request clears the out-of-date marks its target had before it was made. */
  private void bringUpToDate(Request request) {
    if (request.outcome().status() != ProvisioningStatus.SUCCEEDED) {
      return;
    }
    synchronized (outOfDate) {
      Map<String, Long> accounts = outOfDate.get(request.permissionSetId());
      if (accounts == null) {
        return;
      }
      accounts.entrySet().removeIf(mark -> mark.getValue() < request.seq()
          && request.target().accountId().map(mark.getKey()::equals).orElse(true));
    }
  }

  /** The most requests of one permission set that were in progress when another provision call came. */
  public int mostInFlightAtProvision() {
    return mostInFlightAtProvision.get();
  }

  public int nameLookups() {
    return nameLookups.get();
  }

  public int accessChecks() {
    return accessChecks.get();
  }

  public int listCalls() {
    return listCalls.get();
  }

  public List<ProvisionCall> provisionCalls() {
    return List.copyOf(provisionCalls);
  }

  public List<String> describeCalls() {
    return List.copyOf(describeCalls);
  }

  /** Every listing of accounts, in the order the calls came. */
  public List<AccountListing> accountListings() {
    return List.copyOf(accountListings);
  }

  /** The endpoint of every call made through a client of the factory, in the order the calls came. */
  public List<CloudEndpoint> callEndpoints() {
    return List.copyOf(callEndpoints);
  }

  /** A client that records its endpoint and the credentials of its provision calls, on whichever thread. */
  @Override
  public IdentityCenterClient forConnection(CloudAccess access) {
    CloudEndpoint endpoint = access.endpoint();
    CloudCredentials credentials = access instanceof CloudAccess.Huawei huawei ? huawei.credentials()
        : ((CloudAccess.Aws) access).keys().orElse(CloudCredentials.of("", ""));
    FakeIdentityCenter cloud = this;
    return new IdentityCenterClient() {
      @Override
      public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
        callEndpoints.add(endpoint);
        return cloud.provision(instanceId, permissionSetId, target, credentials, endpoint);
      }

      @Override
      public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
        callEndpoints.add(endpoint);
        return cloud.describeProvisioning(instanceId, requestId);
      }

      @Override
      public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
          Optional<String> marker) {
        callEndpoints.add(endpoint);
        return cloud.listProvisioning(instanceId, status, marker);
      }

      @Override
      public Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
          Optional<AccountProvisioningStatus> status, Optional<String> marker) {
        callEndpoints.add(endpoint);
        return cloud.listAccountsForProvisionedPermissionSet(instanceId, permissionSetId, status, marker);
      }

      @Override
      public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
        callEndpoints.add(endpoint);
        return cloud.findPermissionSetByName(instanceId, name);
      }

      @Override
      public void checkAccess() {
        cloud.checkAccess();
      }
    };
  }

  @Override
  public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
    return provision(instanceId, permissionSetId, target, null, null);
  }

  private ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target,
      CloudCredentials credentials, CloudEndpoint endpoint) {
    provisionCalls.add(new ProvisionCall(instanceId, permissionSetId, target, credentials, endpoint));
    int inFlight = (int) requests.values().stream().filter(r -> r.permissionSetId().equals(permissionSetId)
        && r.outcome().status() == ProvisioningStatus.IN_PROGRESS).count();
    mostInFlightAtProvision.accumulateAndGet(inFlight, Math::max);
    Outcome outcome = nextScripted(Outcome.status(ProvisioningStatus.IN_PROGRESS));
    if (outcome.failure() != null && outcome.status() == null) {
      throw outcome.failure();
    }
    Outcome taken = new Outcome(outcome.status(), outcome.reportedStatus(), outcome.failureReason(), null);
    Request request = new Request(UUID.randomUUID().toString(), permissionSetId, target, taken, Instant.now(),
        sequence.incrementAndGet());
    requests.put(request.requestId(), request);
    bringUpToDate(request);
    try {
      answersHeld.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while holding the answer", e);
    }
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
    return view(request);
  }

  @Override
  public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
    describeCalls.add(requestId);
    Request known = requests.get(requestId);
    if (known == null) {
      throw new IdentityCenterException("DescribePermissionSetProvisioningStatus",
          ErrorCategory.NOT_FOUND, 404, "IIC.404",
          "Not Found: request " + requestId, null, null);
    }
    return view(known);
  }

  @Override
  public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
      Optional<String> marker) {
    listCalls.incrementAndGet();
    List<ProvisioningSummary> summaries = new ArrayList<>();
    Instant listedUpTo = Instant.now().minus(listLag);
    for (Request request : requests.values()) {
      if (request.outcome().status() != null && !request.createdAt().isAfter(listedUpTo)
          && status.map(wanted -> wanted == request.outcome().status()).orElse(true)) {
        summaries.add(new ProvisioningSummary(request.requestId(), request.outcome().status(),
            request.outcome().reportedStatus(), Optional.of(request.createdAt())));
      }
    }
    return new Page<>(summaries, Optional.empty());
  }

  /** One page with every matching account: those of SUCCEEDED account requests in their order, then marked ones. */
  @Override
  public Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
      Optional<AccountProvisioningStatus> status, Optional<String> marker) {
    accountListings.add(new AccountListing(instanceId, permissionSetId, status));
    IdentityCenterException failure = accountListingFailure;
    if (failure != null) {
      throw failure;
    }
    Set<String> provisioned = new LinkedHashSet<>();
    requests.values().stream()
        .filter(request -> request.permissionSetId().equals(permissionSetId)
            && request.outcome().status() == ProvisioningStatus.SUCCEEDED)
        .sorted(Comparator.comparingLong(Request::seq))
        .forEach(request -> request.target().accountId().ifPresent(provisioned::add));
    Set<String> stale;
    synchronized (outOfDate) {
      stale = Set.copyOf(outOfDate.getOrDefault(permissionSetId, Map.of()).keySet());
      provisioned.addAll(marked.getOrDefault(permissionSetId, Set.of()));
    }
    boolean wantStale = status.equals(Optional.of(AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED));
    List<String> matching = provisioned.stream()
        .filter(account -> status.isEmpty() || stale.contains(account) == wantStale).toList();
    return new Page<>(matching, Optional.empty());
  }

  @Override
  public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
    nameLookups.incrementAndGet();
    return permissionSets.values().stream().filter(set -> set.name().equals(name)).findFirst();
  }

  @Override
  public void checkAccess() {
    accessChecks.incrementAndGet();
    IdentityCenterException failure = accessFailure;
    if (failure != null) {
      throw failure;
    }
  }

  private synchronized Outcome nextScripted(Outcome otherwise) {
    return provisionScript.isEmpty() ? otherwise : provisionScript.poll();
  }

  private static ProvisioningRequest view(Request request) {
    Outcome outcome = request.outcome();
    return new ProvisioningRequest(request.requestId(), outcome.status(), outcome.reportedStatus(),
        request.target().accountId(), Optional.of(request.permissionSetId()),
        Optional.ofNullable(outcome.failureReason()), Optional.of(request.createdAt()));
  }
}
