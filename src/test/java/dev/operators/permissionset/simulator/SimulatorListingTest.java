package dev.operators.permissionset.simulator;

import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.huaweicloud.sdk.core.auth.GlobalCredentials;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.identitycenter.v1.IdentityCenterClient;
import com.huaweicloud.sdk.identitycenter.v1.model.DescribePermissionSetProvisioningStatusRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.ListPermissionSetProvisioningStatusRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.ListPermissionSetProvisioningStatusResponse;
import com.huaweicloud.sdk.identitycenter.v1.model.PermissionSetProvisioningStatusDto;
import com.huaweicloud.sdk.identitycenter.v1.model.PermissionSetProvisioningStatusMetadataDto;
import com.huaweicloud.sdk.identitycenter.v1.model.ProvisionPermissionSetReqBody;
import com.huaweicloud.sdk.identitycenter.v1.model.ProvisionPermissionSetRequest;
import dev.operators.permissionset.simulator.IdentityCenterSimulator.ListOrder;
import dev.operators.permissionset.simulator.IdentityCenterSimulator.Options;
import dev.operators.permissionset.simulator.IdentityCenterSimulator.Paging;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ListPermissionSetProvisioningStatus as the simulator can shape it: history, paging, order and lag, via the SDK. */
class SimulatorListingTest {

  private static final ListPermissionSetProvisioningStatusRequest.StatusEnum IN_PROGRESS =
      ListPermissionSetProvisioningStatusRequest.StatusEnum.IN_PROGRESS;
  private static final ListPermissionSetProvisioningStatusRequest.StatusEnum FAILED =
      ListPermissionSetProvisioningStatusRequest.StatusEnum.FAILED;

  private final MutableClock clock = new MutableClock(Instant.now());
  private IdentityCenterSimulator simulator;
  private IdentityCenterClient sdk;

  private void start(Options options) {
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demo(), options.withClock(clock));
    simulator.provisioningLatency(Duration.ofSeconds(10));
    sdk = IdentityCenterClient.newBuilder()
        .withCredential(new GlobalCredentials().withAk(DemoWorld.ACCESS_KEY).withSk(DemoWorld.SECRET_KEY)
            .withDomainId(DemoWorld.DOMAIN_ID))
        .withEndpoints(List.of(simulator.endpoint().toString()))
        .withHttpConfig(HttpConfig.getDefaultHttpConfig().withTimeout(10))
        .build();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private String provision(String account) {
    return sdk.provisionPermissionSet(new ProvisionPermissionSetRequest().withInstanceId(INSTANCE)
        .withPermissionSetId(READ_ONLY).withBody(new ProvisionPermissionSetReqBody().withTargetId(account)
            .withTargetType(ProvisionPermissionSetReqBody.TargetTypeEnum.ACCOUNT)))
        .getPermissionSetProvisioningStatus().getRequestId();
  }

  private PermissionSetProvisioningStatusDto describe(String requestId) {
    return sdk.describePermissionSetProvisioningStatus(new DescribePermissionSetProvisioningStatusRequest()
        .withInstanceId(INSTANCE).withRequestId(requestId)).getPermissionSetProvisioningStatus();
  }

  private ListPermissionSetProvisioningStatusResponse page(ListPermissionSetProvisioningStatusRequest.StatusEnum status,
      int limit, String marker) {
    return sdk.listPermissionSetProvisioningStatus(new ListPermissionSetProvisioningStatusRequest()
        .withInstanceId(INSTANCE).withStatus(status).withLimit(limit).withMarker(marker));
  }

  private static List<String> ids(ListPermissionSetProvisioningStatusResponse page) {
    return page.getPermissionSetsProvisioningStatus().stream()
        .map(PermissionSetProvisioningStatusMetadataDto::getRequestId).toList();
  }

  private List<PermissionSetProvisioningStatusMetadataDto> all(
      ListPermissionSetProvisioningStatusRequest.StatusEnum status) {
    List<PermissionSetProvisioningStatusMetadataDto> all = new ArrayList<>();
    String marker = null;
    do {
      ListPermissionSetProvisioningStatusResponse page = page(status, 100, marker);
      all.addAll(page.getPermissionSetsProvisioningStatus());
      marker = page.getPageInfo().getNextMarker();
    } while (marker != null);
    return all;
  }

  /** Six requests one second apart, oldest first; each stays IN_PROGRESS for ten seconds. */
  private List<String> sixRequestsASecondApart() {
    List<String> requests = new ArrayList<>();
    for (String account : List.of(DemoWorld.PAYMENTS, DemoWorld.ANALYTICS, DemoWorld.SANDBOX, DemoWorld.PAYMENTS,
        DemoWorld.ANALYTICS, DemoWorld.SANDBOX)) {
      requests.add(provision(account));
      clock.advance(Duration.ofSeconds(1));
    }
    return requests;
  }

  @Test
  void startsWithAHistoryOfFinishedRequestsOneInTenFailedAndEveryOneToAFailingAccount() {
    Instant start = clock.instant();
    start(Options.defaults().withHistory(250));

    List<PermissionSetProvisioningStatusMetadataDto> history = all(null);
    List<PermissionSetProvisioningStatusMetadataDto> failed = all(FAILED);

    assertThat(history).hasSize(250);
    assertThat(all(IN_PROGRESS)).isEmpty();
    assertThat(history).allSatisfy(entry -> assertThat(entry.getCreatedDate())
        .isLessThanOrEqualTo(start.minus(SimulatorState.HISTORY_ENDS_BEFORE_START).toEpochMilli()));
    List<PermissionSetProvisioningStatusDto> described = history.stream()
        .map(entry -> describe(entry.getRequestId())).toList();
    // the demo's legacy account cannot be provisioned, so its history FAILED too
    long toFailingAccount = described.stream().filter(request -> DemoWorld.LEGACY.equals(request.getAccountId()))
        .filter(request -> !"FAILED".equals(String.valueOf(request.getStatus()))).count();
    assertThat(toFailingAccount).isZero();
    assertThat(failed).hasSizeGreaterThanOrEqualTo(25).hasSizeLessThan(250);
    assertThat(described.stream().map(PermissionSetProvisioningStatusDto::getPermissionSetId).distinct().count())
        .isGreaterThan(10);
    assertThat(described.stream().map(PermissionSetProvisioningStatusDto::getAccountId).collect(Collectors.toSet()))
        .hasSizeGreaterThan(2).isSubsetOf(Set.of(DemoWorld.PAYMENTS, DemoWorld.ANALYTICS, DemoWorld.SANDBOX,
            DemoWorld.LEGACY));
    assertThat(failed).allSatisfy(entry -> assertThat(describe(entry.getRequestId()).getFailureReason())
        .isNotBlank());

    String fresh = provision(DemoWorld.PAYMENTS);
    assertThat(ids(page(null, 1, null))).containsExactly(fresh);
  }

  @Test
  void keysetPagesStayInPlaceWhenItemsLeaveTheList() {
    start(Options.defaults().withPaging(Paging.KEYSET).withListOrder(ListOrder.OLDEST_FIRST));
    List<String> requests = sixRequestsASecondApart();

    ListPermissionSetProvisioningStatusResponse first = page(IN_PROGRESS, 2, null);
    clock.advance(Duration.ofSeconds(5));
    ListPermissionSetProvisioningStatusResponse second = page(IN_PROGRESS, 2, first.getPageInfo().getNextMarker());

    assertThat(ids(first)).containsExactly(requests.get(0), requests.get(1));
    assertThat(ids(second)).containsExactly(requests.get(2), requests.get(3));
  }

  @Test
  void offsetPagesShiftWhenItemsLeaveOrJoinTheList() {
    start(Options.defaults().withPaging(Paging.OFFSET).withListOrder(ListOrder.OLDEST_FIRST));
    List<String> requests = sixRequestsASecondApart();

    ListPermissionSetProvisioningStatusResponse first = page(IN_PROGRESS, 2, null);
    clock.advance(Duration.ofSeconds(5));
    ListPermissionSetProvisioningStatusResponse second = page(IN_PROGRESS, 2, first.getPageInfo().getNextMarker());

    assertThat(ids(first)).containsExactly(requests.get(0), requests.get(1));
    assertThat(ids(second)).as("the first two finished: the next page skips two that are still running")
        .containsExactly(requests.get(4), requests.get(5));
    assertThat(first.getPageInfo().getNextMarker()).hasSize(24);
  }

  @Test
  void offsetPagesNewestFirstShowAnItemTwiceWhenOneIsCreatedMeanwhile() {
    start(Options.defaults().withPaging(Paging.OFFSET));
    List<String> requests = sixRequestsASecondApart();

    ListPermissionSetProvisioningStatusResponse first = page(null, 2, null);
    provision(DemoWorld.PAYMENTS);
    ListPermissionSetProvisioningStatusResponse second = page(null, 2, first.getPageInfo().getNextMarker());

    assertThat(ids(first)).containsExactly(requests.get(5), requests.get(4));
    assertThat(ids(second)).containsExactly(requests.get(4), requests.get(3));
  }

  @Test
  void listsNewestFirstByDefaultAndOldestFirstWhenAsked() {
    start(Options.defaults());
    List<String> requests = sixRequestsASecondApart();
    String sameInstant = provision(DemoWorld.PAYMENTS);
    String createdRightAfter = provision(DemoWorld.ANALYTICS);

    List<String> newestFirst = all(null).stream().map(PermissionSetProvisioningStatusMetadataDto::getRequestId)
        .toList();
    simulator.close();
    start(Options.defaults().withListOrder(ListOrder.OLDEST_FIRST));
    List<String> oldest = sixRequestsASecondApart();

    assertThat(newestFirst).containsExactly(createdRightAfter, sameInstant, requests.get(5), requests.get(4),
        requests.get(3), requests.get(2), requests.get(1), requests.get(0));
    assertThat(all(null)).extracting(PermissionSetProvisioningStatusMetadataDto::getRequestId)
        .containsExactlyElementsOf(oldest);
  }

  @Test
  void keysetPagesNewestFirstPageThroughEverything() {
    start(Options.defaults().withHistory(30));
    List<String> requests = sixRequestsASecondApart();

    List<String> paged = new ArrayList<>();
    String marker = null;
    do {
      ListPermissionSetProvisioningStatusResponse page = page(null, 7, marker);
      paged.addAll(ids(page));
      marker = page.getPageInfo().getNextMarker();
    } while (marker != null);

    assertThat(paged).hasSize(36).doesNotHaveDuplicates().startsWith(requests.get(5), requests.get(4));
  }

  @Test
  void aNewRequestShowsInListsOnlyAfterTheLagButIsDescribedAtOnce() {
    start(Options.defaults().withListLag(Duration.ofSeconds(2)));

    String requestId = provision(DemoWorld.PAYMENTS);

    assertThat(describe(requestId).getStatus()).hasToString("IN_PROGRESS");
    assertThat(all(null)).isEmpty();
    assertThat(all(IN_PROGRESS)).isEmpty();
    clock.advance(Duration.ofMillis(1999));
    assertThat(all(null)).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(all(IN_PROGRESS)).extracting(PermissionSetProvisioningStatusMetadataDto::getRequestId)
        .containsExactly(requestId);
  }
}
