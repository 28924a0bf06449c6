package dev.operators.permissionset.identitycenter.aws;

import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.ACCESS_KEY;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.REGION;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.SECRET_KEY;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.answer;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.simulator.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** The SDK's requests over the CloudHttp stack: bodies, headers, abort, CA bundles and proxies. */
class OkHttpSdkHttpClientTest {

  final MockWebServer server = new MockWebServer();
  CloudHttp http;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    http = cloudHttp(Map.of());
  }

  @AfterEach
  void stop() throws IOException {
    http.close();
    server.shutdown();
  }

  static CloudHttp cloudHttp(Map<String, String> environment) {
    return new CloudHttp(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20), OptionalDouble.empty(),
        EnvironmentProxySelector.fromEnvironment(environment));
  }

  OkHttpClient plain() {
    return http.clientFor(new CloudEndpoint(URI.create("http://127.0.0.1"), Optional.empty(), true));
  }

  HttpExecuteRequest post(byte[] body) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:" + server.getPort() + "/prefix"))
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .putHeader("Content-Length", Integer.toString(body.length))
        .putHeader("X-Amz-Target", "SWBExternalService.ListInstances")
        .build();
    return HttpExecuteRequest.builder().request(request)
        .contentStreamProvider(ContentStreamProvider.fromByteArray(body)).build();
  }

  @Test
  void theBodyIsSentWithTheHeadersTheSdkSigned() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024];
    Arrays.fill(body, (byte) 'x');
    server.enqueue(new MockResponse());

    new OkHttpSdkHttpClient(plain()).prepareRequest(post(body)).call().responseBody().orElseThrow().close();

    RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(sent.getRequestLine()).isEqualTo("POST /prefix HTTP/1.1");
    assertThat(sent.getHeader("Content-Type")).isEqualTo("application/x-amz-json-1.1");
    assertThat(sent.getHeader("Content-Length")).isEqualTo(Integer.toString(body.length));
    assertThat(sent.getHeader("Transfer-Encoding")).isNull();
    assertThat(sent.getHeader("X-Amz-Target")).isEqualTo("SWBExternalService.ListInstances");
    assertThat(sent.getBody().readByteArray()).isEqualTo(body);
  }

  @Test
  void theBodyIsReadFromTheSdksStreamAsItIsWritten() throws Exception {
    server.enqueue(new MockResponse());
    InputStream failing = new InputStream() {
      private int sent;

      @Override
      public int read() throws IOException {
        if (sent++ < 64 * 1024) {
          return 'y';
        }
        throw new IOException("the SDK's stream broke");
      }
    };
    SdkHttpRequest request = post(new byte[0]).httpRequest().toBuilder().removeHeader("Content-Length").build();

    ExecutableHttpRequest call = new OkHttpSdkHttpClient(plain()).prepareRequest(HttpExecuteRequest.builder()
        .request(request).contentStreamProvider(() -> failing).build());

    assertThatThrownBy(call::call).isInstanceOf(IOException.class).hasMessageContaining("the SDK's stream broke");
    RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(sent.getHeader("Transfer-Encoding")).as("no length: chunked").isEqualTo("chunked");
  }

  @Test
  void theResponsesStatusHeadersAndBodyReachTheSdkAndClosingItFreesTheConnection() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(418).setHeader("x-amzn-RequestId", "r-1")
        .addHeader("X-Many", "a").addHeader("X-Many", "b").setBody("{\"teapot\":true}"));
    OkHttpClient client = plain();

    HttpExecuteResponse response = new OkHttpSdkHttpClient(client).prepareRequest(post(new byte[0])).call();
    InputStream body = response.responseBody().orElseThrow();
    String text = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    body.close();

    assertThat(response.httpResponse().statusCode()).isEqualTo(418);
    assertThat(response.httpResponse().firstMatchingHeader("X-Amzn-RequestId")).contains("r-1");
    assertThat(response.httpResponse().matchingHeaders("x-many")).containsExactly("a", "b");
    assertThat(text).isEqualTo("{\"teapot\":true}");
    await().atMost(Duration.ofSeconds(5)).until(() -> client.connectionPool().idleConnectionCount() == 1);
  }

  @Test
  void abortCancelsACallInFlight() throws Exception {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    CloudHttp patient = new CloudHttp(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(10),
        OptionalDouble.empty(), EnvironmentProxySelector.fromEnvironment(Map.of()));
    OkHttpClient client = patient.clientFor(new CloudEndpoint(URI.create("http://127.0.0.1"), Optional.empty(), true));
    ExecutableHttpRequest call = new OkHttpSdkHttpClient(client).prepareRequest(post(new byte[] {'{', '}'}));
    CompletableFuture<HttpExecuteResponse> answered = CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();

    call.abort();

    assertThatThrownBy(() -> answered.get(5, TimeUnit.SECONDS)).as("failed long before the read timeout")
        .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(IOException.class);
    patient.close();
  }

  @Test
  void anHttpsEndpointIsTrustedThroughTheConnectionsCaBundle() throws Exception {
    TlsIdentity identity = TlsIdentity.selfSigned(List.of(), Clock.systemUTC());
    server.useHttps(serverContext(identity).getSocketFactory(), false);
    server.enqueue(answer(200, "{\"Instances\":[]}"));
    URI url = URI.create("https://127.0.0.1:" + server.getPort());
    try (AwsIdentityCenterClientFactory clients = new AwsIdentityCenterClientFactory(http, Clock.systemUTC())) {

      clients.forConnection(access(new CloudEndpoint(url, Optional.of(identity.chainPem()), false))).checkAccess();
      IdentityCenterException untrusted = failure(() ->
          clients.forConnection(access(new CloudEndpoint(url, Optional.empty(), false))).checkAccess());

      assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeader("X-Amz-Target"))
          .isEqualTo("SWBExternalService.ListInstances");
      assertThat(untrusted.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(untrusted.getMessage()).contains("the TLS certificate of 127.0.0.1:" + server.getPort()
          + " is not trusted", "spec.aws.caBundle");
    }
  }

  @Test
  void callsGoThroughTheProxyOfTheEnvironment() throws Exception {
    server.enqueue(answer(200, "{\"Instances\":[]}"));
    URI unresolvable = URI.create("http://sso.invalid:8080");
    try (CloudHttp proxied = cloudHttp(Map.of("HTTP_PROXY", "http://127.0.0.1:" + server.getPort()));
        AwsIdentityCenterClientFactory clients = new AwsIdentityCenterClientFactory(proxied, Clock.systemUTC())) {

      clients.forConnection(access(new CloudEndpoint(unresolvable, Optional.empty(), true))).checkAccess();

      RecordedRequest atProxy = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(atProxy.getRequestLine()).isEqualTo("POST http://sso.invalid:8080/ HTTP/1.1");
      assertThat(atProxy.getHeader("Host")).isEqualTo("sso.invalid:8080");
    }
  }

  static CloudAccess.Aws access(CloudEndpoint endpoint) {
    return new CloudAccess.Aws(endpoint, REGION, Optional.of(CloudCredentials.of(ACCESS_KEY, SECRET_KEY)),
        Optional.empty());
  }

  static SSLContext serverContext(TlsIdentity identity) throws GeneralSecurityException, IOException {
    char[] password = "test".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", identity.privateKey(), password, identity.chain().toArray(new Certificate[0]));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
