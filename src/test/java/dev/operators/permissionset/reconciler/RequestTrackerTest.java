package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.reconciler.RequestTracker.Progress;
import dev.operators.permissionset.testing.CapturedLogs;
import dev.operators.permissionset.testing.MutableClock;
import dev.operators.permissionset.testing.PagedRequestCloud;
import dev.operators.permissionset.testing.PagedRequestCloud.Markers;
import dev.operators.permissionset.testing.PagedRequestCloud.Order;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared tracker against a cloud whose lists page, lag, shift and fail, over a long history. */
class RequestTrackerTest {

  private static final String INSTANCE = "ins-1";
  private static final String KEY = INSTANCE + "|";
  private static final Duration LIST_LAG = Duration.ofSeconds(10);
  private static final Optional<ProvisioningStatus> IN_PROGRESS = Optional.of(ProvisioningStatus.IN_PROGRESS);
  private static final Optional<ProvisioningStatus> FAILED = Optional.of(ProvisioningStatus.FAILED);
  private static final Optional<ProvisioningStatus> UNFILTERED = Optional.empty();

  private record Told(ResourceID resource, String uid, String requestId) {
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final PagedRequestCloud cloud = new PagedRequestCloud(clock);
  private final List<Told> told = new CopyOnWriteArrayList<>();
  private final RequestTracker tracker = new RequestTracker(clock, Duration.ofMillis(20), Duration.ofMillis(100),
      LIST_LAG, (resource, uid, requestId) -> told.add(new Told(resource, uid, requestId)));

  @AfterEach
  void stop() {
    tracker.close();
  }

  private Progress follow(String requestId) {
    return tracker.follow(cloud, KEY, INSTANCE, requestId, resource(requestId), uid(requestId));
  }

  private static ResourceID resource(String requestId) {
    return new ResourceID("for-" + requestId, "platform");
  }

  private static String uid(String requestId) {
    return "uid-of-" + requestId;
  }

  private boolean toldFinished(String requestId) {
    return told.contains(new Told(resource(requestId), uid(requestId), requestId));
  }

  /** Tracks the requests and waits until a whole poll has listed them in progress. */
  private void trackSeenInProgress(String... requestIds) {
    for (String requestId : requestIds) {
      cloud.start(requestId);
      assertThat(follow(requestId)).isInstanceOf(Progress.InFlight.class);
    }
    awaitPolls(2);
  }

  /** Waits until the tracker started listing requests in progress this many more times. */
  private void awaitPolls(int polls) {
    int listsSoFar = cloud.lists(IN_PROGRESS);
    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.lists(IN_PROGRESS) >= listsSoFar + polls);
  }

  private ProvisioningRequest awaitFinished(String requestId) {
    await().atMost(Duration.ofSeconds(5)).until(() -> toldFinished(requestId));
    Progress progress = follow(requestId);
    assertThat(progress).isInstanceOf(Progress.Finished.class);
    return ((Progress.Finished) progress).request();
  }

  private int callsBesidesListingInProgress() {
    return cloud.lists(UNFILTERED) + cloud.lists(FAILED) + cloud.described().size();
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
    assertThat(cloud.described()).as("only the failed one, for its reason").containsExactly("r1");
    assertThat(follow("r2")).as("an outcome is told once").isInstanceOf(Progress.InFlight.class);
  }

  @Test
  void requestsOnLaterPagesAreSeenInProgressAndNeedNoDescribe() {
    cloud.pageSize(2);
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
    assertThat(cloud.described()).isEmpty();
  }

  @Test
  void aRequestTheListsDoNotShowYetIsNotDescribedWhileTheyMayLagThenDescribedNotGuessed() {
    cloud.start("lagging");
    cloud.hide("lagging", true);
    assertThat(follow("lagging")).isInstanceOf(Progress.InFlight.class);

    awaitPolls(5);
    assertThat(cloud.described()).as("younger than the list lag: lists may just not show it yet").isEmpty();

    clock.advance(LIST_LAG.plusSeconds(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.described().contains("lagging"));
    assertThat(follow("lagging")).as("described as still in progress: still followed")
        .isInstanceOf(Progress.InFlight.class);

    cloud.finish("lagging", ProvisioningStatus.SUCCEEDED, null);
    assertThat(awaitFinished("lagging").status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
  }

  @Test
  void aRequestThatLeftEveryListIsDescribedNotTakenForSucceeded() {
    trackSeenInProgress("vanishing");

    cloud.finish("vanishing", ProvisioningStatus.FAILED, "The account is suspended.");
    cloud.hide("vanishing", true);

    ProvisioningRequest outcome = awaitFinished("vanishing");
    assertThat(outcome.status()).isEqualTo(ProvisioningStatus.FAILED);
    assertThat(outcome.failureReason()).contains("The account is suspended.");
    assertThat(cloud.described()).contains("vanishing");
  }

  @Test
  void aRequestShiftedPastTheNextOffsetIsStillInFlightNotFinished() throws InterruptedException {
    cloud.markers(Markers.OFFSET).pageSize(2);
    trackSeenInProgress("shifted");
    cloud.start("newer-1");
    cloud.start("newer-2");
    awaitPolls(2);

    CountDownLatch shifted = new CountDownLatch(1);
    cloud.onceAfterPage(IN_PROGRESS, () -> {
      cloud.finish("newer-1", ProvisioningStatus.SUCCEEDED, null);
      cloud.finish("newer-2", ProvisioningStatus.SUCCEEDED, null);
      shifted.countDown();
    });
    assertThat(shifted.await(5, TimeUnit.SECONDS)).isTrue();
    int listsSoFar = cloud.lists(IN_PROGRESS);
    await().atMost(Duration.ofSeconds(5)).until(() -> !told.isEmpty() || cloud.lists(IN_PROGRESS) >= listsSoFar + 2);

    assertThat(told).as("the second page skipped it, yet it is still in progress").isEmpty();
    assertThat(follow("shifted")).isInstanceOf(Progress.InFlight.class);
    cloud.finish("shifted", ProvisioningStatus.SUCCEEDED, null);
    assertThat(awaitFinished("shifted").status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
  }

  @Test
  void aFinishedRequestCostsOnePageOfANewestFirstHistory() {
    cloud.history(20_000);
    trackSeenInProgress("r1");
    int before = callsBesidesListingInProgress();

    cloud.finish("r1", ProvisioningStatus.SUCCEEDED, null);

    assertThat(awaitFinished("r1").status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
    assertThat(callsBesidesListingInProgress() - before).as("one page of the unfiltered list").isEqualTo(1);
  }

  @Test
  void anOldestFirstHistoryCostsAtMostTwoCallsPerFinishedRequest() {
    cloud.order(Order.OLDEST_FIRST).history(20_000);
    List<String> requestIds = List.of("r1", "r2", "r3", "r4", "r5");
    trackSeenInProgress(requestIds.toArray(String[]::new));
    int before = callsBesidesListingInProgress();

    cloud.finish("r1", ProvisioningStatus.FAILED, "The account is suspended.");
    requestIds.subList(1, 5).forEach(requestId -> cloud.finish(requestId, ProvisioningStatus.SUCCEEDED, null));

    assertThat(awaitFinished("r1").failureReason()).contains("The account is suspended.");
    requestIds.subList(1, 5).forEach(requestId -> assertThat(awaitFinished(requestId).status())
        .isEqualTo(ProvisioningStatus.SUCCEEDED));
    assertThat(callsBesidesListingInProgress() - before).isLessThanOrEqualTo(2 * requestIds.size());
  }

  @Test
  void whileListingFailsCallersAreToldAndPollingGoesOnUntilItWorksAgain() {
    try (CapturedLogs logs = CapturedLogs.start(RequestTracker.class.getName())) {
      cloud.start("r1");
      cloud.failLists(new IdentityCenterException("ListPermissionSetProvisioningStatus",
          ErrorCategory.SERVER_ERROR, 503, "SYS.0503", "Service Unavailable", null, null));
      assertThat(follow("r1")).isInstanceOf(Progress.InFlight.class);

      await().atMost(Duration.ofSeconds(5)).until(() -> follow("r1") instanceof Progress.ListingFails);
      assertThat(((Progress.ListingFails) follow("r1")).failure().httpStatus()).isEqualTo(503);
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN")
          .contains("keeps failing").contains(INSTANCE).contains("503"));

      clock.advance(Duration.ofMinutes(5));
      int listsSoFar = cloud.allLists();
      await().atMost(Duration.ofSeconds(5)).until(() -> cloud.allLists() >= listsSoFar + 2);
      assertThat(follow("r1")).as("still followed").isInstanceOf(Progress.ListingFails.class);

      cloud.failLists(null);
      cloud.finish("r1", ProvisioningStatus.SUCCEEDED, null);
      await().atMost(Duration.ofSeconds(5)).until(() -> toldFinished("r1"));
      assertThat(follow("r1")).isInstanceOf(Progress.Finished.class);
      assertThat(cloud.described()).isEmpty();
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("INFO").contains("works again"));
    }
  }

  @Test
  void throttledListingBacksOffWithoutSendingCallersToDescribe() {
    cloud.start("r1");
    cloud.failLists(new IdentityCenterException("ListPermissionSetProvisioningStatus",
        ErrorCategory.THROTTLED, 429, "APIGW.0308", "The throttling threshold has been reached", null, null));
    assertThat(follow("r1")).isInstanceOf(Progress.InFlight.class);

    await().atMost(Duration.ofSeconds(5)).until(() -> cloud.allLists() >= RequestTracker.FAILURES_BEFORE_FALLBACK + 1);

    assertThat(follow("r1")).isInstanceOf(Progress.InFlight.class);
    assertThat(cloud.described()).isEmpty();
  }

  @Test
  void nothingFollowedMeansNoListingAndNoInstanceHeld() {
    trackSeenInProgress("only");
    cloud.finish("only", ProvisioningStatus.SUCCEEDED, null);
    awaitFinished("only");

    int lists = cloud.allLists();
    await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(cloud.allLists()).isLessThanOrEqualTo(lists + 2);
    assertThat(tracker.size()).isZero();
    assertThat(tracker.instancesHeld()).isZero();
  }

  @Test
  void anOutcomeNobodyPicksUpIsDropped() {
    trackSeenInProgress("abandoned");
    cloud.finish("abandoned", ProvisioningStatus.SUCCEEDED, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> toldFinished("abandoned"));

    clock.advance(Duration.ofSeconds(5));

    await().atMost(Duration.ofSeconds(5)).until(() -> tracker.instancesHeld() == 0);
    assertThat(tracker.size()).isZero();
  }

  @Test
  void forgettingAResourceReleasesWhatWasFollowedForItAndThenTheInstance() {
    cloud.start("a-1");
    cloud.start("a-2");
    cloud.start("b-1");
    tracker.follow(cloud, KEY, INSTANCE, "a-1", resource("a"), "uid-a");
    tracker.follow(cloud, KEY, INSTANCE, "a-2", resource("a"), "uid-a");
    tracker.follow(cloud, KEY, INSTANCE, "b-1", resource("b"), "uid-b");
    awaitPolls(1);

    tracker.forget("uid-a");
    assertThat(tracker.size()).isEqualTo(1);
    assertThat(tracker.instancesHeld()).isEqualTo(1);

    tracker.forget("uid-b");
    assertThat(tracker.size()).isZero();
    assertThat(tracker.instancesHeld()).as("nor the client and credentials it held").isZero();
    int lists = cloud.allLists();
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true);
    assertThat(cloud.allLists()).as("a poll already running may finish").isLessThanOrEqualTo(lists + 1);
  }
}
