package dev.operators.permissionset.reconciler;

import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.reconciler.RequestRecovery.Finding;
import dev.operators.permissionset.testing.MutableClock;
import dev.operators.permissionset.testing.PagedRequestCloud;
import dev.operators.permissionset.testing.PagedRequestCloud.Order;
import dev.operators.permissionset.testing.RequestFollowingCloud;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestRecoveryTest {

  private static final String PERMISSION_SET = READ_ONLY;
  private static final Instant INTENT = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration LIST_LAG = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(INTENT.plus(Duration.ofMinutes(1)));

  private RequestRecovery recovery() {
    return new RequestRecovery(clock, LIST_LAG);
  }

  private static Optional<String> foundRequestId(Finding finding) {
    return finding instanceof Finding.Found found ? Optional.of(found.request().requestId()) : Optional.empty();
  }

  /** Forty requests of other accounts, then the one sought; every seventh describe fails once. */
  private static final class FlakyCloud implements RequestFollowingCloud {

    private final List<String> described = new ArrayList<>();
    private int describes;

    private static String requestId(int index) {
      return String.format("00000000-0000-0000-0000-%012d", index);
    }

    @Override
    public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
        Optional<String> marker) {
      return new Page<>(IntStream.rangeClosed(0, 40).mapToObj(i -> new ProvisioningSummary(requestId(i),
          ProvisioningStatus.SUCCEEDED, "SUCCEEDED", Optional.of(INTENT))).toList(), Optional.empty());
    }

    @Override
    public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
      if (++describes % 7 == 0) {
        throw new IdentityCenterException("DescribePermissionSetProvisioningStatus", ErrorCategory.SERVER_ERROR,
            503, "APIGW.0203", "Service temporarily unavailable.", null, null);
      }
      described.add(requestId);
      String account = requestId.equals(requestId(40)) ? "sought" : "other-" + requestId;
      return new ProvisioningRequest(requestId, ProvisioningStatus.SUCCEEDED, "SUCCEEDED", Optional.of(account),
          Optional.of(PERMISSION_SET), Optional.empty(), Optional.of(INTENT));
    }
  }

  @Test
  void eachAttemptGoesOnWhereTheFailedOneStoppedSoRecoveryGetsThroughAFlakyCloud() {
    FlakyCloud cloud = new FlakyCloud();
    RequestRecovery recovery = recovery();
    Optional<String> found = Optional.empty();
    int attempts = 0;
    while (found.isEmpty() && attempts < 10) {
      attempts++;
      try {
        found = foundRequestId(recovery.find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"),
            INTENT, INTENT, Set.of(), Set.of()));
      } catch (IdentityCenterException e) {
        assertThat(e.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      }
    }

    assertThat(found).contains(FlakyCloud.requestId(40));
    assertThat(attempts).isEqualTo(7);
    assertThat(cloud.described).as("no request described twice").doesNotHaveDuplicates().hasSize(41);
  }

  @Test
  void aRequestKnownToProvisionSomethingElseIsNotDescribedAgain() {
    FlakyCloud cloud = new FlakyCloud();
    RequestRecovery recovery = recovery();
    assertThatThrownBy(() -> recovery.find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("absent"),
        INTENT, INTENT, Set.of(), Set.of())).isInstanceOf(IdentityCenterException.class);
    int before = cloud.described.size();

    assertThatThrownBy(() -> recovery.find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("absent"),
        INTENT, INTENT, Set.of(), Set.of())).isInstanceOf(IdentityCenterException.class);

    assertThat(cloud.described.subList(0, before)).doesNotContainAnyElementsOf(cloud.described.subList(before,
        cloud.described.size()));
  }

  /** Requests of the same permission set: the first to one account, the second to all provisioned accounts. */
  private static final class AccountAndAllCloud implements RequestFollowingCloud {

    private final boolean withAllRequest;

    AccountAndAllCloud(boolean withAllRequest) {
      this.withAllRequest = withAllRequest;
    }

    @Override
    public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
        Optional<String> marker) {
      return new Page<>(IntStream.rangeClosed(1, withAllRequest ? 2 : 1).mapToObj(i -> new ProvisioningSummary(
          FlakyCloud.requestId(i), ProvisioningStatus.IN_PROGRESS, "IN_PROGRESS", Optional.of(INTENT))).toList(),
          Optional.empty());
    }

    @Override
    public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
      Optional<String> account = requestId.equals(FlakyCloud.requestId(1)) ? Optional.of("one-account")
          : Optional.empty();
      return new ProvisioningRequest(requestId, ProvisioningStatus.IN_PROGRESS, "IN_PROGRESS", account,
          Optional.of(PERMISSION_SET), Optional.empty(), Optional.of(INTENT));
    }
  }

  @Test
  void aProvisioningToAllAccountsIsNotMistakenForOneToASingleAccount() {
    ProvisioningTarget all = ProvisioningTarget.allProvisionedAccounts();

    assertThat(recovery().find(new AccountAndAllCloud(false), INSTANCE, PERMISSION_SET, all, INTENT, INTENT,
        Set.of(), Set.of())).isInstanceOf(Finding.Absent.class);
    assertThat(foundRequestId(recovery().find(new AccountAndAllCloud(true), INSTANCE, PERMISSION_SET, all, INTENT,
        INTENT, Set.of(), Set.of()))).contains(FlakyCloud.requestId(2));
    assertThat(foundRequestId(recovery().find(new AccountAndAllCloud(true), INSTANCE, PERMISSION_SET,
        ProvisioningTarget.account("one-account"), INTENT, INTENT, Set.of(), Set.of()))).contains(FlakyCloud.requestId(1));
  }

  /** A long history from before the intent, then three requests made since: the sought one in the middle. */
  private PagedRequestCloud historyThenRecentRequests(Order order) {
    clock.set(INTENT.minus(Duration.ofHours(1)));
    PagedRequestCloud cloud = new PagedRequestCloud(clock).order(order).history(20_000);
    clock.set(INTENT.plusSeconds(1));
    cloud.start("recent-1", PERMISSION_SET, "other");
    clock.set(INTENT.plusSeconds(2));
    cloud.start("recent-2", PERMISSION_SET, "sought");
    clock.set(INTENT.plusSeconds(3));
    cloud.start("recent-3", "another-permission-set", "sought");
    clock.set(INTENT.plus(Duration.ofMinutes(1)));
    return cloud;
  }

  @Test
  void aNewestFirstListIsReadOnlyUntilItIsPastTheIntent() {
    PagedRequestCloud cloud = historyThenRecentRequests(Order.NEWEST_FIRST);

    assertThat(foundRequestId(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"),
        INTENT, INTENT, Set.of(), Set.of()))).contains("recent-2");
    assertThat(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("absent"), INTENT,
        INTENT, Set.of(), Set.of())).isInstanceOf(Finding.Absent.class);

    assertThat(cloud.lists(Optional.empty())).as("a page each, of %d", cloud.unfilteredPages()).isEqualTo(2);
    assertThat(cloud.described()).as("only requests made since the intent")
        .allSatisfy(requestId -> assertThat(requestId).startsWith("recent-"));
  }

  @Test
  void anOldestFirstListIsReadToItsEnd() {
    PagedRequestCloud cloud = historyThenRecentRequests(Order.OLDEST_FIRST);

    assertThat(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("absent"), INTENT,
        INTENT, Set.of(), Set.of())).isInstanceOf(Finding.Absent.class);
    assertThat(cloud.lists(Optional.empty())).isEqualTo(cloud.unfilteredPages());
    assertThat(foundRequestId(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"),
        INTENT, INTENT, Set.of(), Set.of()))).contains("recent-2");
  }

  @Test
  void noRequestIsAbsentWhileTheListsMayNotShowItYet() {
    clock.set(INTENT.plusSeconds(2));
    PagedRequestCloud cloud = new PagedRequestCloud(clock).listLag(LIST_LAG);
    cloud.start("just-made", PERMISSION_SET, "sought");
    clock.set(INTENT.plusSeconds(3));

    assertThat(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"), INTENT,
        INTENT, Set.of(), Set.of())).isEqualTo(new Finding.NotListedYet(INTENT.plus(LIST_LAG)));

    clock.set(INTENT.plus(LIST_LAG).plusSeconds(3));
    assertThat(foundRequestId(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"),
        INTENT, INTENT, Set.of(), Set.of()))).contains("just-made");
  }

  @Test
  void theLagCountsFromTheLastCallThatMayHaveMadeTheRequestNotFromTheIntent() {
    Instant call = INTENT.plusSeconds(30);
    clock.set(call);
    PagedRequestCloud cloud = new PagedRequestCloud(clock).listLag(LIST_LAG);
    cloud.start("made-late", PERMISSION_SET, "sought");
    clock.set(call.plusSeconds(1));

    assertThat(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"), INTENT, call,
        Set.of(), Set.of())).isEqualTo(new Finding.NotListedYet(call.plus(LIST_LAG)));
  }

  /**
   * Provisioned twice already (the generation, then a value of the annotation), a resource records a third intent
   * for the same permission set and account, and its call's answer is lost: the earlier requests, within the skew
   * allowed before the intent, are not the one it made.
   */
  @Test
  void aProvisioningAgainNeverTakesTheRequestsBeforeItForItsOwn() {
    clock.set(INTENT.minusSeconds(20));
    PagedRequestCloud cloud = new PagedRequestCloud(clock);
    cloud.start("generation", PERMISSION_SET, "sought");
    cloud.finish("generation", ProvisioningStatus.SUCCEEDED, null);
    clock.set(INTENT.minusSeconds(5));
    cloud.start("first-value", PERMISSION_SET, "sought");
    cloud.finish("first-value", ProvisioningStatus.SUCCEEDED, null);
    clock.set(INTENT.plus(LIST_LAG).plusSeconds(1));

    assertThat(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"), INTENT, INTENT,
        Set.of("first-value"), Set.of("first-value"))).isInstanceOf(Finding.Absent.class);

    clock.set(INTENT.plusSeconds(1));
    cloud.start("second-value", PERMISSION_SET, "sought");
    clock.set(INTENT.plus(LIST_LAG).plusSeconds(2));
    assertThat(foundRequestId(recovery().find(cloud, INSTANCE, PERMISSION_SET, ProvisioningTarget.account("sought"),
        INTENT, INTENT, Set.of("first-value"), Set.of("first-value")))).contains("second-value");
  }
}
