package dev.operators.permissionset.identitycenter.aws;

import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.ACCESS_KEY;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.INSTANCE;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.REGION;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.SECRET_KEY;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.answer;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.failure;
import static dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientTest.today;
import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A role assumed through STS (the query protocol), whose session credentials sign the SSO calls. */
class AwsAssumedRoleTest {

  static final String ROLE_ARN = "arn:aws:iam::123456789012:role/permission-set-operator";
  static final String SESSION_NAME = "connection-default";
  static final String ASSUMED_KEY = "ASIAASSUMEDROLEKEY01";
  static final String ASSUMED_SECRET = "assumed-role-secret-key";
  static final String ASSUMED_TOKEN = "assumed-role-session-token";

  final MockWebServer sso = new MockWebServer();
  final MockWebServer sts = new MockWebServer();
  CloudHttp http;
  AwsIdentityCenterClientFactory factory;

  @BeforeEach
  void start() throws IOException {
    sso.start(InetAddress.getByName("127.0.0.1"), 0);
    sts.start(InetAddress.getByName("127.0.0.1"), 0);
    http = new CloudHttp(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20), OptionalDouble.empty(),
        EnvironmentProxySelector.fromEnvironment(Map.of()));
    factory = new AwsIdentityCenterClientFactory(http, Clock.systemUTC(),
        Optional.of(URI.create("http://127.0.0.1:" + sts.getPort())));
  }

  @AfterEach
  void stop() throws IOException {
    factory.close();
    http.close();
    sso.shutdown();
    sts.shutdown();
  }

  CloudAccess.Aws access(Optional<String> externalId) {
    return new CloudAccess.Aws(new CloudEndpoint(URI.create("http://127.0.0.1:" + sso.getPort()), Optional.empty(),
        true), REGION, Optional.of(CloudCredentials.of(ACCESS_KEY, SECRET_KEY)),
        Optional.of(new CloudAccess.AssumedRole(ROLE_ARN, externalId, SESSION_NAME)));
  }

  static MockResponse assumed() {
    return new MockResponse().setHeader("Content-Type", "text/xml").setBody("""
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>%s</AccessKeyId>
              <SecretAccessKey>%s</SecretAccessKey>
              <SessionToken>%s</SessionToken>
              <Expiration>2099-01-01T00:00:00Z</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/permission-set-operator/connection-default</Arn>
              <AssumedRoleId>AROAEXAMPLE:connection-default</AssumedRoleId>
            </AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </AssumeRoleResponse>""".formatted(ASSUMED_KEY, ASSUMED_SECRET, ASSUMED_TOKEN));
  }

  static Map<String, String> form(RecordedRequest request) {
    return Arrays.stream(request.getBody().readUtf8().split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
  }

  @Test
  void theSsoCallsAreSignedWithTheAssumedRolesCredentials() throws Exception {
    sts.enqueue(assumed());
    sso.enqueue(answer(200, "{\"Instances\":[]}"));
    sso.enqueue(answer(200, "{\"Instances\":[]}"));

    IdentityCenterClient client = factory.forConnection(access(Optional.of("external-42")));
    client.checkAccess();
    client.checkAccess();

    RecordedRequest assumeRole = sts.takeRequest(5, TimeUnit.SECONDS);
    assertThat(assumeRole.getMethod()).isEqualTo("POST");
    assertThat(assumeRole.getHeader("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/" + today() + "/" + REGION + "/sts/aws4_request");
    assertThat(form(assumeRole)).containsEntry("Action", "AssumeRole").containsEntry("RoleArn", ROLE_ARN)
        .containsEntry("RoleSessionName", SESSION_NAME).containsEntry("ExternalId", "external-42");
    for (int call = 0; call < 2; call++) {
      RecordedRequest signed = sso.takeRequest(5, TimeUnit.SECONDS);
      assertThat(signed.getHeader("Authorization"))
          .startsWith("AWS4-HMAC-SHA256 Credential=" + ASSUMED_KEY + "/" + today() + "/" + REGION + "/sso/");
      assertThat(signed.getHeader("X-Amz-Security-Token")).isEqualTo(ASSUMED_TOKEN);
    }
    assertThat(sts.getRequestCount()).as("the session is kept until it nears its expiry").isEqualTo(1);
  }

  @Test
  void aReleasedConnectionAssumesTheRoleAgain() {
    sts.enqueue(assumed());
    sts.enqueue(assumed());
    sso.enqueue(answer(200, "{\"Instances\":[]}"));
    sso.enqueue(answer(200, "{\"Instances\":[]}"));
    IdentityCenterClient first = factory.forConnection(access(Optional.empty()));
    first.checkAccess();

    factory.release(access(Optional.empty()));
    factory.forConnection(access(Optional.empty())).checkAccess();

    assertThat(failure(first::checkAccess).category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(sts.getRequestCount()).isEqualTo(2);
    assertThat(sso.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aRoleThatMayNotBeAssumedIsAnAuthenticationFailureAndNothingReachesSso() {
    sts.enqueue(new MockResponse().setResponseCode(403).setHeader("Content-Type", "text/xml").setBody("""
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>AccessDenied</Code>
            <Message>User: arn:aws:iam::123456789012:user/operator is not authorized to perform: sts:AssumeRole</Message>
          </Error>
          <RequestId>4b2f1c3d-0000-4000-8000-000000000001</RequestId>
        </ErrorResponse>"""));

    IdentityCenterException failure = failure(() ->
        factory.forConnection(access(Optional.empty())).describeProvisioning(INSTANCE, "r-1"));

    assertThat(failure.category()).isEqualTo(ErrorCategory.AUTHENTICATION_FAILED);
    assertThat(failure.getMessage()).contains(ROLE_ARN, "AccessDenied", "not authorized to perform: sts:AssumeRole")
        .doesNotContain(SECRET_KEY);
    assertThat(failure.errorCode()).contains("AccessDenied");
    assertThat(sso.getRequestCount()).isZero();
    assertThat(sts.getRequestCount()).as("no retry by the SDK").isEqualTo(1);
  }

  @Test
  void anUnreachableStsIsUnavailable() throws IOException {
    sts.shutdown();

    IdentityCenterException failure = failure(() -> factory.forConnection(access(Optional.empty())).checkAccess());

    assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("could not be obtained from the role " + ROLE_ARN);
    assertThat(sso.getRequestCount()).isZero();
  }
}
