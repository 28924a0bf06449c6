package dev.operators.permissionset.simulator;

import static dev.operators.permissionset.identitycenter.AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED;
import static dev.operators.permissionset.identitycenter.AccountProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED;
import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Permission sets that change after they were provisioned: touched, each account they are provisioned to is out of
 * date until a provisioning made after the touch succeeds for it. Read through our own client, changed through the
 * Java API, the admin HTTP call and the fixture.
 */
class SimulatorDriftTest {

  private static final CloudCredentials DEMO = new CloudCredentials(DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY,
      Optional.empty(), Optional.of(DemoWorld.DOMAIN_ID));
  private static final Optional<AccountProvisioningStatus> LATEST = Optional.of(LATEST_PERMISSION_SET_PROVISIONED);
  private static final Optional<AccountProvisioningStatus> OUTDATED =
      Optional.of(LATEST_PERMISSION_SET_NOT_PROVISIONED);

  private final MutableClock clock = new MutableClock(Instant.now());
  private final HuaweiIdentityCenterClientFactory clients = new HuaweiIdentityCenterClientFactory(clock);
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private IdentityCenterSimulator simulator;

  private IdentityCenterClient start(SimulatorFixture fixture) {
    simulator = IdentityCenterSimulator.start(fixture, IdentityCenterSimulator.Options.defaults().withClock(clock));
    return clients.forConnection(new CloudEndpoint(simulator.endpoint(), Optional.empty(), true), DEMO);
  }

  @AfterEach
  void stop() {
    clients.close();
    if (simulator != null) {
      simulator.close();
    }
  }

  /** The demo instance with READ_ONLY provisioned to these accounts and out of date on those. */
  private static SimulatorFixture demoWith(List<String> provisioned, List<String> outOfDate) {
    SimulatorFixture demo = SimulatorFixture.demo();
    SimulatorFixture.Instance instance = demo.instances().get(0);
    return new SimulatorFixture(demo.provisioningLatency(), demo.credentials(), List.of(new SimulatorFixture.Instance(
        instance.id(), instance.permissionSets(), 0, instance.accounts(), Map.of(READ_ONLY, provisioned),
        outOfDate.isEmpty() ? Map.of() : Map.of(READ_ONLY, outOfDate))));
  }

  private static List<String> accounts(IdentityCenterClient client, String permissionSet,
      Optional<AccountProvisioningStatus> status) {
    return client.listAccountsForProvisionedPermissionSet(INSTANCE, permissionSet, status, Optional.empty()).items();
  }

  private String provision(IdentityCenterClient client, String account) {
    return client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(account)).requestId();
  }

  private HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(simulator.endpoint() + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST as sent, for a path no HTTP client library would send. */
  private String rawPost(String path) throws IOException {
    try (Socket socket = new Socket(simulator.endpoint().getHost(), simulator.endpoint().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String touchPath(String permissionSetId) {
    return "/simulator/permission-sets/" + URLEncoder.encode(permissionSetId, StandardCharsets.UTF_8) + "/touch";
  }

  @Test
  void aTouchMakesEveryProvisionedAccountOutOfDateUntilASucceededProvisioningToIt() {
    IdentityCenterClient client = start(SimulatorFixture.demo());
    assertThat(accounts(client, READ_ONLY, OUTDATED)).isEmpty();

    assertThat(simulator.touchPermissionSet(INSTANCE, READ_ONLY)).containsExactly(PAYMENTS, ANALYTICS);

    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(PAYMENTS, ANALYTICS);
    assertThat(accounts(client, READ_ONLY, LATEST)).isEmpty();
    assertThat(accounts(client, READ_ONLY, Optional.empty())).containsExactly(PAYMENTS, ANALYTICS);
    assertThat(accounts(client, ADMINISTRATOR, Optional.empty())).as("other sets are untouched").isEmpty();

    String repair = provision(client, PAYMENTS);
    assertThat(accounts(client, READ_ONLY, OUTDATED)).as("in progress").containsExactly(PAYMENTS, ANALYTICS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(client.describeProvisioning(INSTANCE, repair).status()).isEqualTo(ProvisioningStatus.SUCCEEDED);

    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(ANALYTICS);
    assertThat(accounts(client, READ_ONLY, LATEST)).containsExactly(PAYMENTS);
  }

  @Test
  void aProvisioningMadeBeforeATouchPushesTheCopyFromBefore() {
    IdentityCenterClient client = start(SimulatorFixture.demo());
    provision(client, SANDBOX);

    assertThat(simulator.touchPermissionSet(INSTANCE, READ_ONLY)).containsExactly(PAYMENTS, ANALYTICS);
    clock.advance(Duration.ofSeconds(3));

    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(PAYMENTS, ANALYTICS, SANDBOX);
    assertThat(simulator.touchPermissionSet(INSTANCE, READ_ONLY)).containsExactly(PAYMENTS, ANALYTICS, SANDBOX);
  }

  @Test
  void aProvisioningToAllAccountsBringsEachUpToDateButTheOneItFailedOn() {
    IdentityCenterClient client = start(demoWith(List.of(PAYMENTS, LEGACY, ANALYTICS), List.of()));
    simulator.touchPermissionSet(INSTANCE, READ_ONLY);

    String all = client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.allProvisionedAccounts()).requestId();
    clock.advance(Duration.ofSeconds(3));

    assertThat(client.describeProvisioning(INSTANCE, all).status()).isEqualTo(ProvisioningStatus.FAILED);
    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(LEGACY);
    assertThat(accounts(client, READ_ONLY, LATEST)).containsExactly(PAYMENTS, ANALYTICS);
  }

  @Test
  void aFailedProvisioningLeavesItsAccountAsItWas() {
    IdentityCenterClient client = start(demoWith(List.of(PAYMENTS, LEGACY), List.of(LEGACY)));

    provision(client, LEGACY);
    clock.advance(Duration.ofSeconds(3));

    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(LEGACY);
    assertThat(accounts(client, READ_ONLY, LATEST)).containsExactly(PAYMENTS);
  }

  @Test
  void keysetPagesOfOutOfDateAccountsKeepTheirPlaceWhileAccountsAreBroughtUpToDate() {
    SimulatedIdentityCenter center = new SimulatedIdentityCenter(new SimulatorState(demoWith(
        List.of(PAYMENTS, ANALYTICS, SANDBOX, LEGACY), List.of()), clock, 0, 42), new Faults(42),
        new Pager(IdentityCenterSimulator.Paging.KEYSET, 42), new RequestCounters(),
        IdentityCenterSimulator.ListOrder.NEWEST_FIRST, Duration.ZERO);
    center.touch(INSTANCE, READ_ONLY);
    center.provision(INSTANCE, READ_ONLY, ProvisioningRequest.ACCOUNT, PAYMENTS);
    clock.advance(Duration.ofSeconds(3));

    List<String> paged = new ArrayList<>();
    Optional<String> marker = Optional.empty();
    do {
      dev.operators.permissionset.simulator.Page<String> page = center.provisionedAccounts(INSTANCE, READ_ONLY,
          Optional.of(SimulatedIdentityCenter.Copy.OUTDATED), marker, 1);
      paged.addAll(page.items());
      marker = Optional.ofNullable(page.nextMarker());
      if (paged.size() == 1) {
        center.provision(INSTANCE, READ_ONLY, ProvisioningRequest.ACCOUNT, ANALYTICS);
        center.provision(INSTANCE, READ_ONLY, ProvisioningRequest.ACCOUNT, SANDBOX);
        clock.advance(Duration.ofSeconds(3));
      }
    } while (marker.isPresent());

    assertThat(paged).containsExactly(ANALYTICS, LEGACY);
    assertThat(center.provisionedAccounts(INSTANCE, READ_ONLY, Optional.of(SimulatedIdentityCenter.Copy.LATEST),
        Optional.empty(), 100).items()).containsExactly(PAYMENTS, ANALYTICS, SANDBOX);
  }

  @Test
  void theAdminCallTouchesAUrlEncodedIdWithoutASignatureAndIsNoCloudCall() throws Exception {
    IdentityCenterClient client = start(SimulatorFixture.demo());

    HttpResponse<String> touched = post(touchPath(READ_ONLY));

    assertThat(touched.statusCode()).isEqualTo(200);
    assertThat(touched.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(json.readTree(touched.body())).isEqualTo(json.readTree("{\"outOfDateAccounts\":[\"" + PAYMENTS
        + "\",\"" + ANALYTICS + "\"]}"));
    assertThat(simulator.counts().totalCalls()).as("no cloud call").isZero();
    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(PAYMENTS, ANALYTICS);
    assertThat(json.readTree(post(touchPath(ADMINISTRATOR) + "?instanceId=" + INSTANCE).body()))
        .isEqualTo(json.readTree("{\"outOfDateAccounts\":[]}"));
  }

  @Test
  void theAdminCallRefusesWhatItCannotTouchInWords() throws Exception {
    start(SimulatorFixture.demo());

    HttpResponse<String> unknownSet = post(touchPath("ps-0000000000000000"));
    HttpResponse<String> unknownInstance = post(touchPath(READ_ONLY) + "?instanceId=ins-0000000000000000");
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(simulator.endpoint()
        + touchPath(READ_ONLY))).GET().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unknownCall = post("/simulator/permission-sets");
    String brokenEncoding = rawPost("/simulator/permission-sets/ps-%zz/touch");

    assertThat(unknownSet.statusCode()).isEqualTo(404);
    assertThat(json.readTree(unknownSet.body()).get("message").asText()).contains("ps-0000000000000000");
    assertThat(unknownInstance.statusCode()).isEqualTo(404);
    assertThat(unknownInstance.body()).contains("ins-0000000000000000");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(unknownCall.statusCode()).isEqualTo(404);
    assertThat(unknownCall.body()).contains("/touch");
    assertThat(brokenEncoding).startsWith("HTTP/1.1 400 ").contains("not validly percent-encoded");
    assertThat(simulator.counts().totalCalls()).isZero();
  }

  @Test
  void theJavaTouchOfAnUnknownPermissionSetIsNotFound() {
    start(SimulatorFixture.demo());

    ServiceFault fault = catchThrowableOfType(ServiceFault.class,
        () -> simulator.touchPermissionSet(INSTANCE, "ps-0000000000000000"));

    assertThat(fault.kind()).isEqualTo(ServiceFault.Kind.PERMISSION_SET_NOT_FOUND);
  }

  @Test
  void aFixtureStartsWithTheAccountsItMarksOutOfDate() throws IOException {
    Path file = Files.createTempFile("fixture", ".yaml");
    Files.writeString(file, """
        credentials:
          - {accessKey: %s, secretKey: %s, instances: [%s]}
        instances:
          - id: %s
            permissionSets: [{id: %s, name: ReadOnlyAccess}]
            accounts: [{id: %s}, {id: %s}]
            provisioned: {%s: [%s, %s]}
            outOfDate: {%s: [%s]}
        """.formatted(DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY, INSTANCE, INSTANCE, READ_ONLY, PAYMENTS,
        ANALYTICS, READ_ONLY, PAYMENTS, ANALYTICS, READ_ONLY, ANALYTICS));
    IdentityCenterClient client = start(SimulatorFixture.load(file));

    assertThat(accounts(client, READ_ONLY, OUTDATED)).containsExactly(ANALYTICS);
    assertThat(accounts(client, READ_ONLY, LATEST)).containsExactly(PAYMENTS);

    String repair = provision(client, ANALYTICS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(client.describeProvisioning(INSTANCE, repair).status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
    assertThat(accounts(client, READ_ONLY, OUTDATED)).isEmpty();
  }

  @Test
  void aFixtureMayMarkOutOfDateOnlyAccountsTheSetIsProvisionedTo() {
    IllegalArgumentException notProvisioned = catchThrowableOfType(IllegalArgumentException.class,
        () -> demoWith(List.of(PAYMENTS), List.of(SANDBOX)));
    IllegalArgumentException noSuchSet = catchThrowableOfType(IllegalArgumentException.class, () -> {
      SimulatorFixture.Instance demo = SimulatorFixture.demo().instances().get(0);
      new SimulatorFixture(Duration.ofSeconds(3), List.of(), List.of(new SimulatorFixture.Instance(demo.id(),
          demo.permissionSets(), 0, demo.accounts(), Map.of(), Map.of(ADMINISTRATOR, List.of(PAYMENTS)))));
    });

    assertThat(notProvisioned).hasMessage("instances[0].outOfDate['" + READ_ONLY + "'] lists '" + SANDBOX
        + "', which is not in instances[0].provisioned['" + READ_ONLY + "']: only an account the set is "
        + "provisioned to can be out of date");
    assertThat(noSuchSet).hasMessageContaining("instances[0].outOfDate['" + ADMINISTRATOR + "']")
        .hasMessageContaining("provisioned to no account");
  }
}
