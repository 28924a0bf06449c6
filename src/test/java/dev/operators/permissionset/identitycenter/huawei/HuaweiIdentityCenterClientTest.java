package dev.operators.permissionset.identitycenter.huawei;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.identitycenter.huawei.AkSkSigner.SignableRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against a local HTTP server: what goes on the wire, byte for byte, with the signature recomputed from
 * the recorded request as the gateway would; and what every kind of answer turns into.
 */
class HuaweiIdentityCenterClientTest {

  private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");
  private static final String SDK_DATE = "20240102T030405Z";
  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String REQUEST_ID = "a1177591-c8c7-c492-38e6-0563d34cad92";
  private static final CloudCredentials PLAIN = CloudCredentials.of("AKPLAIN00000000000001", "sk-plain-secret");
  private static final CloudCredentials TEMPORARY = new CloudCredentials("AKTEMP000000000000001",
      "sk-temporary-secret", Optional.of("token+/=tempsession"), Optional.of("d0m41n0000000000000000000000demo"));
  private static final String SEED_STATUS = "{\"permission_set_provisioning_status\":{"
      + "\"account_id\":\"5146d03d8aaaaaaaaaaaabbae60620a5\",\"created_date\":\"1677175760379\","
      + "\"failure_reason\":\"\",\"permission_set_id\":\"ps-8603aaaaaaaa14bd\","
      + "\"request_id\":\"" + REQUEST_ID + "\",\"status\":\"SUCCEEDED\"}}";

  private static final ProxySelector NO_PROXY = EnvironmentProxySelector.fromEnvironment(Map.of());

  private MockWebServer server;
  private HuaweiIdentityCenterClientFactory factory;

  @BeforeEach
  void startServer() throws IOException {
    server = new MockWebServer();
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    factory = factoryFor(Duration.ofSeconds(5));
  }

  @AfterEach
  void stopServer() throws IOException {
    factory.close();
    server.shutdown();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A plain http endpoint, as the mock server serves, allowed as a connection allows it for a simulator. */
  private static CloudEndpoint at(String url) {
    return new CloudEndpoint(URI.create(url), Optional.empty(), true);
  }

  private static HuaweiIdentityCenterClientFactory factoryFor(Duration readTimeout) {
    return new HuaweiIdentityCenterClientFactory(Duration.ofSeconds(5), readTimeout, Duration.ofSeconds(20),
        Clock.fixed(NOW, ZoneOffset.UTC), OptionalDouble.empty(), NO_PROXY);
  }

  private IdentityCenterClient clientFor(CloudCredentials credentials) {
    return factory.forConnection(at(url()), credentials);
  }

  private IdentityCenterClient client() {
    return clientFor(PLAIN);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the server").isNotNull();
    return request;
  }

  /** Verifies the signature as the gateway does, from nothing but the request as it arrived. */
  private static void assertSignedBy(RecordedRequest recorded, CloudCredentials credentials,
      String... expectedSignedHeaders) {
    String authorization = recorded.getHeader("Authorization");
    AkSkSigner.Authorization parsed = AkSkSigner.parseAuthorization(authorization).orElseThrow();
    assertThat(parsed.accessKey()).isEqualTo(credentials.accessKey());
    assertThat(parsed.signedHeaders()).containsExactly(expectedSignedHeaders);

    TreeMap<String, String> signedHeaders = new TreeMap<>();
    parsed.signedHeaders().forEach(name -> signedHeaders.put(name, recorded.getHeader(name)));
    String target = recorded.getPath();
    int question = target.indexOf('?');
    String rawPath = question < 0 ? target : target.substring(0, question);
    String decodedPath = Stream.of(rawPath.split("/", -1)).map(HuaweiIdentityCenterClientTest::decode)
        .collect(Collectors.joining("/"));
    List<Map.Entry<String, String>> query = new ArrayList<>();
    if (question >= 0) {
      for (String parameter : target.substring(question + 1).split("&")) {
        String[] nameAndValue = parameter.split("=", 2);
        query.add(Map.entry(decode(nameAndValue[0]), nameAndValue.length == 2 ? decode(nameAndValue[1]) : ""));
      }
    }
    SignableRequest asReceived = new SignableRequest(recorded.getMethod(), decodedPath, query, signedHeaders,
        AkSkSigner.sha256Hex(recorded.getBody().clone().readByteArray()));

    assertThat(authorization)
        .isEqualTo(AkSkSigner.authorization(asReceived, credentials.accessKey(), credentials.secretKey()));
  }

  private static String decode(String encoded) {
    return URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IdentityCenterException failureOf(Runnable call) {
    return catchThrowableOfType(IdentityCenterException.class, call::run);
  }

  @Nested
  class OnTheWire {

    @Test
    void provisionToAnAccountPostsTheSignedJsonBody() throws InterruptedException {
      server.enqueue(json(200, SEED_STATUS));

      ProvisioningRequest request = clientFor(TEMPORARY)
          .provision(INSTANCE, "ps-8603aaaaaaaa14bd", ProvisioningTarget.account("5146d03d8aaaaaaaaaaaabbae60620a5"));

      RecordedRequest recorded = take();
      assertThat(recorded.getRequestLine())
          .isEqualTo("POST /v1/instances/" + INSTANCE + "/permission-sets/ps-8603aaaaaaaa14bd/provision HTTP/1.1");
      assertThat(recorded.getBody().clone().readUtf8())
          .isEqualTo("{\"target_id\":\"5146d03d8aaaaaaaaaaaabbae60620a5\",\"target_type\":\"ACCOUNT\"}");
      assertThat(recorded.getHeaders().names()).containsExactlyInAnyOrder("Host", "Connection", "Accept-Encoding",
          "User-Agent", "X-Sdk-Date", "Authorization", "X-Domain-Id", "X-Security-Token", "Content-Type",
          "Content-Length");
      assertThat(recorded.getHeader("Host")).isEqualTo("127.0.0.1:" + server.getPort());
      assertThat(recorded.getHeader("Content-Type")).isEqualTo("application/json");
      assertThat(recorded.getHeader("User-Agent")).isEqualTo("permission-set-operator");
      assertThat(recorded.getHeader("X-Sdk-Date")).isEqualTo(SDK_DATE);
      assertThat(recorded.getHeader("X-Domain-Id")).isEqualTo("d0m41n0000000000000000000000demo");
      assertThat(recorded.getHeader("X-Security-Token")).isEqualTo("token+/=tempsession");
      assertSignedBy(recorded, TEMPORARY, "host", "x-domain-id", "x-sdk-date", "x-security-token");

      assertThat(request).isEqualTo(new ProvisioningRequest(REQUEST_ID, ProvisioningStatus.SUCCEEDED, "SUCCEEDED",
          Optional.of("5146d03d8aaaaaaaaaaaabbae60620a5"), Optional.of("ps-8603aaaaaaaa14bd"), Optional.empty(),
          Optional.of(Instant.ofEpochMilli(1677175760379L))));
    }

    @Test
    void provisionToAllProvisionedAccountsSendsNoTargetId() throws InterruptedException {
      server.enqueue(json(200, SEED_STATUS.replace("SUCCEEDED", "IN_PROGRESS")));

      ProvisioningRequest request =
          client().provision(INSTANCE, "ps-8603aaaaaaaa14bd", ProvisioningTarget.allProvisionedAccounts());

      RecordedRequest recorded = take();
      assertThat(recorded.getBody().clone().readUtf8()).isEqualTo("{\"target_type\":\"ALL_PROVISIONED_ACCOUNTS\"}");
      assertThat(recorded.getHeaders().names()).doesNotContain("X-Domain-Id", "X-Security-Token");
      assertSignedBy(recorded, PLAIN, "host", "x-sdk-date");
      assertThat(request.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
    }

    @Test
    void describeIsASignedGetWithoutBodyOrContentType() throws InterruptedException {
      server.enqueue(json(200, SEED_STATUS.replace("\"SUCCEEDED\"", "\"FAILED\"")
          .replace("\"failure_reason\":\"\"", "\"failure_reason\":\"The account is suspended.\"")));

      ProvisioningRequest request = client().describeProvisioning(INSTANCE, REQUEST_ID);

      RecordedRequest recorded = take();
      assertThat(recorded.getRequestLine()).isEqualTo("GET /v1/instances/" + INSTANCE
          + "/permission-sets/provisioning-status/" + REQUEST_ID + " HTTP/1.1");
      assertThat(recorded.getBodySize()).isZero();
      assertThat(recorded.getHeaders().names()).containsExactlyInAnyOrder("Host", "Connection", "Accept-Encoding",
          "User-Agent", "X-Sdk-Date", "Authorization");
      assertSignedBy(recorded, PLAIN, "host", "x-sdk-date");
      assertThat(request.status()).isEqualTo(ProvisioningStatus.FAILED);
      assertThat(request.failureReason()).contains("The account is suspended.");
    }

    @Test
    void listProvisioningSendsLimitMarkerAndStatus() throws InterruptedException {
      server.enqueue(json(200, "{\"permission_sets_provisioning_status\":["
          + "{\"created_date\":1677175760379,\"request_id\":\"r-1\",\"status\":\"FAILED\"},"
          + "{\"created_date\":1677175760380,\"request_id\":\"r-2\",\"status\":\"FAILED\"}],"
          + "\"page_info\":{\"next_marker\":\"649040aaaaaaaaaaaa3e3051\",\"current_count\":2}}"));

      Page<ProvisioningSummary> page = clientFor(TEMPORARY).listProvisioning(INSTANCE,
          Optional.of(ProvisioningStatus.FAILED), Optional.of("649040aaaaaaaaaaaa3e3050"));

      RecordedRequest recorded = take();
      assertThat(recorded.getPath()).isEqualTo("/v1/instances/" + INSTANCE
          + "/permission-sets/provisioning-statuses?limit=100&marker=649040aaaaaaaaaaaa3e3050&status=FAILED");
      assertThat(recorded.getMethod()).isEqualTo("GET");
      assertSignedBy(recorded, TEMPORARY, "host", "x-domain-id", "x-sdk-date", "x-security-token");
      assertThat(page.items()).containsExactly(
          new ProvisioningSummary("r-1", ProvisioningStatus.FAILED, "FAILED",
              Optional.of(Instant.ofEpochMilli(1677175760379L))),
          new ProvisioningSummary("r-2", ProvisioningStatus.FAILED, "FAILED",
              Optional.of(Instant.ofEpochMilli(1677175760380L))));
      assertThat(page.nextMarker()).contains("649040aaaaaaaaaaaa3e3051");
    }

    @Test
    void listProvisioningWithoutFiltersAsksForTheFirstPage() throws InterruptedException {
      server.enqueue(json(200, "{\"permission_sets_provisioning_status\":[],"
          + "\"page_info\":{\"next_marker\":null,\"current_count\":0}}"));

      Page<ProvisioningSummary> page = client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty());

      assertThat(take().getPath())
          .isEqualTo("/v1/instances/" + INSTANCE + "/permission-sets/provisioning-statuses?limit=100");
      assertThat(page.items()).isEmpty();
      assertThat(page.nextMarker()).isEmpty();
    }

    @Test
    void aDomainIdWithoutATokenIsSentAndSignedAlone() throws InterruptedException {
      CloudCredentials permanent = new CloudCredentials(PLAIN.accessKey(), PLAIN.secretKey(), Optional.empty(),
          Optional.of("d0m41n0000000000000000000000demo"));
      server.enqueue(json(200, SEED_STATUS));

      clientFor(permanent).describeProvisioning(INSTANCE, REQUEST_ID);

      RecordedRequest recorded = take();
      assertThat(recorded.getHeader("X-Domain-Id")).isEqualTo("d0m41n0000000000000000000000demo");
      assertThat(recorded.getHeaders().names()).doesNotContain("X-Security-Token");
      assertSignedBy(recorded, permanent, "host", "x-domain-id", "x-sdk-date");
    }

    @Test
    void aNameIsSentWithTheEncodingItIsSignedWith() throws InterruptedException {
      String name = "My Set*~ é+&=/%";
      server.enqueue(json(200, permissionSets(Optional.empty(), "ps-0000000000000001:" + name)));

      Optional<PermissionSet> found = clientFor(TEMPORARY).findPermissionSetByName(INSTANCE, name);

      RecordedRequest recorded = take();
      assertThat(recorded.getPath()).isEqualTo("/v1/instances/" + INSTANCE
          + "/permission-sets?limit=100&name=My%20Set%2A~%20%C3%A9%2B%26%3D%2F%25");
      assertSignedBy(recorded, TEMPORARY, "host", "x-domain-id", "x-sdk-date", "x-security-token");
      assertThat(found).map(PermissionSet::id).contains("ps-0000000000000001");
    }

    @Test
    void anEndpointWithAPathPrefixKeepsItAndSignsTheWholePath() throws InterruptedException {
      server.enqueue(json(200, SEED_STATUS));

      factory.forConnection(at(url() + "/proxy/iic/"), PLAIN).describeProvisioning(INSTANCE, REQUEST_ID);

      RecordedRequest recorded = take();
      assertThat(recorded.getPath()).isEqualTo("/proxy/iic/v1/instances/" + INSTANCE
          + "/permission-sets/provisioning-status/" + REQUEST_ID);
      assertSignedBy(recorded, PLAIN, "host", "x-sdk-date");
    }

    @Test
    void theSignedHostIsTheHostHeaderOkHttpSends() {
      for (String url : List.of("https://identitycenter.myhuaweicloud.com/v1", "https://iic.example.test:443/",
          "http://iic.example.test:80/", "https://IIC.Example.test:8443/", "http://127.0.0.1:18080/",
          "http://[::1]:8080/", "http://[::1]/")) {
        HttpUrl parsed = HttpUrl.get(url);
        assertThat(HuaweiIdentityCenterClient.hostHeader(parsed)).as(url)
            .isEqualTo(okhttp3.internal.Util.toHostHeader(parsed, false));
      }
      assertThat(HuaweiIdentityCenterClient.hostHeader(HttpUrl.get(HuaweiIdentityCenterClientFactory.DEFAULT_ENDPOINT)))
          .isEqualTo("identitycenter.myhuaweicloud.com");
    }
  }

  @Nested
  class CheckingAccess {

    private static final String ONE_INSTANCE = "{\"instances\":[{\"identity_store_id\":\"d-66f0a1b2c3\","
        + "\"instance_id\":\"" + INSTANCE + "\",\"alias\":null,\"instance_urn\":"
        + "\"IdentityCenter::system:instance:" + INSTANCE + "\"}],"
        + "\"page_info\":{\"next_marker\":\"aaaaaaaaaaaaaaaaaaaaaaa1\",\"current_count\":1}}";

    @Test
    void checkingAccessListsOneInstanceWithASignedGet() throws InterruptedException {
      server.enqueue(json(200, ONE_INSTANCE));

      clientFor(TEMPORARY).checkAccess();

      RecordedRequest recorded = take();
      assertThat(recorded.getRequestLine()).isEqualTo("GET /v1/instances?limit=1 HTTP/1.1");
      assertThat(recorded.getBodySize()).isZero();
      assertThat(recorded.getHeaders().names()).containsExactlyInAnyOrder("Host", "Connection", "Accept-Encoding",
          "User-Agent", "X-Sdk-Date", "Authorization", "X-Domain-Id", "X-Security-Token");
      assertSignedBy(recorded, TEMPORARY, "host", "x-domain-id", "x-sdk-date", "x-security-token");
      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void noInstanceIsStillAccess() {
      server.enqueue(json(200, "{\"instances\":[],\"page_info\":{\"next_marker\":null,\"current_count\":0}}"));

      client().checkAccess();

      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    static Stream<Arguments> refusals() {
      return Stream.of(
          Arguments.of(401, "{\"error_code\":\"APIGW.0301\",\"error_msg\":\"Incorrect IAM authentication "
              + "information: the signature does not match\"}", ErrorCategory.AUTHENTICATION_FAILED, "APIGW.0301"),
          Arguments.of(403, "{\"error_code\":\"IIC.1000\",\"error_msg\":\"No permission for action "
              + "IdentityCenter:instance:list.\",\"encoded_authorization_message\":\"opaque\"}",
              ErrorCategory.ACCESS_DENIED, "IIC.1000"),
          Arguments.of(403, "{\"error_code\":\"IIC.1215\",\"error_msg\":\"only organizations administrator "
              + "account can operate,please log in to the administrator account!\"}", ErrorCategory.ACCESS_DENIED,
              "IIC.1215"),
          Arguments.of(429, "{\"error_code\":\"APIGW.0308\",\"error_msg\":\"The throttling threshold has been "
              + "reached: policy user over ratelimit\"}", ErrorCategory.THROTTLED, "APIGW.0308"),
          Arguments.of(500, "{\"error_code\":\"IIC.500\",\"error_msg\":\"Internal Server Error.\"}",
              ErrorCategory.SERVER_ERROR, "IIC.500"),
          Arguments.of(503, "{\"error_code\":\"APIGW.0203\",\"error_msg\":\"Service temporarily unavailable."
              + "\"}", ErrorCategory.SERVER_ERROR, "APIGW.0203"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aRefusalIsTheCategoryOfItsStatus(int status, String body, ErrorCategory category, String code) {
      server.enqueue(json(status, body).setHeader("X-Request-Id", "req-check"));

      IdentityCenterException failure = failureOf(() -> client().checkAccess());

      assertThat(failure.operation()).isEqualTo("ListInstances");
      assertThat(failure.category()).isEqualTo(category);
      assertThat(failure.httpStatus()).isEqualTo(status);
      assertThat(failure.errorCode()).contains(code);
      assertThat(failure.cloudRequestId()).contains("req-check");
      assertThat(failure.getMessage()).doesNotContain(PLAIN.secretKey());
    }

    @Test
    void aProxysErrorPageIsAServerError() {
      server.enqueue(new MockResponse().setStatus("HTTP/1.1 502 Bad Gateway").setHeader("Content-Type", "text/html")
          .setBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));

      IdentityCenterException failure = failureOf(() -> client().checkAccess());

      assertThat(failure.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      assertThat(failure.getMessage()).startsWith("ListInstances failed with HTTP 502");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html><body>Welcome to the proxy</body></html>", "{}",
        "{\"instances\":{\"instance_id\":\"ins-4f1d2c3b4a596870\"}}", "{\"instances\":[{\"alias\":null}]}"})
    void aSuccessThatIsNoInstanceListIsAnInvalidResponse(String body) {
      server.enqueue(json(200, body));

      IdentityCenterException failure = failureOf(() -> client().checkAccess());

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.operation()).isEqualTo("ListInstances");
    }

    @Test
    void noAnswerIsUnavailable() {
      server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));

      IdentityCenterException failure = failureOf(() -> client().checkAccess());

      assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(failure.getMessage()).contains("no answer from 127.0.0.1:" + server.getPort());
    }

    @Test
    void unusableCredentialsAreRefusedWithoutACall() {
      IdentityCenterException failure = failureOf(() ->
          clientFor(CloudCredentials.of("AKGOOD000000000000001", " ")).checkAccess());

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("secret key is empty");
      assertThat(server.getRequestCount()).isZero();
    }
  }

  @Nested
  class FindingPermissionSets {

    @Test
    void aNameLookupPagesUntilItFindsTheExactName() throws InterruptedException {
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa1"),
          "ps-f000000000000001:Team-001", "ps-f000000000000002:readonlyaccess")));
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa2"),
          "ps-f000000000000003:ReadOnlyAccess2")));
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa3"),
          "ps-8603aaaaaaaa14bd:ReadOnlyAccess")));

      Optional<PermissionSet> found = client().findPermissionSetByName(INSTANCE, "ReadOnlyAccess");

      assertThat(found).map(PermissionSet::id).contains("ps-8603aaaaaaaa14bd");
      String base = "/v1/instances/" + INSTANCE + "/permission-sets?limit=100&name=ReadOnlyAccess";
      assertThat(List.of(take().getPath(), take().getPath(), take().getPath())).containsExactly(base,
          base + "&marker=aaaaaaaaaaaaaaaaaaaaaaa1", base + "&marker=aaaaaaaaaaaaaaaaaaaaaaa2");
      assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"next_marker\":null", "\"next_marker\":\"\"", "\"current_count\":1"})
    void aNameLookupEndsEmptyAfterTheLastPage(String lastPageInfo) {
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa1"),
          "ps-f000000000000001:Team-001")));
      server.enqueue(json(200, "{\"permission_sets\":[{\"permission_set_id\":\"ps-f000000000000002\","
          + "\"name\":\"Team-002\"}],\"page_info\":{" + lastPageInfo + "}}"));

      assertThat(client().findPermissionSetByName(INSTANCE, "DoesNotExist")).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aMarkerSeenBeforeStopsThePagingAsAnInvalidResponse() {
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa1"), "ps-f1:Team-001")));
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa2"), "ps-f2:Team-002")));
      server.enqueue(json(200, permissionSets(Optional.of("aaaaaaaaaaaaaaaaaaaaaaa1"), "ps-f1:Team-001")));
      server.enqueue(json(200, permissionSets(Optional.empty(), "ps-x:Wanted")));

      IdentityCenterException failure = failureOf(() -> client().findPermissionSetByName(INSTANCE, "Wanted"));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.operation()).isEqualTo("ListPermissionSets");
      assertThat(failure.getMessage()).contains("aaaaaaaaaaaaaaaaaaaaaaa1").contains("a second time");
      assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aCloudThatNeverStopsPagingIsStoppedAfterTheMaximumOfPages() {
      AtomicInteger pages = new AtomicInteger();
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return json(200, permissionSets(Optional.of(String.format("%024d", pages.incrementAndGet())),
              "ps-f1:Team-001"));
        }
      });

      IdentityCenterException failure = failureOf(() -> client().findPermissionSetByName(INSTANCE, "Wanted"));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.getMessage()).contains("after " + HuaweiIdentityCenterClient.MAX_PAGES + " pages");
      assertThat(server.getRequestCount()).isEqualTo(HuaweiIdentityCenterClient.MAX_PAGES);
    }
  }

  @Nested
  class ListingAccounts {

    private static final String SET = "ps-8603aaaaaaaa14bd";
    private static final String PATH = "/v1/instances/" + INSTANCE + "/permission-sets/" + SET + "/accounts";

    private Page<String> list(Optional<AccountProvisioningStatus> status, Optional<String> marker) {
      return clientFor(TEMPORARY).listAccountsForProvisionedPermissionSet(INSTANCE, SET, status, marker);
    }

    @Test
    void outOfDateAccountsAreASignedGetWithTheFilterAndTheMarker() throws InterruptedException {
      server.enqueue(json(200, "{\"account_ids\":[\"5146d03d8aaaaaaaaaaaabbae60620a5\",\"acc-2\"],"
          + "\"page_info\":{\"next_marker\":\"649040aaaaaaaaaaaa3e3051\",\"current_count\":2}}"));

      Page<String> page = list(Optional.of(AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED),
          Optional.of("649040aaaaaaaaaaaa3e3050"));

      RecordedRequest recorded = take();
      assertThat(recorded.getMethod()).isEqualTo("GET");
      assertThat(recorded.getPath()).isEqualTo(PATH + "?limit=100&marker=649040aaaaaaaaaaaa3e3050"
          + "&provisioning_status=LATEST_PERMISSION_SET_NOT_PROVISIONED");
      assertThat(recorded.getBodySize()).isZero();
      assertSignedBy(recorded, TEMPORARY, "host", "x-domain-id", "x-sdk-date", "x-security-token");
      assertThat(page.items()).containsExactly("5146d03d8aaaaaaaaaaaabbae60620a5", "acc-2");
      assertThat(page.nextMarker()).contains("649040aaaaaaaaaaaa3e3051");
    }

    @Test
    void withoutAFilterEveryProvisionedAccountOfTheFirstPageIsAskedFor() throws InterruptedException {
      server.enqueue(json(200, "{\"account_ids\":[],\"page_info\":{\"next_marker\":null,\"current_count\":0}}"));

      Page<String> page = list(Optional.empty(), Optional.empty());

      assertThat(take().getPath()).isEqualTo(PATH + "?limit=100");
      assertThat(page.items()).isEmpty();
      assertThat(page.nextMarker()).isEmpty();
    }

    @Test
    void pagesFollowTheNextMarkerUntilThereIsNone() throws InterruptedException {
      server.enqueue(json(200, "{\"account_ids\":[\"acc-1\"],\"page_info\":{\"next_marker\":"
          + "\"aaaaaaaaaaaaaaaaaaaaaaa1\",\"current_count\":1}}"));
      server.enqueue(json(200, "{\"account_ids\":[\"acc-2\"],\"page_info\":{\"current_count\":1}}"));
      Optional<AccountProvisioningStatus> current =
          Optional.of(AccountProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED);

      Page<String> first = list(current, Optional.empty());
      Page<String> last = list(current, first.nextMarker());

      assertThat(first.items()).containsExactly("acc-1");
      assertThat(last.items()).containsExactly("acc-2");
      assertThat(last.nextMarker()).isEmpty();
      assertThat(List.of(take().getPath(), take().getPath())).containsExactly(
          PATH + "?limit=100&provisioning_status=LATEST_PERMISSION_SET_PROVISIONED",
          PATH + "?limit=100&marker=aaaaaaaaaaaaaaaaaaaaaaa1&provisioning_status=LATEST_PERMISSION_SET_PROVISIONED");
    }

    static Stream<Arguments> refusals() {
      return Stream.of(
          Arguments.of(404, "{\"error_code\":\"IIC.1205\",\"error_msg\":\"The permission set does not exist.\"}",
              ErrorCategory.PERMISSION_SET_NOT_FOUND),
          Arguments.of(403, "{\"error_code\":\"IIC.1000\",\"error_msg\":\"No permission for action "
              + "IdentityCenter:permissionSet:listAccountsForProvisioned.\"}", ErrorCategory.ACCESS_DENIED),
          Arguments.of(400, "{\"error_code\":\"IIC.400\",\"error_msg\":\"Bad Request: marker.\"}",
              ErrorCategory.INVALID_REQUEST),
          Arguments.of(429, "{\"error_code\":\"APIGW.0308\",\"error_msg\":\"The throttling threshold has been "
              + "reached\"}", ErrorCategory.THROTTLED),
          Arguments.of(500, "{\"error_code\":\"IIC.500\",\"error_msg\":\"Internal Server Error.\"}",
              ErrorCategory.SERVER_ERROR));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aRefusalIsTheCategoryOfItsAnswerAndNamesTheOperation(int status, String body, ErrorCategory category) {
      server.enqueue(json(status, body));

      IdentityCenterException failure = failureOf(() -> list(Optional.empty(), Optional.empty()));

      assertThat(failure.operation()).isEqualTo("ListAccountsForProvisionedPermissionSet");
      assertThat(failure.category()).isEqualTo(category);
      assertThat(failure.httpStatus()).isEqualTo(status);
      assertThat(server.getRequestCount()).as("sent once, never again behind our back").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"page_info\":{\"next_marker\":null}}", "{\"account_ids\":\"acc-1\"}",
        "{\"account_ids\":[\"acc-1\",null]}", "{\"account_ids\":[{\"account_id\":\"acc-1\"}]}",
        "{\"account_ids\":[\"\"]}"})
    void anAnswerWithoutAListOfAccountIdsIsAnInvalidResponse(String body) {
      server.enqueue(json(200, body));

      IdentityCenterException failure = failureOf(() -> list(Optional.empty(), Optional.empty()));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.operation()).isEqualTo("ListAccountsForProvisionedPermissionSet");
      assertThat(failure.getMessage()).contains("account_ids");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "ps/1", ".."})
    void anUnusablePermissionSetIdIsRefusedWithoutACall(String permissionSetId) {
      IdentityCenterException failure = failureOf(() -> client().listAccountsForProvisionedPermissionSet(INSTANCE,
          permissionSetId, Optional.empty(), Optional.empty()));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("permissionSetId");
      assertThat(server.getRequestCount()).isZero();
    }
  }

  @Nested
  class ReadingAnswers {

    static Stream<Arguments> createdDates() {
      Instant seedTime = Instant.ofEpochMilli(1677175760379L);
      return Stream.of(
          Arguments.of("1677175760379", Optional.of(seedTime)),
          Arguments.of("\"1677175760379\"", Optional.of(seedTime)),
          Arguments.of("\"2023-02-23T18:09:20.379Z\"", Optional.of(seedTime)),
          Arguments.of("\"2023-02-24T02:09:20.379+08:00\"", Optional.of(seedTime)),
          Arguments.of("\"yesterday\"", Optional.empty()),
          Arguments.of("\"2023-02-23 18:09:20\"", Optional.empty()),
          Arguments.of("\"99999999999999999999999\"", Optional.empty()),
          Arguments.of("99999999999999999999999", Optional.empty()),
          Arguments.of("1.6771757603E12", Optional.empty()),
          Arguments.of("\"\"", Optional.empty()),
          Arguments.of("null", Optional.empty()),
          Arguments.of("{\"seconds\":1}", Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("createdDates")
    void createdDateIsReadFromANumberOrAStringOrLeftEmpty(String createdDate, Optional<Instant> expected) {
      server.enqueue(json(200, "{\"permission_set_provisioning_status\":{\"request_id\":\"" + REQUEST_ID
          + "\",\"status\":\"IN_PROGRESS\",\"created_date\":" + createdDate + "}}"));
      server.enqueue(json(200, "{\"permission_sets_provisioning_status\":[{\"request_id\":\"" + REQUEST_ID
          + "\",\"status\":\"IN_PROGRESS\",\"created_date\":" + createdDate + "}]}"));

      assertThat(client().describeProvisioning(INSTANCE, REQUEST_ID).createdAt()).isEqualTo(expected);
      assertThat(client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty()).items())
          .singleElement().extracting(ProvisioningSummary::createdAt).isEqualTo(expected);
    }

    @Test
    void anUnknownStatusIsInProgressAndKeepsTheCloudsWord() {
      server.enqueue(json(200, "{\"permission_set_provisioning_status\":{\"request_id\":\"" + REQUEST_ID
          + "\",\"status\":\"PENDING\",\"failure_reason\":null}}"));
      server.enqueue(json(200, "{\"permission_sets_provisioning_status\":[{\"request_id\":\"r-1\","
          + "\"status\":\"succeeded\"}],\"page_info\":{\"next_marker\":\"\"}}"));

      ProvisioningRequest request = client().describeProvisioning(INSTANCE, REQUEST_ID);
      Page<ProvisioningSummary> page = client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty());

      assertThat(request.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
      assertThat(request.reportedStatus()).isEqualTo("PENDING");
      assertThat(request.accountId()).isEmpty();
      assertThat(request.failureReason()).isEmpty();
      assertThat(request.createdAt()).isEmpty();
      assertThat(page.items()).singleElement().satisfies(summary -> {
        assertThat(summary.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
        assertThat(summary.reportedStatus()).isEqualTo("succeeded");
      });
      assertThat(page.nextMarker()).isEmpty();
    }

    static Stream<Arguments> unusableSuccesses() {
      return Stream.of(
          Arguments.of("text/html", "<html><body>Welcome to the proxy</body></html>", "not a JSON object"),
          Arguments.of("application/json", "{\"permission_set_provisioning_status\":", "not a JSON object"),
          Arguments.of("application/json", SEED_STATUS + " {}", "not a JSON object"),
          Arguments.of("application/json", "[" + SEED_STATUS + "]", "not a JSON object"),
          Arguments.of("application/json", "", "not a JSON object"),
          Arguments.of("application/json", "{}", "no permission_set_provisioning_status object"),
          Arguments.of("application/json", "{\"permission_set_provisioning_status\":\"SUCCEEDED\"}",
              "no permission_set_provisioning_status object"),
          Arguments.of("application/json", "{\"permission_set_provisioning_status\":{\"status\":\"SUCCEEDED\"}}",
              "no request_id"),
          Arguments.of("application/json",
              "{\"permission_set_provisioning_status\":{\"request_id\":\"\",\"status\":\"SUCCEEDED\"}}",
              "no request_id"),
          Arguments.of("application/json", "{\"permission_set_provisioning_status\":{\"request_id\":\"r\"}}",
              "no status"));
    }

    @ParameterizedTest
    @MethodSource("unusableSuccesses")
    void aSuccessWithoutAUsableBodyIsAnInvalidResponse(String contentType, String body, String problem) {
      server.enqueue(new MockResponse().setHeader("Content-Type", contentType).setHeader("X-Request-Id", "req-77")
          .setBody(body));

      IdentityCenterException failure = failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.operation()).isEqualTo("DescribePermissionSetProvisioningStatus");
      assertThat(failure.getMessage()).contains(problem).contains("request ID req-77");
      assertThat(failure.cloudRequestId()).contains("req-77");
    }

    @Test
    void aListWithoutItsArrayIsAnInvalidResponse() {
      server.enqueue(json(200, "{\"page_info\":{\"next_marker\":null}}"));
      server.enqueue(json(200, "{\"permission_sets\":[{\"name\":\"NoId\"}]}"));

      IdentityCenterException noArray =
          failureOf(() -> client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty()));
      IdentityCenterException noId = failureOf(() -> client().findPermissionSetByName(INSTANCE, "NoId"));

      assertThat(noArray.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(noArray.getMessage()).contains("no permission_sets_provisioning_status array");
      assertThat(noId.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(noId.getMessage()).contains("no permission_set_id in permission_sets[]");
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() {
      server.enqueue(json(200, paddedTo(HuaweiIdentityCenterClient.MAX_BODY_BYTES)));

      assertThat(client().describeProvisioning(INSTANCE, REQUEST_ID).requestId()).isEqualTo(REQUEST_ID);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBodyOverTheLimitIsAnInvalidResponse(boolean chunked) {
      String body = paddedTo(HuaweiIdentityCenterClient.MAX_BODY_BYTES + 1);
      MockResponse response = new MockResponse().setHeader("Content-Type", "application/json");
      server.enqueue(chunked ? response.setChunkedBody(body, 64 * 1024) : response.setBody(body));

      IdentityCenterException failure = failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.getMessage()).contains("larger than 1048576 bytes");
    }

    /** A valid describe answer of exactly this many bytes. */
    private String paddedTo(int size) {
      String prefix = SEED_STATUS.substring(0, SEED_STATUS.length() - 1) + ",\"padding\":\"";
      String suffix = "\"}";
      String body = prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix;
      assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(size);
      return body;
    }
  }

  @Nested
  class Failing {

    static Stream<Arguments> errorAnswers() {
      return Stream.of(
          Arguments.of(400, "{\"error_code\":\"IIC.400\",\"error_msg\":\"Bad Request: limit.\"}",
              ErrorCategory.INVALID_REQUEST, "IIC.400", "Bad Request: limit."),
          Arguments.of(400, "{\"error_code\":\"IIC.1210\",\"error_message\":\"Account not found.\"}",
              ErrorCategory.ACCOUNT_NOT_FOUND, "IIC.1210", "Account not found."),
          Arguments.of(400, "{\"error_code\":\"IdentityCenter.1210\",\"error_msg\":\"Account not found.\"}",
              ErrorCategory.ACCOUNT_NOT_FOUND, "IdentityCenter.1210", "Account not found."),
          Arguments.of(409, "{\"error_code\":\"IIC.1210\",\"error_msg\":\"The permission set has been attached to "
              + "accounts and cannot be deleted.\"}", ErrorCategory.CONFLICT, "IIC.1210", "cannot be deleted."),
          Arguments.of(404, "{\"error_code\":\"IIC.1205\",\"error_msg\":\"The permission set does not exist.\"}",
              ErrorCategory.PERMISSION_SET_NOT_FOUND, "IIC.1205", "The permission set does not exist."),
          Arguments.of(400, "{\"error_code\":\"IdentityCenter.1205\",\"error_msg\":\"The permission set does not "
              + "exist.\"}", ErrorCategory.PERMISSION_SET_NOT_FOUND, "IdentityCenter.1205", "does not exist."),
          Arguments.of(400, "{\"error_code\":\"APIGW.1205\",\"error_msg\":\"Some gateway rule.\"}",
              ErrorCategory.INVALID_REQUEST, "APIGW.1205", "Some gateway rule."),
          Arguments.of(409, "{\"error_code\":\"IIC.1006\",\"error_msg\":\"Concurrency conflicts. Try again later.\"}",
              ErrorCategory.CONFLICT, "IIC.1006", "Concurrency conflicts. Try again later."),
          Arguments.of(401, "{\"code\":\"APIGW.0301\",\"message\":\"Incorrect IAM authentication information\"}",
              ErrorCategory.AUTHENTICATION_FAILED, "APIGW.0301", "Incorrect IAM authentication information"),
          Arguments.of(403, "{\"error_code\":\"IIC.1000\",\"error_msg\":\"No permission for action "
              + "IdentityCenter:permissionSet:provision.\",\"request_id\":\"body-req-1\"}",
              ErrorCategory.ACCESS_DENIED, "IIC.1000", "IdentityCenter:permissionSet:provision."),
          Arguments.of(404, "{\"error_code\":\"IIC.404\"}", ErrorCategory.NOT_FOUND, "IIC.404", "Client Error"),
          Arguments.of(418, "{\"something\":\"else\"}", ErrorCategory.INVALID_REQUEST, null,
              "Client Error (a JSON body without error_code or error_msg)"),
          Arguments.of(500, "", ErrorCategory.SERVER_ERROR, null, "Server Error (empty body)"),
          Arguments.of(503, "{\"error_code\":\"IIC.1209\",\"error_msg\":\"Bad Request:organizations.\"}",
              ErrorCategory.SERVER_ERROR, "IIC.1209", "Bad Request:organizations."),
          Arguments.of(302, "", ErrorCategory.INVALID_RESPONSE, null, "Redirection (empty body)"));
    }

    @ParameterizedTest
    @MethodSource("errorAnswers")
    void errorAnswersBecomeCategorisedExceptions(int status, String body, ErrorCategory category, String code,
        String message) {
      server.enqueue(json(status, body).setHeader("X-Request-Id", "req-42"));

      IdentityCenterException failure = failureOf(() ->
          client().provision(INSTANCE, "ps-8603aaaaaaaa14bd", ProvisioningTarget.account("acc-1")));

      assertThat(failure.operation()).isEqualTo("ProvisionPermissionSet");
      assertThat(failure.category()).isEqualTo(category);
      assertThat(failure.httpStatus()).isEqualTo(status);
      assertThat(failure.errorCode()).isEqualTo(Optional.ofNullable(code));
      assertThat(failure.cloudMessage()).contains(message).doesNotContain("req-42");
      assertThat(failure.cloudRequestId()).contains("req-42");
      assertThat(failure.summary()).doesNotContain("req-42");
      assertThat(failure.getMessage()).endsWith("[request ID req-42]");
      assertThat(failure.getMessage()).startsWith("ProvisionPermissionSet failed with HTTP " + status)
          .contains(message).contains("req-42");
      assertThat(failure.retryAfter()).isEmpty();
    }

    @Test
    void anHtmlErrorPageGivesAShortMessageWithTheStatus() {
      String html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
          + "</center><hr><center>nginx</center></body></html>";
      server.enqueue(new MockResponse().setStatus("HTTP/1.1 502 Bad Gateway")
          .setHeader("Content-Type", "text/html").setBody(html));

      IdentityCenterException failure =
          failureOf(() -> client().findPermissionSetByName(INSTANCE, "ReadOnlyAccess"));

      assertThat(failure.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      assertThat(failure.operation()).isEqualTo("ListPermissionSets");
      assertThat(failure.errorCode()).isEmpty();
      assertThat(failure.getMessage()).isEqualTo("ListPermissionSets failed with HTTP 502: Bad Gateway "
          + "(a text/html body of " + html.length() + " bytes, not a JSON error)");
    }

    @Test
    void theRequestIdOfAnErrorBodyIsUsedWhenTheHeaderIsMissing() {
      server.enqueue(json(403, "{\"error_code\":\"IIC.1000\",\"error_msg\":\"No permission.\","
          + "\"request_id\":\"body-req-1\"}"));

      IdentityCenterException failure = failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.cloudMessage()).isEqualTo("No permission.");
      assertThat(failure.cloudRequestId()).contains("body-req-1");
    }

    @Test
    void aHugeErrorBodyKeepsTheStatusCategory() {
      server.enqueue(new MockResponse().setResponseCode(503).setHeader("Content-Type", "text/html")
          .setBody("x".repeat(HuaweiIdentityCenterClient.MAX_BODY_BYTES + 1)));

      IdentityCenterException failure = failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      assertThat(failure.cloudMessage()).isEqualTo("Server Error (the body is larger than we read)");
    }

    static Stream<Arguments> retryAfters() {
      return Stream.of(
          Arguments.of(Optional.of("7"), Optional.of(Duration.ofSeconds(7))),
          Arguments.of(Optional.of("0"), Optional.of(Duration.ZERO)),
          Arguments.of(Optional.of("Tue, 02 Jan 2024 03:04:35 GMT"), Optional.of(Duration.ofSeconds(30))),
          Arguments.of(Optional.of("Tue, 02 Jan 2024 03:00:00 GMT"), Optional.of(Duration.ZERO)),
          Arguments.of(Optional.of("soon"), Optional.empty()),
          Arguments.of(Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("retryAfters")
    void throttlingCarriesRetryAfter(Optional<String> header, Optional<Duration> expected) {
      MockResponse response = json(429, "{\"error_code\":\"APIGW.0308\",\"error_msg\":\"The throttling threshold "
          + "has been reached: policy user over ratelimit,limit:20,time:1 second\"}");
      header.ifPresent(value -> response.setHeader("Retry-After", value));
      server.enqueue(response);

      IdentityCenterException failure = failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.THROTTLED);
      assertThat(failure.errorCode()).contains("APIGW.0308");
      assertThat(failure.cloudMessage()).startsWith("The throttling threshold has been reached");
      assertThat(failure.retryAfter()).isEqualTo(expected);
    }

    @Test
    void aServiceUnavailableWithRetryAfterZeroIsNotSentAgainBehindOurBack() {
      server.enqueue(json(503, "{\"error_code\":\"APIGW.0203\",\"error_msg\":\"Service temporarily unavailable."
          + "\"}").setHeader("Retry-After", "0"));
      server.enqueue(json(200, SEED_STATUS));

      IdentityCenterException failure = failureOf(() ->
          client().provision(INSTANCE, "ps-8603aaaaaaaa14bd", ProvisioningTarget.account("acc-1")));

      assertThat(failure.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      assertThat(server.getRequestCount()).as("POSTs that reached the cloud").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999", "2147483648", "9223372036854775807"})
    void aRetryAfterBeyondAnyIntIsNoCrash(String header) {
      server.enqueue(json(503, "{}").setHeader("Retry-After", header));
      server.enqueue(json(429, "{}").setHeader("Retry-After", header));

      assertThat(failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID)).category())
          .isEqualTo(ErrorCategory.SERVER_ERROR);
      IdentityCenterException throttled = failureOf(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));
      assertThat(throttled.category()).isEqualTo(ErrorCategory.THROTTLED);
      assertThat(throttled.retryAfter()).isEqualTo(header.length() > 19 ? Optional.empty()
          : Optional.of(Duration.ofSeconds(Long.parseLong(header))));
    }

    @Test
    void credentialsEchoedAsRequestIdsAreRedacted() {
      server.enqueue(json(403, "{\"error_code\":\"IIC.1000\",\"error_msg\":\"No permission.\",\"request_id\":\""
          + TEMPORARY.accessKey() + "\"}"));
      server.enqueue(json(200, "{}").setHeader("X-Request-Id", "id-" + TEMPORARY.securityToken().orElseThrow()));

      IdentityCenterException fromBody =
          failureOf(() -> clientFor(TEMPORARY).describeProvisioning(INSTANCE, REQUEST_ID));
      IdentityCenterException fromHeader =
          failureOf(() -> clientFor(TEMPORARY).describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(fromBody.cloudRequestId()).contains("<redacted>");
      assertThat(fromHeader.cloudRequestId()).contains("id-<redacted>");
      assertThat(fromBody.getMessage() + fromHeader.getMessage())
          .doesNotContain(TEMPORARY.accessKey(), TEMPORARY.securityToken().orElseThrow());
    }

    @Test
    void credentialsEchoedByTheCloudAreRedacted() {
      server.enqueue(json(401, "{\"error_code\":\"APIGW.0301\",\"error_msg\":\"Incorrect IAM authentication "
          + "information: ak " + TEMPORARY.accessKey() + " token " + TEMPORARY.securityToken().orElseThrow()
          + " sk " + TEMPORARY.secretKey() + "\"}"));

      IdentityCenterException failure =
          failureOf(() -> clientFor(TEMPORARY).describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.AUTHENTICATION_FAILED);
      assertThat(failure.getMessage()).contains("ak <redacted> token <redacted> sk <redacted>")
          .doesNotContain(TEMPORARY.accessKey(), TEMPORARY.secretKey(), TEMPORARY.securityToken().orElseThrow());
    }

    @Test
    void aDroppedConnectionIsUnavailableAndNotRetriedSilently() {
      server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
      server.enqueue(json(200, SEED_STATUS));

      IdentityCenterException failure = failureOf(() ->
          client().provision(INSTANCE, "ps-8603aaaaaaaa14bd", ProvisioningTarget.account("acc-1")));

      assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(failure.httpStatus()).isZero();
      assertThat(failure.operation()).isEqualTo("ProvisionPermissionSet");
      assertThat(failure.getMessage()).contains("no answer from 127.0.0.1:" + server.getPort());
      assertThat(failure.getCause()).isInstanceOf(IOException.class);
      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aReadTimeoutIsUnavailable() {
      try (HuaweiIdentityCenterClientFactory impatient = factoryFor(Duration.ofMillis(300))) {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

        IdentityCenterException failure =
            failureOf(() -> impatient.forConnection(at(url()), PLAIN).describeProvisioning(INSTANCE, REQUEST_ID));

        assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("SocketTimeoutException");
        }
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws IOException {
      int closedPort;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        closedPort = socket.getLocalPort();
      }
      CloudEndpoint nowhere = at("http://127.0.0.1:" + closedPort);

      IdentityCenterException failure = failureOf(() ->
          factory.forConnection(nowhere, PLAIN).listProvisioning(INSTANCE, Optional.empty(), Optional.empty()));

      assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(failure.operation()).isEqualTo("ListPermissionSetProvisioningStatus");
      assertThat(failure.getMessage()).contains("ConnectException");
    }
  }

  @Nested
  class RefusingBadInput {

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "ins/1", ".", ".."})
    void anUnusableInstanceIdIsAnInvalidRequestThatNamesTheField(String instanceId) {
      IdentityCenterException failure = failureOf(() -> client().describeProvisioning(instanceId, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("instanceId");
      assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aBlankNameIsAnInvalidRequest() {
      IdentityCenterException failure = failureOf(() -> client().findPermissionSetByName(INSTANCE, " "));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("name must not be blank");
    }

    @Test
    void credentialsThatCannotBeSentFailWithoutShowingThem() {
      CloudCredentials broken = new CloudCredentials("AKGOOD000000000000001", "sk",
          Optional.of("token-with-newline\n"), Optional.empty());

      IdentityCenterException failure =
          failureOf(() -> clientFor(broken).describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("security token").doesNotContain("token-with-newline");
      assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anEmptyTokenOrDomainIdIsNotSent() throws InterruptedException {
      CloudCredentials emptyOptionals = new CloudCredentials(PLAIN.accessKey(), PLAIN.secretKey(), Optional.of(""),
          Optional.of(""));
      server.enqueue(json(200, SEED_STATUS));

      clientFor(emptyOptionals).describeProvisioning(INSTANCE, REQUEST_ID);

      RecordedRequest recorded = take();
      assertThat(recorded.getHeaders().names()).doesNotContain("X-Domain-Id", "X-Security-Token");
      assertSignedBy(recorded, PLAIN, "host", "x-sdk-date");
    }

    @Test
    void anEmptyAccessKeyIsAnInvalidRequest() {
      IdentityCenterException failure = failureOf(() ->
          clientFor(CloudCredentials.of("", "sk")).describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("access key is empty");
    }
  }

  @Nested
  class TheFactory {

    @Test
    void aTimeoutMustBePositive() {
      assertThatThrownBy(() -> new HuaweiIdentityCenterClientFactory(Duration.ofSeconds(1),
          Duration.ZERO, Duration.ofSeconds(1), Clock.systemUTC(), OptionalDouble.empty(), NO_PROXY))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("readTimeout must be positive, got PT0S");
    }

    @Test
    void clientsShareOneConnection() throws InterruptedException {
      server.enqueue(json(200, SEED_STATUS));
      server.enqueue(json(200, SEED_STATUS));

      clientFor(PLAIN).describeProvisioning(INSTANCE, REQUEST_ID);
      clientFor(TEMPORARY).describeProvisioning(INSTANCE, REQUEST_ID);

      assertThat(List.of(take().getSequenceNumber(), take().getSequenceNumber())).containsExactly(0, 1);
    }

    @Test
    void aClosedFactoryMakesNoClientsAndItsClientsFail() {
      IdentityCenterClient client = clientFor(PLAIN);

      factory.close();

      assertThatThrownBy(() -> clientFor(PLAIN)).isInstanceOf(IllegalStateException.class);
      IdentityCenterException failure = failureOf(() -> client.describeProvisioning(INSTANCE, REQUEST_ID));
      assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(failure.getMessage()).contains("closed");
      assertThat(server.getRequestCount()).isZero();
    }
  }

  /** A page of permission sets from "id:name" pairs. */
  private static String permissionSets(Optional<String> nextMarker, String... idsAndNames) {
    String sets = IntStream.range(0, idsAndNames.length).mapToObj(i -> {
      String[] idAndName = idsAndNames[i].split(":", 2);
      return "{\"created_date\":1677175760379,\"description\":\"the " + idAndName[1] + " set\",\"name\":\""
          + idAndName[1] + "\",\"permission_set_id\":\"" + idAndName[0] + "\",\"session_duration\":\"PT4H\"}";
    }).collect(Collectors.joining(","));
    return "{\"permission_sets\":[" + sets + "],\"page_info\":{\"next_marker\":"
        + nextMarker.map(marker -> "\"" + marker + "\"").orElse("null") + ",\"current_count\":"
        + idsAndNames.length + "}}";
  }
}
