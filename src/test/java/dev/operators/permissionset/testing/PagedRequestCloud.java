package dev.operators.permissionset.testing;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An instance's provisioning requests as the list and describe calls show them, with every liberty the API leaves
 * open: newest or oldest first, keyset or offset markers (with offsets, requests that leave a filtered list while
 * it is paged shift the later pages), lists that lag behind new requests, lists that fail, and a long history.
 * It counts each call, by the list's status filter.
 */
public final class PagedRequestCloud implements RequestFollowingCloud {

  /** The order of the lists. */
  public enum Order { NEWEST_FIRST, OLDEST_FIRST }

  /** What a page marker means: the last request of the page, or how many requests were listed before. */
  public enum Markers { KEYSET, OFFSET }

  private static final class Request {
    private final int sequence;
    private final String requestId;
    private final Instant createdAt;
    private final Optional<String> permissionSetId;
    private final Optional<String> accountId;
    private volatile ProvisioningStatus status = ProvisioningStatus.IN_PROGRESS;
    private volatile String failureReason;

    private Request(int sequence, String requestId, Instant createdAt, Optional<String> permissionSetId,
        Optional<String> accountId) {
      this.sequence = sequence;
      this.requestId = requestId;
      this.createdAt = createdAt;
      this.permissionSetId = permissionSetId;
      this.accountId = accountId;
    }
  }

  private final Clock clock;
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, Request> byId = new ConcurrentHashMap<>();
  private final Set<String> hidden = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
  private final List<String> described = new CopyOnWriteArrayList<>();
  private final Map<Optional<ProvisioningStatus>, Runnable> afterPage = new ConcurrentHashMap<>();
  private volatile int pageSize = 100;
  private volatile Order order = Order.NEWEST_FIRST;
  private volatile Markers markers = Markers.KEYSET;
  private volatile Duration listLag = Duration.ZERO;
  private volatile IdentityCenterException listFailure;

  public PagedRequestCloud(Clock clock) {
    this.clock = clock;
  }

  public PagedRequestCloud pageSize(int size) {
    this.pageSize = size;
    return this;
  }

  public PagedRequestCloud order(Order listOrder) {
    this.order = listOrder;
    return this;
  }

  public PagedRequestCloud markers(Markers meaning) {
    this.markers = meaning;
    return this;
  }

  /** Requests show in lists only this long after they were created; describe knows them at once. */
  public PagedRequestCloud listLag(Duration lag) {
    this.listLag = lag;
    return this;
  }

  /** Every list call fails with this from now on; null lists again. */
  public void failLists(IdentityCenterException failure) {
    this.listFailure = failure;
  }

  /**
   * Finished requests of other resources, one a second, the newest a second before now; every tenth FAILED.
   */
  public synchronized PagedRequestCloud history(int count) {
    Instant now = clock.instant();
    for (int i = 0; i < count; i++) {
      Request request = add("history-" + i, now.minusSeconds(count - i), Optional.of("ps-history"),
          Optional.of("account-" + i));
      request.status = i % 10 == 0 ? ProvisioningStatus.FAILED : ProvisioningStatus.SUCCEEDED;
      request.failureReason = i % 10 == 0 ? "history" : null;
    }
    return this;
  }

  /** A request in progress, created now. */
  public void start(String requestId) {
    start(requestId, null, null);
  }

  /** A request in progress of this permission set to this account, created now. */
  public synchronized void start(String requestId, String permissionSetId, String accountId) {
    add(requestId, clock.instant(), Optional.ofNullable(permissionSetId), Optional.ofNullable(accountId));
  }

  public void finish(String requestId, ProvisioningStatus status, String reason) {
    Request request = byId.get(requestId);
    request.failureReason = reason;
    request.status = status;
  }

  /** Whether lists leave the request out, as if they lagged behind it for ever; describe still knows it. */
  public void hide(String requestId, boolean fromLists) {
    if (fromLists) {
      hidden.add(requestId);
    } else {
      hidden.remove(requestId);
    }
  }

  /** Runs the action once, right after the next page of lists with this status filter was served. */
  public void onceAfterPage(Optional<ProvisioningStatus> filter, Runnable action) {
    afterPage.put(filter, action);
  }

  /** List calls so far with this status filter; empty for the unfiltered list. */
  public int lists(Optional<ProvisioningStatus> filter) {
    return lists.computeIfAbsent(key(filter), k -> new AtomicInteger()).get();
  }

  public int allLists() {
    return lists.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public List<String> described() {
    return List.copyOf(described);
  }

  /** Pages of the unfiltered list, at the page size. */
  public synchronized int unfilteredPages() {
    return (requests.size() + pageSize - 1) / pageSize;
  }

  @Override
  public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
      Optional<String> marker) {
    lists.computeIfAbsent(key(status), k -> new AtomicInteger()).incrementAndGet();
    if (listFailure != null) {
      throw listFailure;
    }
    Page<ProvisioningSummary> page = page(status, marker);
    Runnable action = afterPage.remove(status);
    if (action != null) {
      action.run();
    }
    return page;
  }

  private synchronized Page<ProvisioningSummary> page(Optional<ProvisioningStatus> status, Optional<String> marker) {
    Instant listedBefore = clock.instant().minus(listLag);
    List<Request> matching = new ArrayList<>();
    for (Request request : requests) {
      boolean wanted = status.map(s -> s == request.status).orElse(true);
      if (wanted && !hidden.contains(request.requestId) && !request.createdAt.isAfter(listedBefore)) {
        matching.add(request);
      }
    }
    if (order == Order.NEWEST_FIRST) {
      Collections.reverse(matching);
    }
    int from = Math.min(matching.size(), marker.map(Integer::parseInt)
        .map(start -> markers == Markers.OFFSET ? start : after(matching, start)).orElse(0));
    int to = Math.min(from + pageSize, matching.size());
    List<ProvisioningSummary> items = matching.subList(from, to).stream().map(request -> new ProvisioningSummary(
        request.requestId, request.status, request.status.name(), Optional.of(request.createdAt))).toList();
    Optional<String> next = Optional.empty();
    if (to < matching.size()) {
      next = Optional.of(markers == Markers.OFFSET ? String.valueOf(to)
          : String.valueOf(matching.get(to - 1).sequence));
    }
    return new Page<>(items, next);
  }

  /** Index of the first request past the one with this sequence number, in list order. */
  private int after(List<Request> matching, int sequence) {
    for (int i = 0; i < matching.size(); i++) {
      int other = matching.get(i).sequence;
      if (order == Order.NEWEST_FIRST ? other < sequence : other > sequence) {
        return i;
      }
    }
    return matching.size();
  }

  @Override
  public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
    described.add(requestId);
    Request request = byId.get(requestId);
    if (request == null) {
      throw new IdentityCenterException("DescribePermissionSetProvisioningStatus", ErrorCategory.NOT_FOUND, 404,
          "IIC.404", "Not Found: request " + requestId, null, null);
    }
    return new ProvisioningRequest(requestId, request.status, request.status.name(), request.accountId,
        request.permissionSetId, Optional.ofNullable(request.failureReason), Optional.of(request.createdAt));
  }

  private Request add(String requestId, Instant createdAt, Optional<String> permissionSetId,
      Optional<String> accountId) {
    Request request = new Request(requests.size(), requestId, createdAt, permissionSetId, accountId);
    requests.add(request);
    byId.put(requestId, request);
    return request;
  }

  private static String key(Optional<ProvisioningStatus> filter) {
    return filter.map(Enum::name).orElse("ALL");
  }
}
