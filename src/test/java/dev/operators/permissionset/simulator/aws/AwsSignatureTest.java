package dev.operators.permissionset.simulator.aws;

import static dev.operators.permissionset.testing.AwsDemoWorld.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.SsoAdminException;

/**
 * SigV4 as AWS's awsJson services check it: the official SDK's signatures pass, and every way a signature, key,
 * session token, scope or clock can be wrong gets AWS's error code and text.
 */
class AwsSignatureTest {

  private static final String MISMATCH = "The request signature we calculated does not match the signature you "
      + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for "
      + "details.";

  private final MutableClock clock = new MutableClock(Instant.now());
  private final ObjectMapper json = new ObjectMapper();
  private IdentityCenterSimulator simulator;

  @BeforeEach
  void start() {
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demoAws(),
        IdentityCenterSimulator.Options.defaults().withClock(clock));
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private SsoAdminClient sdk(AwsCredentials credentials, String region) {
    return SsoAdminClient.builder()
        .endpointOverride(simulator.endpoint())
        .region(Region.of(region))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private SsoAdminException failure(AwsCredentials credentials, String region) {
    SsoAdminException failure = catchThrowableOfType(SsoAdminException.class, () -> sdk(credentials, region)
        .listPermissionSets(b -> b.instanceArn(INSTANCE)));
    assertThat(failure).isNotNull();
    assertThat(failure.statusCode()).isEqualTo(400);
    assertThat(failure.requestId()).isNotBlank();
    return failure;
  }

  private static AwsCredentials demo() {
    return AwsBasicCredentials.create(AwsDemoWorld.ACCESS_KEY, AwsDemoWorld.SECRET_KEY);
  }

  @Test
  void sessionCredentialsWorkWithTheirToken() {
    AwsSessionCredentials session = AwsSessionCredentials.create(AwsDemoWorld.SESSION_ACCESS_KEY,
        AwsDemoWorld.SESSION_SECRET_KEY, AwsDemoWorld.SESSION_TOKEN);

    assertThat(sdk(session, AwsDemoWorld.REGION).listPermissionSets(b -> b.instanceArn(INSTANCE)).permissionSets())
        .hasSize(100);

    SsoAdminException withoutToken = failure(AwsBasicCredentials.create(AwsDemoWorld.SESSION_ACCESS_KEY,
        AwsDemoWorld.SESSION_SECRET_KEY), AwsDemoWorld.REGION);
    SsoAdminException wrongToken = failure(AwsSessionCredentials.create(AwsDemoWorld.SESSION_ACCESS_KEY,
        AwsDemoWorld.SESSION_SECRET_KEY, "another-token"), AwsDemoWorld.REGION);
    SsoAdminException tokenOfNoSession = failure(AwsSessionCredentials.create(AwsDemoWorld.ACCESS_KEY,
        AwsDemoWorld.SECRET_KEY, AwsDemoWorld.SESSION_TOKEN), AwsDemoWorld.REGION);
    for (SsoAdminException unrecognized : new SsoAdminException[] {withoutToken, wrongToken, tokenOfNoSession}) {
      assertThat(unrecognized.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
      assertThat(unrecognized.awsErrorDetails().errorMessage())
          .isEqualTo("The security token included in the request is invalid.");
    }
  }

  @Test
  void anExpiredSessionIsRefused() {
    SsoAdminException expired = failure(AwsSessionCredentials.create(AwsDemoWorld.EXPIRED_ACCESS_KEY,
        AwsDemoWorld.EXPIRED_SECRET_KEY, AwsDemoWorld.EXPIRED_TOKEN), AwsDemoWorld.REGION);

    assertThat(expired.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
    assertThat(expired.awsErrorDetails().errorMessage())
        .isEqualTo("The security token included in the request is expired");
  }

  @Test
  void anUnknownKeyOrAWrongSecretIsRefused() {
    SsoAdminException unknown = failure(AwsBasicCredentials.create("AKIAUNKNOWN000000000", "whatever"),
        AwsDemoWorld.REGION);
    SsoAdminException wrongSecret = failure(AwsBasicCredentials.create(AwsDemoWorld.ACCESS_KEY, "not-the-secret"),
        AwsDemoWorld.REGION);

    assertThat(unknown.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
    assertThat(unknown.awsErrorDetails().errorMessage())
        .isEqualTo("The security token included in the request is invalid.");
    assertThat(wrongSecret.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(wrongSecret.awsErrorDetails().errorMessage()).isEqualTo(MISMATCH).doesNotContain("not-the-secret");
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PERMISSION_SETS, "400")).isEqualTo(2);
  }

  @Test
  void aSignatureScopedToAnotherRegionIsRefused() {
    SsoAdminException otherRegion = failure(demo(), "eu-west-1");

    assertThat(otherRegion.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(otherRegion.awsErrorDetails().errorMessage())
        .isEqualTo("Credential should be scoped to a valid region.");
  }

  @Test
  void aSignatureMoreThanFiveMinutesOffTheClockIsRefused() {
    clock.set(Instant.now().plus(Duration.ofMinutes(10)));
    SsoAdminException expired = failure(demo(), AwsDemoWorld.REGION);
    clock.set(Instant.now().minus(Duration.ofMinutes(10)));
    SsoAdminException notYetCurrent = failure(demo(), AwsDemoWorld.REGION);
    clock.set(Instant.now().plus(Duration.ofMinutes(4)));

    assertThat(expired.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(expired.awsErrorDetails().errorMessage()).matches("Signature expired: \\d{8}T\\d{6}Z is now earlier "
        + "than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 5 min\\.\\)");
    assertThat(notYetCurrent.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(notYetCurrent.awsErrorDetails().errorMessage()).matches("Signature not yet current: \\d{8}T\\d{6}Z "
        + "is still later than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z \\+ 5 min\\.\\)");
    assertThat(sdk(demo(), AwsDemoWorld.REGION).listPermissionSets(b -> b.instanceArn(INSTANCE)).permissionSets())
        .isNotEmpty();
  }

  @Test
  void anUnsignedRequestMissesItsAuthenticationToken() throws Exception {
    HttpResponse<String> response = send(request("ListInstances", "{}").build());

    assertError(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }

  @Test
  void aSignatureForAnotherServiceIsRefused() throws Exception {
    HttpResponse<String> response = send(signed("ListInstances", "{}", "iam"));

    assertError(response, "InvalidSignatureException", "Credential should be scoped to correct service: 'sso'.");
  }

  @Test
  void anUnknownOperationIsRefused() throws Exception {
    HttpResponse<String> response = send(signed("CreatePermissionSet", "{}", "sso"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("__type").asText())
        .isEqualTo("com.amazonaws.swbexternalservice#UnknownOperationException");
    assertThat(simulator.counts().count(IdentityCenterSimulator.UNKNOWN_API, "400")).isEqualTo(1);
  }

  @Test
  void aBodyChangedAfterSigningIsRefused() throws Exception {
    HttpRequest original = signed("ListInstances", "{}", "sso");
    HttpRequest tampered = HttpRequest.newBuilder(original, (name, value) -> true)
        .POST(HttpRequest.BodyPublishers.ofString("{\"MaxResults\":1}")).build();

    assertError(send(tampered), "InvalidSignatureException", MISMATCH);
    assertThat(send(original).statusCode()).isEqualTo(200);
  }

  private void assertError(HttpResponse<String> response, String type, String message) throws IOException {
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("__type").asText()).isEqualTo("com.amazonaws.swbexternalservice#" + type);
    assertThat(body.get("Message").asText()).isEqualTo(message);
  }

  private HttpRequest.Builder request(String operation, String body) {
    return HttpRequest.newBuilder(simulator.endpoint().resolve("/"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "SWBExternalService." + operation)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** Signed by the SDK's signer for the service, with the demo key pair, as a client of that service would. */
  private HttpRequest signed(String operation, String body, String service) {
    URI uri = simulator.endpoint().resolve("/");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
        .putHeader("Content-Type", "application/x-amz-json-1.1")
        .putHeader("X-Amz-Target", "SWBExternalService." + operation)
        .build();
    SdkHttpRequest signedRequest = AwsV4HttpSigner.create().sign(sign -> sign
        .identity(AwsCredentialsIdentity.create(AwsDemoWorld.ACCESS_KEY, AwsDemoWorld.SECRET_KEY))
        .request(unsigned)
        .payload(() -> new ByteArrayInputStream(bytes))
        .putProperty(AwsV4HttpSigner.REGION_NAME, AwsDemoWorld.REGION)
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(clock.instant(), ZoneOffset.UTC))).request();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    for (Map.Entry<String, List<String>> header : signedRequest.headers().entrySet()) {
      if (!header.getKey().equalsIgnoreCase("Host")) {
        header.getValue().forEach(value -> request.header(header.getKey(), value));
      }
    }
    return request.build();
  }

  private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
