package dev.operators.permissionset.simulator;

import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.huaweicloud.sdk.core.auth.GlobalCredentials;
import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.core.exception.ServerResponseException;
import com.huaweicloud.sdk.core.exception.ServiceResponseException;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.identitycenter.v1.IdentityCenterClient;
import com.huaweicloud.sdk.identitycenter.v1.model.DescribePermissionSetProvisioningStatusRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.InstanceMetadataEntryDto;
import com.huaweicloud.sdk.identitycenter.v1.model.ListAccountsForProvisionedPermissionSetRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.ListAccountsForProvisionedPermissionSetResponse;
import com.huaweicloud.sdk.identitycenter.v1.model.ListInstancesRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.ListInstancesResponse;
import com.huaweicloud.sdk.identitycenter.v1.model.ListPermissionSetProvisioningStatusRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.ListPermissionSetProvisioningStatusResponse;
import com.huaweicloud.sdk.identitycenter.v1.model.ListPermissionSetsRequest;
import com.huaweicloud.sdk.identitycenter.v1.model.ListPermissionSetsResponse;
import com.huaweicloud.sdk.identitycenter.v1.model.PermissionSetDto;
import com.huaweicloud.sdk.identitycenter.v1.model.PermissionSetProvisioningStatusDto;
import com.huaweicloud.sdk.identitycenter.v1.model.ProvisionPermissionSetReqBody;
import com.huaweicloud.sdk.identitycenter.v1.model.ProvisionPermissionSetRequest;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Huawei Cloud Java SDK against the simulator: it signs with its own signer and parses every answer
 * and error. Whatever it cannot tell from the service, our client may rely on.
 */
class SimulatorFidelityTest {

  private final MutableClock clock = new MutableClock(Instant.now());
  private IdentityCenterSimulator simulator;

  @BeforeEach
  void start() {
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withClock(clock));
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private IdentityCenterClient sdk(String accessKey, String secretKey) {
    return IdentityCenterClient.newBuilder()
        .withCredential(new GlobalCredentials().withAk(accessKey).withSk(secretKey)
            .withDomainId(DemoWorld.DOMAIN_ID))
        .withEndpoints(List.of(simulator.endpoint().toString()))
        .withHttpConfig(HttpConfig.getDefaultHttpConfig().withTimeout(10))
        .build();
  }

  private IdentityCenterClient demoSdk() {
    return sdk(DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY);
  }

  private static <T extends ServiceResponseException> T failure(Class<T> type, Supplier<?> call) {
    T failure = catchThrowableOfType(type, call::get);
    assertThat(failure).as("expected " + type.getSimpleName()).isNotNull();
    return failure;
  }

  private PermissionSetProvisioningStatusDto provision(IdentityCenterClient sdk, String account) {
    return sdk.provisionPermissionSet(new ProvisionPermissionSetRequest().withInstanceId(INSTANCE)
        .withPermissionSetId(READ_ONLY).withBody(new ProvisionPermissionSetReqBody().withTargetId(account)
            .withTargetType(ProvisionPermissionSetReqBody.TargetTypeEnum.ACCOUNT)))
        .getPermissionSetProvisioningStatus();
  }

  private PermissionSetProvisioningStatusDto describe(IdentityCenterClient sdk, String requestId) {
    return sdk.describePermissionSetProvisioningStatus(new DescribePermissionSetProvisioningStatusRequest()
        .withInstanceId(INSTANCE).withRequestId(requestId)).getPermissionSetProvisioningStatus();
  }

  @Test
  void listsPermissionSetsPageByPageAndByName() {
    IdentityCenterClient sdk = demoSdk();
    List<PermissionSetDto> all = new ArrayList<>();
    String marker = null;
    int pages = 0;
    do {
      ListPermissionSetsResponse page = sdk.listPermissionSets(new ListPermissionSetsRequest()
          .withInstanceId(INSTANCE).withLimit(60).withMarker(marker));
      all.addAll(page.getPermissionSets());
      assertThat(page.getPageInfo().getCurrentCount()).isEqualTo(page.getPermissionSets().size());
      marker = page.getPageInfo().getNextMarker();
      pages++;
    } while (marker != null);

    assertThat(pages).isEqualTo(3);
    assertThat(all).hasSize(143).extracting(PermissionSetDto::getPermissionSetId).doesNotHaveDuplicates();
    assertThat(all.get(0).getName()).isEqualTo("ReadOnlyAccess");
    assertThat(all.get(0).getCreatedDate()).isPositive();
    assertThat(all.get(0).getPermissionUrn()).endsWith(READ_ONLY);

    ListPermissionSetsResponse byName = sdk.listPermissionSets(new ListPermissionSetsRequest()
        .withInstanceId(INSTANCE).withName("AdministratorAccess"));
    assertThat(byName.getPermissionSets()).singleElement()
        .satisfies(set -> assertThat(set.getPermissionSetId()).isEqualTo(ADMINISTRATOR));
    assertThat(byName.getPageInfo().getNextMarker()).isNull();
  }

  @Test
  void listsTheInstancesTheKeyPairMayActOnPageByPage() {
    String second = "ins-00000000000000b2";
    SimulatorFixture demo = SimulatorFixture.demo();
    SimulatorFixture fixture = new SimulatorFixture(demo.provisioningLatency(), List.of(new SimulatorFixture.Credential(
        DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY, null, DemoWorld.DOMAIN_ID,
        List.of(INSTANCE, "ins-ffffffffffffffff", second))), List.of(demo.instances().get(0),
        new SimulatorFixture.Instance(second, List.of(), 0, List.of(), Map.of())));
    try (IdentityCenterSimulator two = IdentityCenterSimulator.start(fixture,
        IdentityCenterSimulator.Options.defaults().withClock(clock))) {
      IdentityCenterClient sdk = IdentityCenterClient.newBuilder()
          .withCredential(new GlobalCredentials().withAk(DemoWorld.ACCESS_KEY).withSk(DemoWorld.SECRET_KEY)
              .withDomainId(DemoWorld.DOMAIN_ID))
          .withEndpoints(List.of(two.endpoint().toString()))
          .build();

      ListInstancesResponse first = sdk.listInstances(new ListInstancesRequest().withLimit(1));
      ListInstancesResponse rest = sdk.listInstances(new ListInstancesRequest().withLimit(1)
          .withMarker(first.getPageInfo().getNextMarker()));

      assertThat(first.getHttpStatusCode()).isEqualTo(200);
      assertThat(first.getInstances()).singleElement().satisfies(instance -> {
        assertThat(instance.getInstanceId()).isEqualTo(INSTANCE).hasSize(20);
        assertThat(instance.getIdentityStoreId()).matches("d-[0-9a-f]{10}");
        assertThat(instance.getInstanceUrn()).isEqualTo("IdentityCenter::system:instance:" + INSTANCE);
        assertThat(instance.getAlias()).isNull();
      });
      assertThat(first.getPageInfo().getCurrentCount()).isEqualTo(1);
      assertThat(first.getPageInfo().getNextMarker()).hasSize(24);
      assertThat(rest.getInstances()).extracting(InstanceMetadataEntryDto::getInstanceId).containsExactly(second);
      assertThat(rest.getPageInfo().getNextMarker()).isNull();
      assertThat(sdk.listInstances(new ListInstancesRequest()).getInstances())
          .extracting(InstanceMetadataEntryDto::getInstanceId).containsExactly(INSTANCE, second);
      assertThat(two.counts().calls()).isEqualTo(Map.of(IdentityCenterSimulator.LIST_INSTANCES, Map.of("200", 3L)));
    }
  }

  @Test
  void listingInstancesNeedsAValidKeyPairWithPermission() {
    ClientRequestException wrongSecret = failure(ClientRequestException.class, () ->
        sdk(DemoWorld.ACCESS_KEY, "not-the-secret").listInstances(new ListInstancesRequest().withLimit(1)));
    ClientRequestException noPermission = failure(ClientRequestException.class, () ->
        sdk(DemoWorld.NO_PERMISSION_ACCESS_KEY, DemoWorld.NO_PERMISSION_SECRET_KEY)
            .listInstances(new ListInstancesRequest().withLimit(1)));

    assertThat(wrongSecret.getHttpStatusCode()).isEqualTo(401);
    assertGatewayError(wrongSecret, "APIGW.0301");
    assertThat(noPermission.getHttpStatusCode()).isEqualTo(403);
    assertThat(noPermission.getErrorCode()).isEqualTo("IIC.1000");
    assertThat(noPermission.getErrorMsg()).contains("IdentityCenter:instance:list");
    assertThat(noPermission.getEncodedAuthorizationMessage()).isNotBlank();
    assertThat(simulator.counts().calls()).isEqualTo(Map.of(IdentityCenterSimulator.LIST_INSTANCES,
        Map.of("401", 1L, "403", 1L)));
  }

  @Test
  void provisionsAndDescribesUntilSucceeded() {
    IdentityCenterClient sdk = demoSdk();

    PermissionSetProvisioningStatusDto started = provision(sdk, PAYMENTS);

    assertThat(started.getStatus()).hasToString("IN_PROGRESS");
    assertThat(started.getRequestId()).hasSize(36);
    assertThat(started.getAccountId()).isEqualTo(PAYMENTS);
    assertThat(started.getPermissionSetId()).isEqualTo(READ_ONLY);
    assertThat(Long.parseLong(started.getCreatedDate())).isEqualTo(clock.instant().toEpochMilli());
    assertThat(describe(sdk, started.getRequestId()).getStatus()).hasToString("IN_PROGRESS");

    clock.advance(Duration.ofSeconds(3));

    PermissionSetProvisioningStatusDto done = describe(sdk, started.getRequestId());
    assertThat(done.getStatus()).hasToString("SUCCEEDED");
    assertThat(done.getFailureReason()).isEmpty();
    assertThat(sdk.listAccountsForProvisionedPermissionSet(new ListAccountsForProvisionedPermissionSetRequest()
        .withInstanceId(INSTANCE).withPermissionSetId(READ_ONLY).withProvisioningStatus(
            ListAccountsForProvisionedPermissionSetRequest.ProvisioningStatusEnum.LATEST_PERMISSION_SET_PROVISIONED))
        .getAccountIds()).contains(PAYMENTS);
  }

  private static ListAccountsForProvisionedPermissionSetResponse accounts(IdentityCenterClient sdk,
      ListAccountsForProvisionedPermissionSetRequest.ProvisioningStatusEnum status, int limit, String marker) {
    return sdk.listAccountsForProvisionedPermissionSet(new ListAccountsForProvisionedPermissionSetRequest()
        .withInstanceId(INSTANCE).withPermissionSetId(READ_ONLY).withProvisioningStatus(status).withLimit(limit)
        .withMarker(marker));
  }

  @Test
  void listsTheAccountsATouchMadeOutOfDateUntilAProvisioningBringsThemUpToDate() {
    IdentityCenterClient sdk = demoSdk();
    var outdated = ListAccountsForProvisionedPermissionSetRequest.ProvisioningStatusEnum
        .LATEST_PERMISSION_SET_NOT_PROVISIONED;
    var latest = ListAccountsForProvisionedPermissionSetRequest.ProvisioningStatusEnum
        .LATEST_PERMISSION_SET_PROVISIONED;
    assertThat(accounts(sdk, outdated, 100, null).getAccountIds()).isEmpty();

    simulator.touchPermissionSet(INSTANCE, READ_ONLY);

    ListAccountsForProvisionedPermissionSetResponse first = accounts(sdk, outdated, 1, null);
    assertThat(first.getHttpStatusCode()).isEqualTo(200);
    assertThat(first.getAccountIds()).containsExactly(PAYMENTS);
    assertThat(first.getPageInfo().getCurrentCount()).isEqualTo(1);
    assertThat(first.getPageInfo().getNextMarker()).hasSize(24);
    ListAccountsForProvisionedPermissionSetResponse second =
        accounts(sdk, outdated, 1, first.getPageInfo().getNextMarker());
    assertThat(second.getAccountIds()).containsExactly(ANALYTICS);
    assertThat(second.getPageInfo().getNextMarker()).isNull();
    assertThat(accounts(sdk, latest, 100, null).getAccountIds()).isEmpty();

    String repair = provision(sdk, PAYMENTS).getRequestId();
    assertThat(accounts(sdk, outdated, 100, null).getAccountIds()).containsExactly(PAYMENTS, ANALYTICS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(describe(sdk, repair).getStatus()).hasToString("SUCCEEDED");

    assertThat(accounts(sdk, outdated, 100, null).getAccountIds()).containsExactly(ANALYTICS);
    assertThat(accounts(sdk, latest, 100, null).getAccountIds()).containsExactly(PAYMENTS);
    assertThat(accounts(sdk, null, 100, null).getAccountIds()).containsExactly(PAYMENTS, ANALYTICS);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_ACCOUNTS, "200")).isEqualTo(8);
  }

  @Test
  void failingAccountEndsFailedWithItsReason() {
    IdentityCenterClient sdk = demoSdk();
    PermissionSetProvisioningStatusDto started = provision(sdk, LEGACY);

    clock.advance(Duration.ofSeconds(3));

    PermissionSetProvisioningStatusDto done = describe(sdk, started.getRequestId());
    assertThat(done.getStatus()).hasToString("FAILED");
    assertThat(done.getFailureReason()).contains("suspended");
  }

  @Test
  void provisionsToAllProvisionedAccounts() {
    PermissionSetProvisioningStatusDto started = demoSdk().provisionPermissionSet(new ProvisionPermissionSetRequest()
        .withInstanceId(INSTANCE).withPermissionSetId(READ_ONLY).withBody(new ProvisionPermissionSetReqBody()
            .withTargetType(ProvisionPermissionSetReqBody.TargetTypeEnum.ALL_PROVISIONED_ACCOUNTS)))
        .getPermissionSetProvisioningStatus();

    clock.advance(Duration.ofSeconds(3));

    assertThat(describe(demoSdk(), started.getRequestId()).getStatus()).hasToString("SUCCEEDED");
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, "ALL_PROVISIONED_ACCOUNTS"))
        .isEqualTo(1);
  }

  @Test
  void listsProvisioningStatusesByStatusAndPage() {
    IdentityCenterClient sdk = demoSdk();
    for (int i = 0; i < 5; i++) {
      provision(sdk, SANDBOX);
    }
    clock.advance(Duration.ofSeconds(3));
    String inFlight = provision(sdk, PAYMENTS).getRequestId();

    ListPermissionSetProvisioningStatusResponse first = sdk.listPermissionSetProvisioningStatus(
        new ListPermissionSetProvisioningStatusRequest().withInstanceId(INSTANCE).withLimit(3)
            .withStatus(ListPermissionSetProvisioningStatusRequest.StatusEnum.SUCCEEDED));
    ListPermissionSetProvisioningStatusResponse second = sdk.listPermissionSetProvisioningStatus(
        new ListPermissionSetProvisioningStatusRequest().withInstanceId(INSTANCE).withLimit(3)
            .withStatus(ListPermissionSetProvisioningStatusRequest.StatusEnum.SUCCEEDED)
            .withMarker(first.getPageInfo().getNextMarker()));
    ListPermissionSetProvisioningStatusResponse running = sdk.listPermissionSetProvisioningStatus(
        new ListPermissionSetProvisioningStatusRequest().withInstanceId(INSTANCE)
            .withStatus(ListPermissionSetProvisioningStatusRequest.StatusEnum.IN_PROGRESS));

    assertThat(first.getPermissionSetsProvisioningStatus()).hasSize(3);
    assertThat(first.getPageInfo().getNextMarker()).hasSize(24);
    assertThat(second.getPermissionSetsProvisioningStatus()).hasSize(2);
    assertThat(second.getPageInfo().getNextMarker()).isNull();
    assertThat(running.getPermissionSetsProvisioningStatus()).singleElement().satisfies(entry -> {
      assertThat(entry.getRequestId()).isEqualTo(inFlight);
      assertThat(entry.getCreatedDate()).isEqualTo(clock.instant().toEpochMilli());
    });
  }

  @Test
  void documentedClientErrorsReachTheSdkWithTheirCodes() {
    IdentityCenterClient sdk = demoSdk();

    ClientRequestException unknownSet = failure(ClientRequestException.class, () -> sdk.provisionPermissionSet(
        new ProvisionPermissionSetRequest().withInstanceId(INSTANCE).withPermissionSetId("ps-0000000000000000")
            .withBody(new ProvisionPermissionSetReqBody().withTargetId(PAYMENTS)
                .withTargetType(ProvisionPermissionSetReqBody.TargetTypeEnum.ACCOUNT))));
    assertThat(unknownSet.getHttpStatusCode()).isEqualTo(404);
    assertThat(unknownSet.getErrorCode()).isEqualTo("IIC.1205");
    assertThat(unknownSet.getErrorMsg()).isEqualTo("The permission set does not exist.");

    ClientRequestException unknownAccount = failure(ClientRequestException.class, () -> provision(sdk,
        "ffffffffffffffffffffffffffffffff"));
    assertThat(unknownAccount.getHttpStatusCode()).isEqualTo(400);
    assertThat(unknownAccount.getErrorCode()).isEqualTo("IIC.1210");

    ClientRequestException badLimit = failure(ClientRequestException.class, () -> sdk.listPermissionSets(
        new ListPermissionSetsRequest().withInstanceId(INSTANCE).withLimit(101)));
    assertThat(badLimit.getErrorCode()).isEqualTo("IIC.400");
    assertThat(badLimit.getErrorMsg()).contains("limit");

    ClientRequestException shortRequestId = failure(ClientRequestException.class, () -> describe(sdk, "abc"));
    assertThat(shortRequestId.getHttpStatusCode()).isEqualTo(400);

    ClientRequestException unknownRequest = failure(ClientRequestException.class, () -> describe(sdk,
        "00000000-0000-0000-0000-000000000000"));
    assertThat(unknownRequest.getHttpStatusCode()).isEqualTo(404);
    assertThat(unknownRequest.getErrorCode()).isEqualTo("IIC.404");

    ClientRequestException unknownInstance = failure(ClientRequestException.class, () -> sdk.listPermissionSets(
        new ListPermissionSetsRequest().withInstanceId("ins-0000000000000000")));
    assertThat(unknownInstance.getHttpStatusCode()).isEqualTo(404);
  }

  /**
   * The gateway answers with {@code error_code}, {@code error_msg} and {@code request_id}, as real gateways do; SDK
   * 3.1.143 reads the code only next to {@code error_msg}, and the request ID from the X-Request-Id header.
   */
  private static void assertGatewayError(ServiceResponseException failure, String code) {
    assertThat(failure.getErrorCode()).isEqualTo(code);
    assertThat(failure.getErrorMsg()).doesNotContain("error_code");
    assertThat(failure.getRequestId()).matches("[0-9a-f]{32}");
  }

  @Test
  void authenticationAndPermissionFailuresLookLikeTheGateways() {
    ClientRequestException wrongSecret = failure(ClientRequestException.class, () ->
        sdk(DemoWorld.ACCESS_KEY, "not-the-secret").listPermissionSets(
            new ListPermissionSetsRequest().withInstanceId(INSTANCE)));
    assertThat(wrongSecret.getHttpStatusCode()).isEqualTo(401);
    assertGatewayError(wrongSecret, "APIGW.0301");
    assertThat(wrongSecret.getErrorMsg()).contains("signature").doesNotContain("not-the-secret");

    ClientRequestException noPermission = failure(ClientRequestException.class, () ->
        sdk(DemoWorld.NO_PERMISSION_ACCESS_KEY, DemoWorld.NO_PERMISSION_SECRET_KEY).listPermissionSets(
            new ListPermissionSetsRequest().withInstanceId(INSTANCE)));
    assertThat(noPermission.getHttpStatusCode()).isEqualTo(403);
    assertThat(noPermission.getErrorCode()).isEqualTo("IIC.1000");
  }

  @Test
  void throttlingAndServerErrorsReachTheSdk() {
    IdentityCenterClient sdk = demoSdk();
    simulator.faults().rateLimitPerSecond(1);
    sdk.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE));

    ClientRequestException throttled = failure(ClientRequestException.class, () ->
        sdk.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE)));
    assertThat(throttled.getHttpStatusCode()).isEqualTo(429);
    assertGatewayError(throttled, "APIGW.0308");
    assertThat(throttled.getErrorMsg()).contains("throttling threshold");

    simulator.faults().rateLimitPerSecond(0).serverErrorRate(1);
    ServerResponseException outage = failure(ServerResponseException.class, () ->
        sdk.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE)));
    assertThat(outage.getHttpStatusCode()).isBetween(500, 503);
  }

  @Test
  void aSkewedClockIsTheGatewaysExpiredSignature() {
    clock.advance(Duration.ofMinutes(16));

    ClientRequestException skewed = failure(ClientRequestException.class, () ->
        demoSdk().listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE)));

    assertThat(skewed.getHttpStatusCode()).isEqualTo(401);
    assertGatewayError(skewed, "APIGW.0301");
    assertThat(skewed.getErrorMsg()).contains("calc aksk signature fail:signature expired, signature time:");
  }

  @Test
  void aMarkerTheSimulatorNeverIssuedIsRejected() {
    IdentityCenterClient sdk = demoSdk();
    String permissionSetsMarker = sdk.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE)
        .withLimit(1)).getPageInfo().getNextMarker();

    for (String marker : List.of("0000000000000000000000ff", permissionSetsMarker)) {
      ClientRequestException unknown = failure(ClientRequestException.class, () ->
          sdk.listPermissionSetProvisioningStatus(new ListPermissionSetProvisioningStatusRequest()
              .withInstanceId(INSTANCE).withMarker(marker)));
      assertThat(unknown.getHttpStatusCode()).isEqualTo(400);
      assertThat(unknown.getErrorCode()).isEqualTo("IIC.400");
      assertThat(unknown.getErrorMsg()).contains("marker");
    }
    assertThat(sdk.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE).withLimit(1)
        .withMarker(permissionSetsMarker)).getPermissionSets()).hasSize(1);
  }

  @Test
  void describeErrorsCarryTheEncodedAuthorizationMessageItsPageDocuments() {
    ClientRequestException badId = failure(ClientRequestException.class, () -> describe(demoSdk(), "abc"));
    ClientRequestException unknown = failure(ClientRequestException.class, () -> describe(demoSdk(),
        "00000000-0000-0000-0000-000000000000"));
    IdentityCenterClient denied = sdk(DemoWorld.NO_PERMISSION_ACCESS_KEY, DemoWorld.NO_PERMISSION_SECRET_KEY);
    ClientRequestException forbidden = failure(ClientRequestException.class, () -> describe(denied,
        "00000000-0000-0000-0000-000000000000"));
    ClientRequestException forbiddenList = failure(ClientRequestException.class, () ->
        denied.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE)));

    assertThat(badId.getHttpStatusCode()).isEqualTo(400);
    assertThat(badId.getEncodedAuthorizationMessage()).isEmpty();
    assertThat(unknown.getEncodedAuthorizationMessage()).isEmpty();
    assertThat(forbidden.getHttpStatusCode()).isEqualTo(403);
    assertThat(forbidden.getErrorCode()).isEqualTo("IIC.1000");
    assertThat(forbidden.getEncodedAuthorizationMessage()).isNotBlank();
    assertThat(forbiddenList.getEncodedAuthorizationMessage()).isNull();
  }

  @Test
  void theSdkCallsOverTls() {
    TlsIdentity identity = TlsIdentity.selfSigned(List.of(), clock);
    try (IdentityCenterSimulator secure = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withClock(clock).withTls(identity))) {
      IdentityCenterClient sdk = IdentityCenterClient.newBuilder()
          .withCredential(new GlobalCredentials().withAk(DemoWorld.ACCESS_KEY).withSk(DemoWorld.SECRET_KEY)
              .withDomainId(DemoWorld.DOMAIN_ID))
          .withEndpoints(List.of(secure.endpoint().toString()))
          .withHttpConfig(HttpConfig.getDefaultHttpConfig().withTimeout(10).withIgnoreSSLVerification(true))
          .build();

      assertThat(secure.endpoint().getScheme()).isEqualTo("https");
      assertThat(sdk.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE).withLimit(1))
          .getPermissionSets()).hasSize(1);
    }
  }

  @Test
  void temporaryCredentialsNeedTheirSecurityToken() {
    SimulatorFixture fixture = new SimulatorFixture(Duration.ofSeconds(1), List.of(
        new SimulatorFixture.Credential("TEMPAK", "temp-sk", "session-token", null, List.of(INSTANCE))),
        SimulatorFixture.demo().instances());
    try (IdentityCenterSimulator temporary = IdentityCenterSimulator.start(fixture,
        IdentityCenterSimulator.Options.defaults())) {
      IdentityCenterClient withToken = IdentityCenterClient.newBuilder()
          .withCredential(new GlobalCredentials().withAk("TEMPAK").withSk("temp-sk")
              .withSecurityToken("session-token").withDomainId("d"))
          .withEndpoints(List.of(temporary.endpoint().toString())).build();
      IdentityCenterClient withoutToken = IdentityCenterClient.newBuilder()
          .withCredential(new GlobalCredentials().withAk("TEMPAK").withSk("temp-sk").withDomainId("d"))
          .withEndpoints(List.of(temporary.endpoint().toString())).build();

      assertThat(withToken.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE))
          .getPermissionSets()).isNotEmpty();
      ClientRequestException missing = failure(ClientRequestException.class, () ->
          withoutToken.listPermissionSets(new ListPermissionSetsRequest().withInstanceId(INSTANCE)));
      assertThat(missing.getHttpStatusCode()).isEqualTo(401);
      assertThat(temporary.counts().count(IdentityCenterSimulator.LIST_PERMISSION_SETS, "401")).isEqualTo(1);
      assertThat(temporary.counts().calls()).isEqualTo(Map.of(IdentityCenterSimulator.LIST_PERMISSION_SETS,
          Map.of("200", 1L, "401", 1L)));
    }
  }
}
