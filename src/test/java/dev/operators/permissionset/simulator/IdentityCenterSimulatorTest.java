package dev.operators.permissionset.simulator;

import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.BILLING_VIEWER;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.identitycenter.huawei.AkSkSigner;
import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simulator through our own client, and its edges through hand-signed raw HTTP. */
class IdentityCenterSimulatorTest {

  private static final CloudCredentials DEMO = new CloudCredentials(DemoWorld.ACCESS_KEY,
      DemoWorld.SECRET_KEY, Optional.empty(), Optional.of(DemoWorld.DOMAIN_ID));

  private final MutableClock clock = new MutableClock(Instant.now());
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private IdentityCenterSimulator simulator;
  private HuaweiIdentityCenterClientFactory clients;

  @BeforeEach
  void start() {
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withClock(clock));
    clients = new HuaweiIdentityCenterClientFactory(clock);
  }

  @AfterEach
  void stop() {
    clients.close();
    simulator.close();
  }

  private IdentityCenterClient client() {
    return clientFor(DEMO);
  }

  private IdentityCenterClient clientFor(CloudCredentials credentials) {
    return clients.forConnection(endpointOf(simulator), credentials);
  }

  /** The simulator's plain http endpoint, allowed as a connection to a simulator allows it. */
  private static CloudEndpoint endpointOf(IdentityCenterSimulator simulator) {
    return new CloudEndpoint(simulator.endpoint(), Optional.empty(), true);
  }

  private static IdentityCenterException failure(Runnable call) {
    IdentityCenterException failure = catchThrowableOfType(IdentityCenterException.class, call::run);
    assertThat(failure).as("an IdentityCenterException").isNotNull();
    return failure;
  }

  /** A GET signed like the SDK signs, with the query exactly as given, to reach what our client never sends. */
  private HttpResponse<String> signedGet(String path, Map<String, String> query, Instant signedAt)
      throws IOException, InterruptedException {
    StringBuilder url = new StringBuilder(simulator.endpoint() + path);
    List<Map.Entry<String, String>> parameters = new ArrayList<>(query.entrySet());
    for (int i = 0; i < parameters.size(); i++) {
      url.append(i == 0 ? '?' : '&').append(AkSkSigner.encode(parameters.get(i).getKey())).append('=')
          .append(AkSkSigner.encode(parameters.get(i).getValue()));
    }
    URI uri = URI.create(url.toString());
    String date = AkSkSigner.formatDate(signedAt);
    TreeMap<String, String> headers = new TreeMap<>(Map.of("host", uri.getAuthority(), "x-sdk-date", date));
    String authorization = AkSkSigner.authorization(new AkSkSigner.SignableRequest("GET", path, parameters, headers,
        AkSkSigner.sha256Hex(new byte[0])), DEMO.accessKey(), DEMO.secretKey());
    return http.send(HttpRequest.newBuilder(uri).header("X-Sdk-Date", date).header("Authorization", authorization)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode body(HttpResponse<String> response) throws IOException {
    return json.readTree(response.body());
  }

  @Test
  void ourClientProvisionsFollowsAndLists() {
    ProvisioningRequest started = client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS));
    assertThat(started.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
    assertThat(started.createdAt()).contains(clock.instant().truncatedTo(ChronoUnit.MILLIS));

    clock.advance(Duration.ofSeconds(3));

    ProvisioningRequest done = client().describeProvisioning(INSTANCE, started.requestId());
    assertThat(done.status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
    assertThat(done.failureReason()).isEmpty();
    Page<ProvisioningSummary> succeeded = client().listProvisioning(INSTANCE, Optional.of(ProvisioningStatus.SUCCEEDED),
        Optional.empty());
    assertThat(succeeded.items()).extracting(ProvisioningSummary::requestId).containsExactly(started.requestId());
    assertThat(succeeded.nextMarker()).isEmpty();
  }

  @Test
  void ourClientFindsPermissionSetsOnLaterPages() {
    assertThat(client().findPermissionSetByName(INSTANCE, "Team-140")).hasValueSatisfying(set ->
        assertThat(set.id()).isEqualTo("ps-f00000000000008c"));
    assertThat(client().findPermissionSetByName(INSTANCE, "readonlyaccess")).isEmpty();
  }

  @Test
  void ourClientSeesFailureReasonsAndErrorCategories() {
    ProvisioningRequest started = client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(LEGACY));
    clock.advance(Duration.ofSeconds(3));
    assertThat(client().describeProvisioning(INSTANCE, started.requestId()).failureReason())
        .hasValueSatisfying(reason -> assertThat(reason).contains("suspended"));

    assertThat(failure(() -> client().provision(INSTANCE, "ps-0000000000000000",
        ProvisioningTarget.account(PAYMENTS))).category()).isEqualTo(ErrorCategory.PERMISSION_SET_NOT_FOUND);
    assertThat(failure(() -> client().provision(INSTANCE, READ_ONLY,
        ProvisioningTarget.account("ffffffffffffffffffffffffffffffff"))).category())
        .isEqualTo(ErrorCategory.ACCOUNT_NOT_FOUND);
    assertThat(failure(() -> clientFor(CloudCredentials.of(DEMO.accessKey(), "wrong"))
        .listProvisioning(INSTANCE, Optional.empty(), Optional.empty())).category())
        .isEqualTo(ErrorCategory.AUTHENTICATION_FAILED);
    IdentityCenterException denied = failure(() -> clientFor(
        CloudCredentials.of(DemoWorld.NO_PERMISSION_ACCESS_KEY, DemoWorld.NO_PERMISSION_SECRET_KEY))
        .provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS)));
    assertThat(denied.category()).isEqualTo(ErrorCategory.ACCESS_DENIED);
    assertThat(denied.errorCode()).contains("IIC.1000");
  }

  @Test
  void ourClientChecksAccessWithTheCategoryOfEachRefusal() {
    client().checkAccess();
    IdentityCenterException wrongSecret = failure(() ->
        clientFor(CloudCredentials.of(DEMO.accessKey(), "wrong")).checkAccess());
    IdentityCenterException denied = failure(() -> clientFor(
        CloudCredentials.of(DemoWorld.NO_PERMISSION_ACCESS_KEY, DemoWorld.NO_PERMISSION_SECRET_KEY)).checkAccess());
    IdentityCenterException skewed;
    try (HuaweiIdentityCenterClientFactory fast = new HuaweiIdentityCenterClientFactory(
        Clock.offset(clock, Duration.ofMinutes(16)))) {
      skewed = failure(() -> fast.forConnection(endpointOf(simulator), DEMO).checkAccess());
    }
    simulator.faults().serverErrorRate(1);
    IdentityCenterException outage = failure(() -> client().checkAccess());

    assertThat(wrongSecret.category()).isEqualTo(ErrorCategory.AUTHENTICATION_FAILED);
    assertThat(denied.category()).isEqualTo(ErrorCategory.ACCESS_DENIED);
    assertThat(denied.errorCode()).contains("IIC.1000");
    assertThat(skewed.category()).isEqualTo(ErrorCategory.AUTHENTICATION_FAILED);
    assertThat(skewed.cloudMessage()).contains("signature expired");
    assertThat(outage.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "200")).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "401")).isEqualTo(2);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "403")).isEqualTo(1);
    assertThat(simulator.counts().total(IdentityCenterSimulator.LIST_INSTANCES)).isEqualTo(5);
  }

  @ParameterizedTest
  @CsvSource({"limit,0", "limit,101", "limit,abc", "marker,short", "marker,zzzzzzzzzzzzzzzzzzzzzzzz", "status,DONE"})
  void documentedParameterRulesAnswer400(String name, String value) throws Exception {
    HttpResponse<String> response = signedGet("/v1/instances/" + INSTANCE + "/permission-sets/provisioning-statuses",
        Map.of(name, value), clock.instant());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response).path("error_code").asText()).isEqualTo("IIC.400");
    assertThat(body(response).path("error_msg").asText()).contains(name);
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void aClockSkewOfMoreThanFifteenMinutesIsRejected() throws Exception {
    String path = "/v1/instances/" + INSTANCE + "/permission-sets";

    assertThat(signedGet(path, Map.of(), clock.instant().minus(Duration.ofMinutes(14))).statusCode()).isEqualTo(200);
    HttpResponse<String> skewed = signedGet(path, Map.of(), clock.instant().minus(Duration.ofMinutes(16)));
    assertThat(skewed.statusCode()).isEqualTo(401);
    assertThat(body(skewed).path("error_code").asText()).isEqualTo("APIGW.0301");
    assertThat(body(skewed).path("error_msg").asText())
        .startsWith("Incorrect IAM authentication information: calc aksk signature fail:signature expired, "
            + "signature time:" + AkSkSigner.formatDate(clock.instant().minus(Duration.ofMinutes(16))))
        .endsWith(",server time:" + AkSkSigner.formatDate(clock.instant()));
  }

  @Test
  void unsignedAndUnknownCallsAreRejected() throws Exception {
    HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(simulator.endpoint()
        + "/v1/instances/" + INSTANCE + "/permission-sets")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(body(unsigned).path("error_msg").asText()).contains("Authorization");
    assertThat(body(unsigned).has("error_message")).isFalse();

    HttpResponse<String> unknown = signedGet("/v1/instances/" + INSTANCE + "/nothing-here", Map.of(),
        clock.instant());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(body(unknown).path("error_code").asText()).isEqualTo("APIGW.0101");
  }

  @Test
  void theRequestIdHeaderAndTheBodyAgree() throws Exception {
    HttpResponse<String> badLimit = signedGet("/v1/instances/" + INSTANCE + "/permission-sets", Map.of("limit", "0"),
        clock.instant());
    HttpResponse<String> unknown = signedGet("/v1/instances/" + INSTANCE + "/nothing-here", Map.of(),
        clock.instant());

    for (HttpResponse<String> response : List.of(badLimit, unknown)) {
      assertThat(response.headers().firstValue("X-Request-Id")).hasValue(body(response).path("request_id").asText());
      assertThat(body(response).path("request_id").asText()).matches("[0-9a-f]{32}");
    }
  }

  @Test
  void aPathWithBrokenPercentEncodingGetsAJsonError() throws Exception {
    try (Socket socket = new Socket(simulator.endpoint().getHost(), simulator.endpoint().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /v1/instances/%zz/permission-sets HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Content-Type: application/json");
      JsonNode error = json.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(error.path("error_code").asText()).isEqualTo("IIC.400");
      assertThat(error.path("error_msg").asText()).contains("percent-encoding");
    }
  }

  @Test
  void aLargeBodySentWithExpectContinueGetsItsAnswer() throws Exception {
    HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI provision = URI.create(simulator.endpoint() + "/v1/instances/" + INSTANCE + "/permission-sets/" + READ_ONLY
        + "/provision");

    for (int size : new int[] {100, 70_000, 10_000_000}) {
      HttpResponse<String> response = http11.send(HttpRequest.newBuilder(provision).expectContinue(true)
          .timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[size])).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as("answer to %d bytes", size).isEqualTo(size > 65_536 ? 400 : 401);
      assertThat(body(response).path("error_code").asText()).isNotEmpty();
    }
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void rateLimitAnswers429PastTheLimitInOneSecond() {
    simulator.faults().rateLimitPerSecond(3);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      try {
        client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty());
        statuses.add(200);
      } catch (IdentityCenterException e) {
        statuses.add(e.httpStatus());
        assertThat(e.category()).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(e.errorCode()).contains("APIGW.0308");
      }
    }
    assertThat(statuses).containsExactly(200, 200, 200, 429, 429);

    clock.advance(Duration.ofSeconds(1));
    assertThat(client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty()).items()).isEmpty();
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "429")).isEqualTo(2);
    assertThat(simulator.counts().throttled()).isEqualTo(2);
  }

  @Test
  void throttleRateAnswers429AtRandomWhateverTheRateOfCalls() {
    simulator.faults().throttleRate(0.3);
    int throttled = 0;
    for (int i = 0; i < 200; i++) {
      try {
        client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty());
      } catch (IdentityCenterException e) {
        assertThat(e.category()).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(e.errorCode()).contains("APIGW.0308");
        throttled++;
      }
    }
    assertThat(throttled).isBetween(35, 85);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "429")).isEqualTo(throttled);
    assertThat(simulator.counts().throttled()).isEqualTo(throttled);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void serverErrorShareIsRoughlyHonouredAndReproducible() {
    simulator.faults().serverErrorRate(0.3);
    int failures = 0;
    for (int i = 0; i < 200; i++) {
      try {
        client().listProvisioning(INSTANCE, Optional.empty(), Optional.empty());
      } catch (IdentityCenterException e) {
        assertThat(e.category()).isIn(ErrorCategory.SERVER_ERROR);
        failures++;
      }
    }
    assertThat(failures).isBetween(35, 85);
    long counted = simulator.counts().calls().get(IdentityCenterSimulator.LIST_PROVISIONING).entrySet().stream()
        .filter(e -> e.getKey().startsWith("5")).mapToLong(Map.Entry::getValue).sum();
    assertThat(counted).isEqualTo(failures);
  }

  @Test
  void droppedConnectionsHappenBeforeAnythingIsDone() {
    simulator.faults().dropRate(1);

    IdentityCenterException dropped = failure(() ->
        client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS)));

    assertThat(dropped.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED)).isEqualTo(1);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void aProvisionWhoseAnswerIsDroppedStillHappened() {
    simulator.faults().dropAcceptedProvisionRate(1);

    IdentityCenterException dropped = failure(() ->
        client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS)));

    assertThat(dropped.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, PAYMENTS)).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING))
        .isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED)).isZero();
    simulator.faults().clear();
    assertThat(client().listProvisioning(INSTANCE, Optional.of(ProvisioningStatus.IN_PROGRESS), Optional.empty())
        .items()).hasSize(1);
  }

  @Test
  void provisionsInProgressAtOnceAreCountedPerPermissionSet() {
    client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS));
    client().provision(INSTANCE, ADMINISTRATOR, ProvisioningTarget.account(PAYMENTS));
    assertThat(simulator.counts().maxInFlight(INSTANCE, READ_ONLY)).isEqualTo(1);

    client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ANALYTICS));
    clock.advance(Duration.ofSeconds(3));
    client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX));

    assertThat(simulator.counts().maxInFlight(INSTANCE, READ_ONLY)).isEqualTo(2);
    assertThat(simulator.counts().maxInFlight(INSTANCE, ADMINISTRATOR)).isEqualTo(1);
    assertThat(simulator.counts().maxInFlight(INSTANCE, BILLING_VIEWER)).isZero();
  }

  @Test
  void concurrentProvisioningOfOnePermissionSetConflictsWhenAsked() {
    simulator.faults().conflictOnConcurrentProvisioning(true);
    client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS));

    IdentityCenterException conflict = failure(() ->
        client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ANALYTICS)));
    assertThat(conflict.category()).isEqualTo(ErrorCategory.CONFLICT);
    assertThat(conflict.errorCode()).contains("IIC.1006");

    clock.advance(Duration.ofSeconds(3));
    assertThat(client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ANALYTICS))
        .status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
  }

  @Test
  void manyThreadsProvisionAtOnceWithoutLostUpdates() throws Exception {
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            ids.add(client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS)).requestId());
          }
          return ids;
        }));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> result : results) {
        all.addAll(result.get());
      }
      assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, PAYMENTS)).isEqualTo(threads * perThread);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "200")).isEqualTo(threads * perThread);
    List<String> listed = new ArrayList<>();
    Optional<String> marker = Optional.empty();
    do {
      Page<ProvisioningSummary> page = client().listProvisioning(INSTANCE, Optional.empty(), marker);
      page.items().forEach(item -> listed.add(item.requestId()));
      marker = page.nextMarker();
    } while (marker.isPresent());
    assertThat(listed).hasSize(threads * perThread).doesNotHaveDuplicates();
  }

  @Test
  void standaloneCommandRejectsBadArgumentsClearly() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(SimulatorCommand.run(new String[] {"--error-rate", "5"}, System.out, errors)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--error-rate takes a share from 0 to 1");
    assertThat(SimulatorCommand.run(new String[] {"--bogus", "1"}, System.out, errors)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--bogus'");
    assertThat(SimulatorCommand.run(new String[] {"--fixture", "/nonexistent.yaml"}, System.out, errors))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nonexistent.yaml");
  }

  @Test
  void standaloneCommandReadsEveryOption() {
    SimulatorCommand.Settings settings = SimulatorCommand.Settings.parse(new String[] {"--host", "0.0.0.0",
        "--port", "0", "--history", "20000", "--paging", "offset", "--list-order", "oldest-first", "--list-lag", "2s",
        "--tls-name", "simulator.platform.svc", "--tls-ca-out", "/tmp/ca.pem"});

    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.history()).isEqualTo(20000);
    assertThat(settings.paging()).isEqualTo(IdentityCenterSimulator.Paging.OFFSET);
    assertThat(settings.listOrder()).isEqualTo(IdentityCenterSimulator.ListOrder.OLDEST_FIRST);
    assertThat(settings.listLag()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.tls()).isFalse();
    assertThat(settings.tlsNames()).containsExactly("simulator.platform.svc");
    assertThat(SimulatorCommand.Settings.parse(new String[0])).satisfies(defaults -> {
      assertThat(defaults.host()).isEqualTo("127.0.0.1");
      assertThat(defaults.paging()).isEqualTo(IdentityCenterSimulator.Paging.KEYSET);
      assertThat(defaults.listOrder()).isEqualTo(IdentityCenterSimulator.ListOrder.NEWEST_FIRST);
      assertThat(defaults.listLag()).isZero();
    });
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(SimulatorCommand.run(new String[] {"--paging", "cursor"}, System.out, errors)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--paging takes one of [keyset, offset]");
    assertThat(SimulatorCommand.run(new String[] {"--list-lag", "soon"}, System.out, errors)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--list-lag='soon' is not a duration");
  }

  @Test
  void standaloneCommandServesTlsWithACertificateItWritesForClientsToTrust() throws Exception {
    Path trust = Files.createTempFile("simulator-ca", ".pem");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SimulatorCommand.Settings settings = SimulatorCommand.Settings.parse(new String[] {"--port", "0", "--tls",
        "--tls-ca-out", trust.toString()});

    try (IdentityCenterSimulator secure = SimulatorCommand.start(settings, SimulatorFixture.demo(), clock,
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      HttpResponse<String> unsigned = trusting(trust).send(HttpRequest.newBuilder(URI.create(secure.endpoint()
          + "/v1/instances/" + INSTANCE + "/permission-sets")).GET().build(), HttpResponse.BodyHandlers.ofString());

      assertThat(secure.endpoint().toString()).startsWith("https://127.0.0.1:");
      assertThat(printed.toString(StandardCharsets.UTF_8)).contains(trust.toAbsolutePath().toString());
      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(body(unsigned).path("error_code").asText()).isEqualTo("APIGW.0301");
    }
  }

  @Test
  void servesTlsWithAGivenPemCertificateAndKey() throws Exception {
    TlsIdentity made = TlsIdentity.selfSigned(List.of("simulator.example"), clock);
    Path certificate = Files.createTempFile("simulator-cert", ".pem");
    Path key = Files.createTempFile("simulator-key", ".pem");
    made.writeChainPem(certificate);
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
        made.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

    TlsIdentity read = TlsIdentity.fromPem(certificate, key);
    try (IdentityCenterSimulator secure = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withClock(clock).withTls(read))) {
      HttpResponse<String> unsigned = trusting(certificate).send(HttpRequest.newBuilder(URI.create(
          secure.endpoint() + "/v1/instances/" + INSTANCE + "/permission-sets")).GET().build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(read.chain()).isEqualTo(made.chain());
      assertThat(read.toString()).doesNotContain(Base64.getEncoder().encodeToString(made.privateKey().getEncoded()));
      assertThat(unsigned.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void listensOnEveryInterfaceWhenAsked() {
    try (IdentityCenterSimulator everywhere = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withClock(clock).withHost("0.0.0.0"));
        HuaweiIdentityCenterClientFactory factory = new HuaweiIdentityCenterClientFactory(clock)) {
      assertThat(everywhere.endpoint().getHost()).isEqualTo("127.0.0.1");
      assertThat(factory.forConnection(endpointOf(everywhere), DEMO)
          .listProvisioning(INSTANCE, Optional.empty(), Optional.empty()).items()).isEmpty();
    }
  }

  /** A client that trusts only the PEM certificates in the file, as an operator given the simulator's would. */
  private static HttpClient trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (var in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("trusted-" + i++, certificate);
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  @Test
  void fixtureErrorsNameTheProblem() throws IOException {
    Path file = Files.createTempFile("fixture", ".yaml");
    Files.writeString(file, "instances:\n  - id: ins-1\n    colour: blue\n");

    Throwable problem = catchThrowableOfType(RuntimeException.class, () -> SimulatorFixture.load(file));

    assertThat(problem).hasMessageContaining(file.toString()).hasMessageContaining("colour");
  }
}
