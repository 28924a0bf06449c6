package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.reconciler.RequestTracker.Progress;
import dev.operators.permissionset.testing.MutableClock;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared tracker against a cloud whose lists page, lag, and fail. */
class RequestTrackerTest {

  private static final String INSTANCE = "ins-1";
  private static final String KEY = INSTANCE + "|";

  private final ListingCloud cloud = new ListingCloud();
  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RequestTracker tracker = new RequestTracker(clock, Duration.ofMillis(20), Duration.ofMillis(100),
      woken::add);

  @AfterEach
  void stop() {
    tracker.close();
  }

  private Progress follow(String requestId) {
    return tracker.follow(cloud, KEY, INSTANCE, requestId, resource(requestId));
  }

  private static ResourceID resource(String requestId) {
    return new ResourceID("for-" + requestId, "platform");
  }

  /** Tracks the requests and waits until a list has shown each of them in progress. */
  private void trackSeenInProgress(String... requestIds) {
    for (String requestId : requestIds) {
      cloud.start(requestId);
      assertThat(follow(requestId)).isInstanceOf(Progress.InFlight.class);
    }
    int listsSoFar = cloud.lists.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.lists.get() >= listsSoFar + 2);
  }

  private ProvisioningRequest awaitFinished(String requestId) {
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(resource(requestId)));
    Progress progress = follow(requestId);
    assertThat(progress).isInstanceOf(Progress.Finished.class);
    return ((Progress.Finished) progress).request();
  }

  @Test
  void requestsFinishingOutOfOrderAreEachToldTheirOwnOutcome() {
    trackSeenInProgress("r1", "r2", "r3");

    cloud.finish("r3", ProvisioningStatus.SUCCEEDED, null);
    assertThat(awaitFinished("r3").status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
    cloud.finish("r1", ProvisioningStatus.FAILED, "The account is suspended.");
    ProvisioningRequest failed = awaitFinished("r1");
    cloud.finish("r2", ProvisioningStatus.SUCCEEDED, null);
    assertThat(awaitFinished("r2").status()).isEqualTo(ProvisioningStatus.SUCCEEDED);

    assertThat(failed.status()).isEqualTo(ProvisioningStatus.FAILED);
    assertThat(failed.failureReason()).contains("The account is suspended.");
    assertThat(cloud.described).as("only the failed one, for its reason").containsExactly("r1");
    assertThat(follow("r2")).as("an outcome is told once").isInstanceOf(Progress.InFlight.class);
  }

  @Test
  void requestsOnLaterPagesAreSeenInProgressAndNeedNoDescribe() {
    cloud.pageSize = 2;
    for (int other = 0; other < 5; other++) {
      cloud.start("other-" + other);
    }
    trackSeenInProgress("a", "b", "c", "d");

    for (String requestId : List.of("a", "b", "c", "d")) {
      cloud.finish(requestId, ProvisioningStatus.SUCCEEDED, null);
    }

    for (String requestId : List.of("a", "b", "c", "d")) {
      assertThat(awaitFinished(requestId).status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
    }
    assertThat(cloud.described).isEmpty();
    assertThat(cloud.markersSeen).as("it read past the first page").isNotEmpty();
  }

  @Test
  void aRequestNoListHasShownIsDescribedNotGuessed() {
    cloud.start("lagging");
    cloud.hidden.add("lagging");
    assertThat(follow("lagging")).isInstanceOf(Progress.InFlight.class);

    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.described.contains("lagging"));
    assertThat(follow("lagging")).as("described as still in progress: still followed")
        .isInstanceOf(Progress.InFlight.class);

    cloud.finish("lagging", ProvisioningStatus.SUCCEEDED, null);
    assertThat(awaitFinished("lagging").status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
  }

  @Test
  void whenListingKeepsFailingTheCallerIsToldAndItRecoversWhenListingWorksAgain() {
    cloud.start("r1");
    cloud.listFailure = new IdentityCenterException("ListPermissionSetProvisioningStatus",
        ErrorCategory.SERVER_ERROR, 503, "SYS.0503", "Service Unavailable", null, null);
    assertThat(follow("r1")).isInstanceOf(Progress.InFlight.class);

    await().atMost(Duration.ofSeconds(5)).until(() -> follow("r1") instanceof Progress.ListingFails);
    assertThat(((Progress.ListingFails) follow("r1")).failure().httpStatus()).isEqualTo(503);

    cloud.listFailure = null;
    cloud.finish("r1", ProvisioningStatus.SUCCEEDED, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains(resource("r1")));
    assertThat(follow("r1")).isInstanceOf(Progress.Finished.class);
  }

  @Test
  void throttledListingBacksOffWithoutSendingCallersToDescribe() {
    cloud.start("r1");
    cloud.listFailure = new IdentityCenterException("ListPermissionSetProvisioningStatus",
        ErrorCategory.THROTTLED, 429, "APIGW.0308", "The throttling threshold has been reached", null, null);
    assertThat(follow("r1")).isInstanceOf(Progress.InFlight.class);

    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.lists.get() >= RequestTracker.FAILURES_BEFORE_FALLBACK + 1);

    assertThat(follow("r1")).isInstanceOf(Progress.InFlight.class);
    assertThat(cloud.described).isEmpty();
  }

  @Test
  void nothingTrackedMeansNoListing() {
    trackSeenInProgress("only");
    cloud.finish("only", ProvisioningStatus.SUCCEEDED, null);
    awaitFinished("only");

    int lists = cloud.lists.get();
    await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(cloud.lists.get()).isLessThanOrEqualTo(lists + 1);
    assertThat(tracker.size()).isZero();
  }

  @Test
  void requestsNobodyAsksAboutAnyMoreAreForgotten() {
    trackSeenInProgress("abandoned");

    clock.advance(Duration.ofSeconds(5));

    await().atMost(Duration.ofSeconds(5)).until(() -> tracker.size() == 0);
  }

  /** An instance's requests as the list and describe endpoints show them: paged, optionally lagging or failing. */
  private static final class ListingCloud implements IdentityCenterClient {
    private final Map<String, ProvisioningStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();
    private final List<String> described = new CopyOnWriteArrayList<>();
    private final Set<String> markersSeen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lists = new AtomicInteger();
    private volatile int pageSize = 100;
    private volatile IdentityCenterException listFailure;

    void start(String requestId) {
      statuses.put(requestId, ProvisioningStatus.IN_PROGRESS);
    }

    void finish(String requestId, ProvisioningStatus status, String reason) {
      if (reason != null) {
        reasons.put(requestId, reason);
      }
      statuses.put(requestId, status);
      hidden.remove(requestId);
    }

    @Override
    public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
        Optional<String> marker) {
      lists.incrementAndGet();
      if (listFailure != null) {
        throw listFailure;
      }
      marker.ifPresent(markersSeen::add);
      List<String> matching = statuses.entrySet().stream()
          .filter(e -> status.map(wanted -> wanted == e.getValue()).orElse(true))
          .map(Map.Entry::getKey).filter(id -> !hidden.contains(id)).sorted().toList();
      int from = marker.map(Integer::parseInt).orElse(0);
      int to = Math.min(from + pageSize, matching.size());
      List<ProvisioningSummary> items = matching.subList(from, to).stream()
          .map(id -> new ProvisioningSummary(id, statuses.get(id), statuses.get(id).name(), Optional.empty()))
          .toList();
      return new Page<>(items, to < matching.size() ? Optional.of(String.valueOf(to)) : Optional.empty());
    }

    @Override
    public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
      described.add(requestId);
      ProvisioningStatus status = statuses.get(requestId);
      return new ProvisioningRequest(requestId, status, status.name(), Optional.empty(), Optional.empty(),
          Optional.ofNullable(reasons.get(requestId)), Optional.empty());
    }

    @Override
    public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
      throw new AssertionError("the tracker never provisions");
    }

    @Override
    public Optional<PermissionSet> findPermissionSetById(String instanceId, String permissionSetId) {
      throw new AssertionError("the tracker never looks up permission sets");
    }

    @Override
    public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
      throw new AssertionError("the tracker never looks up permission sets");
    }
  }
}
