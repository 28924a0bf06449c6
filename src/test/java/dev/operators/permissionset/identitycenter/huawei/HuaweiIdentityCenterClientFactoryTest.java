package dev.operators.permissionset.identitycenter.huawei;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.operators.permissionset.identitycenter.CallRateLimiter;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.TlsIdentity;
import dev.operators.permissionset.testing.DemoWorld;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients for the endpoints connections name: plain http only when allowed, CA bundles, proxies, rate limits. */
class HuaweiIdentityCenterClientFactoryTest {

  private static final CloudCredentials DEMO = new CloudCredentials(DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY,
      Optional.empty(), Optional.of(DemoWorld.DOMAIN_ID));
  private static final String REQUEST_ID = "a1177591-c8c7-c492-38e6-0563d34cad92";
  private static final String STATUS = "{\"permission_set_provisioning_status\":{"
      + "\"account_id\":\"" + DemoWorld.PAYMENTS + "\",\"created_date\":\"1677175760379\","
      + "\"failure_reason\":\"\",\"permission_set_id\":\"" + DemoWorld.READ_ONLY + "\","
      + "\"request_id\":\"" + REQUEST_ID + "\",\"status\":\"SUCCEEDED\"}}";

  private final MockWebServer server = new MockWebServer();
  private HuaweiIdentityCenterClientFactory factory;

  @BeforeEach
  void start() throws IOException {
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    factory = factory(EnvironmentProxySelector.fromEnvironment(Map.of()), OptionalDouble.of(1000));
  }

  @AfterEach
  void stop() throws IOException {
    factory.close();
    server.shutdown();
  }

  private static HuaweiIdentityCenterClientFactory factory(ProxySelector proxies, OptionalDouble callsPerSecond) {
    return new HuaweiIdentityCenterClientFactory(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20), Clock.systemUTC(), callsPerSecond,
        proxies);
  }

  private URI serverUrl() {
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  private static IdentityCenterException failure(Runnable call) {
    IdentityCenterException failure = catchThrowableOfType(IdentityCenterException.class, call::run);
    assertThat(failure).as("an IdentityCenterException").isNotNull();
    return failure;
  }

  private static Optional<PermissionSet> readOnly(HuaweiIdentityCenterClientFactory clients, CloudEndpoint endpoint) {
    return clients.forConnection(endpoint, DEMO).findPermissionSetByName(DemoWorld.INSTANCE,
        DemoWorld.READ_ONLY_NAME);
  }

  @Test
  void plainHttpIsRefusedWithoutTheOptInAndNothingIsSent() {
    CloudEndpoint plain = new CloudEndpoint(serverUrl(), Optional.empty(), false);

    IdentityCenterException refused = failure(() ->
        factory.forConnection(plain, DEMO).describeProvisioning(DemoWorld.INSTANCE, REQUEST_ID));

    assertThat(refused.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
    assertThat(refused.getMessage()).contains("spec.huaweiCloud.endpoint", "plain http", "allowInsecureHttp");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void plainHttpIsUsedWithTheOptIn() throws InterruptedException {
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(STATUS));

    ProvisioningRequest request = factory.forConnection(new CloudEndpoint(serverUrl(), Optional.empty(), true), DEMO)
        .describeProvisioning(DemoWorld.INSTANCE, REQUEST_ID);

    assertThat(request.requestId()).isEqualTo(REQUEST_ID);
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeader("Host")).isEqualTo("127.0.0.1:" + server.getPort());
  }

  @Test
  void callsGoThroughTheProxyOfTheEnvironment() throws InterruptedException {
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(STATUS));
    URI unresolvable = URI.create("http://identitycenter.invalid:8080/iic");
    try (HuaweiIdentityCenterClientFactory proxied = factory(EnvironmentProxySelector.fromEnvironment(
        Map.of("HTTP_PROXY", "http://127.0.0.1:" + server.getPort(), "NO_PROXY", "example.com")),
        OptionalDouble.empty())) {

      ProvisioningRequest request = proxied.forConnection(new CloudEndpoint(unresolvable, Optional.empty(), true),
          DEMO).describeProvisioning(DemoWorld.INSTANCE, REQUEST_ID);

      assertThat(request.requestId()).isEqualTo(REQUEST_ID);
      RecordedRequest atProxy = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(atProxy.getRequestLine()).startsWith("GET http://identitycenter.invalid:8080/iic/v1/instances/"
          + DemoWorld.INSTANCE + "/permission-sets/provisioning-status/" + REQUEST_ID + " ");
      assertThat(atProxy.getHeader("Host")).isEqualTo("identitycenter.invalid:8080");
    }
  }

  @Test
  void anHttpsEndpointIsTrustedThroughTheConnectionsCaBundle() {
    TlsIdentity identity = TlsIdentity.selfSigned(List.of(), Clock.systemUTC());
    try (IdentityCenterSimulator simulator = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withTls(identity))) {
      URI url = simulator.endpoint();

      Optional<PermissionSet> found = readOnly(factory, new CloudEndpoint(url, Optional.of(identity.chainPem()),
          false));
      IdentityCenterException untrusted = failure(() ->
          readOnly(factory, new CloudEndpoint(url, Optional.empty(), false)));

      assertThat(url.getScheme()).isEqualTo("https");
      assertThat(found).map(PermissionSet::id).contains(DemoWorld.READ_ONLY);
      assertThat(untrusted.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(untrusted.getMessage())
          .contains("the TLS certificate of " + url.getAuthority() + " is not trusted", "spec.huaweiCloud.caBundle")
          .doesNotContain("sun.security", "Exception", "PKIX");
    }
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenWhenItsCaIsTrusted() {
    TlsIdentity identity = TlsIdentity.selfSigned(List.of(), Clock.systemUTC());
    try (IdentityCenterSimulator simulator = IdentityCenterSimulator.start(SimulatorFixture.demo(),
        IdentityCenterSimulator.Options.defaults().withHost("127.0.0.2").withTls(identity))) {
      URI url = simulator.endpoint();

      IdentityCenterException refused = failure(() ->
          readOnly(factory, new CloudEndpoint(url, Optional.of(identity.chainPem()), false)));

      assertThat(refused.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(refused.getMessage())
          .contains("the TLS certificate of " + url.getAuthority() + " is not issued for that host name");
    }
  }

  @Test
  void endpointsWithACaBundleShareTheConnectionPoolAndDispatcher() {
    String pem = TlsIdentity.selfSigned(List.of(), Clock.systemUTC()).chainPem();
    URI url = URI.create("https://identitycenter.example");
    OkHttpClient shared = factory.httpFor(new CloudEndpoint(url, Optional.empty(), false));

    OkHttpClient trusting = factory.httpFor(new CloudEndpoint(url, Optional.of(pem), false));

    assertThat(trusting).isNotSameAs(shared)
        .isSameAs(factory.httpFor(new CloudEndpoint(URI.create("https://other.example"), Optional.of(pem), false)));
    assertThat(trusting.connectionPool()).isSameAs(shared.connectionPool());
    assertThat(trusting.dispatcher()).isSameAs(shared.dispatcher());
    assertThat(trusting.proxySelector()).isSameAs(shared.proxySelector());
    assertThat(trusting.followRedirects()).isFalse();
    assertThat(trusting.retryOnConnectionFailure()).isFalse();
    assertThat(trusting.networkInterceptors()).isEqualTo(shared.networkInterceptors());
  }

  @Test
  void eachEndpointHasItsOwnRateLimiterForTheFactorysLife() {
    CallRateLimiter first = factory.rateLimiterFor(HttpUrl.get("https://a.example")).orElseThrow();

    assertThat(factory.rateLimiterFor(HttpUrl.get("https://a.example/other-prefix"))).containsSame(first);
    assertThat(factory.rateLimiterFor(HttpUrl.get("https://a.example:8443")).orElseThrow()).isNotSameAs(first);
    assertThat(factory.rateLimiterFor(HttpUrl.get("https://b.example")).orElseThrow()).isNotSameAs(first);
  }

  @Test
  void theLeastRecentlyUsedEndpointsAreForgottenBeyondTheBound() {
    CallRateLimiter kept = factory.rateLimiterFor(HttpUrl.get("https://kept.example")).orElseThrow();
    CallRateLimiter forgotten = factory.rateLimiterFor(HttpUrl.get("https://forgotten.example")).orElseThrow();

    for (int i = 0; i < HuaweiIdentityCenterClientFactory.MAX_ENDPOINTS - 1; i++) {
      factory.rateLimiterFor(HttpUrl.get("https://kept.example"));
      factory.rateLimiterFor(HttpUrl.get("https://endpoint-" + i + ".example"));
    }

    assertThat(factory.rateLimiterFor(HttpUrl.get("https://kept.example"))).containsSame(kept);
    assertThat(factory.rateLimiterFor(HttpUrl.get("https://forgotten.example")).orElseThrow())
        .isNotSameAs(forgotten);
  }

  @Test
  void withoutARateThereAreNoLimiters() {
    try (HuaweiIdentityCenterClientFactory unlimited = factory(ProxySelector.of(null), OptionalDouble.empty())) {
      assertThat(unlimited.rateLimiterFor(HttpUrl.get("https://a.example"))).isEmpty();
    }
  }
}
