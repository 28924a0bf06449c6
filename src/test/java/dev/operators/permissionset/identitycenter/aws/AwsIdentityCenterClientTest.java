package dev.operators.permissionset.identitycenter.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.CloudHttp;
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
import dev.operators.permissionset.testing.CapturedLogs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SSO Admin API as the SDK speaks it (awsJson1_1, SigV4), against canned answers. */
class AwsIdentityCenterClientTest {

  static final String INSTANCE = "arn:aws:sso:::instance/ssoins-1111222233334444";
  static final String READ_ONLY = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-aaaabbbbccccdddd";
  static final String ADMIN = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-eeeeffff00001111";
  static final String AUDIT = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-2222333344445555";
  static final String ACCOUNT = "111122223333";
  static final String REQUEST_ID = "b1d2f4a8-3c5e-4f60-8a9b-0c1d2e3f4a5b";
  static final String AMZN_REQUEST_ID = "0f9e8d7c-6b5a-4948-8372-615243342516";
  static final String REGION = "eu-west-1";
  static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLEsessionTOKEN";
  static final ObjectMapper JSON = new ObjectMapper();

  final MockWebServer server = new MockWebServer();
  CloudHttp http;
  AwsIdentityCenterClientFactory factory;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    http = new CloudHttp(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20),
        OptionalDouble.of(1000), EnvironmentProxySelector.fromEnvironment(Map.of()));
    factory = new AwsIdentityCenterClientFactory(http, Clock.systemUTC());
  }

  @AfterEach
  void stop() throws IOException {
    factory.close();
    http.close();
    server.shutdown();
  }

  CloudEndpoint endpoint() {
    return new CloudEndpoint(URI.create("http://127.0.0.1:" + server.getPort()), Optional.empty(), true);
  }

  CloudAccess.Aws withKeys(Optional<String> sessionToken) {
    return new CloudAccess.Aws(endpoint(), REGION,
        Optional.of(new CloudCredentials(ACCESS_KEY, SECRET_KEY, sessionToken, Optional.empty())), Optional.empty());
  }

  IdentityCenterClient client() {
    return factory.forConnection(withKeys(Optional.empty()));
  }

  static MockResponse answer(int status, String body) {
    return new MockResponse().setResponseCode(status)
        .setHeader("Content-Type", "application/x-amz-json-1.1")
        .setHeader("x-amzn-RequestId", AMZN_REQUEST_ID)
        .setBody(body);
  }

  static MockResponse error(int status, String type, String message) {
    return answer(status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
  }

  static String status(String status, String extra) {
    return "{\"PermissionSetProvisioningStatus\":{\"RequestId\":\"" + REQUEST_ID + "\",\"Status\":\"" + status
        + "\",\"CreatedDate\":1.7000000005E9" + extra + "}}";
  }

  RecordedRequest taken() throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request").isNotNull();
    return request;
  }

  static JsonNode body(RecordedRequest request) throws IOException {
    return JSON.readTree(request.getBody().readUtf8());
  }

  static IdentityCenterException failure(Runnable call) {
    IdentityCenterException failure = catchThrowableOfType(IdentityCenterException.class, call::run);
    assertThat(failure).as("an IdentityCenterException").isNotNull();
    return failure;
  }

  static String today() {
    return DateTimeFormatter.BASIC_ISO_DATE.format(Instant.now().atOffset(ZoneOffset.UTC)).substring(0, 8);
  }

  @Nested
  class Requests {

    @Test
    void provisionToAnAccountIsASignedProvisionPermissionSet() throws Exception {
      server.enqueue(answer(200, status("IN_PROGRESS", ",\"AccountId\":\"" + ACCOUNT + "\"")));

      ProvisioningRequest request = client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ACCOUNT));

      RecordedRequest sent = taken();
      assertThat(sent.getMethod()).isEqualTo("POST");
      assertThat(sent.getPath()).isEqualTo("/");
      assertThat(sent.getHeader("X-Amz-Target")).isEqualTo("SWBExternalService.ProvisionPermissionSet");
      assertThat(sent.getHeader("Content-Type")).isEqualTo("application/x-amz-json-1.1");
      assertThat(sent.getHeader("Authorization"))
          .startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/" + today() + "/" + REGION
              + "/sso/aws4_request, SignedHeaders=")
          .contains("x-amz-target");
      assertThat(sent.getHeader("X-Amz-Security-Token")).isNull();
      assertThat(body(sent)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE + "\",\"PermissionSetArn\":\""
          + READ_ONLY + "\",\"TargetType\":\"AWS_ACCOUNT\",\"TargetId\":\"" + ACCOUNT + "\"}"));
      assertThat(request).isEqualTo(new ProvisioningRequest(REQUEST_ID, ProvisioningStatus.IN_PROGRESS,
          "IN_PROGRESS", Optional.of(ACCOUNT), Optional.empty(), Optional.empty(),
          Optional.of(Instant.ofEpochMilli(1_700_000_000_500L))));
    }

    @Test
    void provisionToAllProvisionedAccountsHasNoTargetIdAndSignsTheSessionToken() throws Exception {
      server.enqueue(answer(200, status("IN_PROGRESS", "")));

      factory.forConnection(withKeys(Optional.of(SESSION_TOKEN)))
          .provision(INSTANCE, READ_ONLY, ProvisioningTarget.allProvisionedAccounts());

      RecordedRequest sent = taken();
      assertThat(body(sent)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE + "\",\"PermissionSetArn\":\""
          + READ_ONLY + "\",\"TargetType\":\"ALL_PROVISIONED_ACCOUNTS\"}"));
      assertThat(sent.getHeader("X-Amz-Security-Token")).isEqualTo(SESSION_TOKEN);
      assertThat(sent.getHeader("Authorization")).contains("x-amz-security-token");
    }

    @Test
    void describeProvisioningReadsAFailedRequestWithItsReason() throws Exception {
      server.enqueue(answer(200, status("FAILED", ",\"AccountId\":\"" + ACCOUNT + "\",\"PermissionSetArn\":\""
          + READ_ONLY + "\",\"FailureReason\":\"the account is suspended\"")));

      ProvisioningRequest request = client().describeProvisioning(INSTANCE, REQUEST_ID);

      RecordedRequest sent = taken();
      assertThat(sent.getHeader("X-Amz-Target"))
          .isEqualTo("SWBExternalService.DescribePermissionSetProvisioningStatus");
      assertThat(body(sent)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"ProvisionPermissionSetRequestId\":\"" + REQUEST_ID + "\"}"));
      assertThat(request.status()).isEqualTo(ProvisioningStatus.FAILED);
      assertThat(request.accountId()).contains(ACCOUNT);
      assertThat(request.permissionSetId()).contains(READ_ONLY);
      assertThat(request.failureReason()).contains("the account is suspended");
    }

    @Test
    void aStatusTheSdkDoesNotKnowIsStillInProgressAsTheCloudSpelledIt() {
      server.enqueue(answer(200, status("QUEUED", "")));

      ProvisioningRequest request = client().describeProvisioning(INSTANCE, REQUEST_ID);

      assertThat(request.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
      assertThat(request.reportedStatus()).isEqualTo("QUEUED");
    }

    @Test
    void listProvisioningFiltersByStatusAndPagesWithTheNextToken() throws Exception {
      server.enqueue(answer(200, "{\"PermissionSetsProvisioningStatus\":[{\"RequestId\":\"" + REQUEST_ID
          + "\",\"Status\":\"IN_PROGRESS\",\"CreatedDate\":1700000000},{\"RequestId\":\"r-2\",\"Status\":\"PAUSED\"}],"
          + "\"NextToken\":\"token-2\"}"));
      server.enqueue(answer(200, "{\"PermissionSetsProvisioningStatus\":[]}"));

      Page<ProvisioningSummary> first = client().listProvisioning(INSTANCE, Optional.of(ProvisioningStatus.IN_PROGRESS),
          Optional.empty());
      Page<ProvisioningSummary> last = client().listProvisioning(INSTANCE, Optional.empty(), Optional.of("token-2"));

      RecordedRequest firstSent = taken();
      assertThat(firstSent.getHeader("X-Amz-Target")).isEqualTo("SWBExternalService.ListPermissionSetProvisioningStatus");
      assertThat(body(firstSent)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"MaxResults\":100,\"Filter\":{\"Status\":\"IN_PROGRESS\"}}"));
      assertThat(body(taken())).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"MaxResults\":100,\"NextToken\":\"token-2\"}"));
      assertThat(first.items()).containsExactly(
          new ProvisioningSummary(REQUEST_ID, ProvisioningStatus.IN_PROGRESS, "IN_PROGRESS",
              Optional.of(Instant.ofEpochSecond(1_700_000_000))),
          new ProvisioningSummary("r-2", ProvisioningStatus.IN_PROGRESS, "PAUSED", Optional.empty()));
      assertThat(first.nextMarker()).contains("token-2");
      assertThat(last.items()).isEmpty();
      assertThat(last.nextMarker()).isEmpty();
    }

    @Test
    void checkAccessListsOneInstance() throws Exception {
      server.enqueue(answer(200, "{\"Instances\":[{\"InstanceArn\":\"" + INSTANCE + "\"}]}"));

      client().checkAccess();

      RecordedRequest sent = taken();
      assertThat(sent.getHeader("X-Amz-Target")).isEqualTo("SWBExternalService.ListInstances");
      assertThat(body(sent)).isEqualTo(JSON.readTree("{\"MaxResults\":1}"));
    }
  }

  @Nested
  class FindingByName {

    List<String> targets = new ArrayList<>();

    static MockResponse firstPage() {
      return answer(200, "{\"PermissionSets\":[\"" + READ_ONLY + "\",\"" + ADMIN + "\"],\"NextToken\":\"page-2\"}");
    }

    static MockResponse lastPage() {
      return answer(200, "{\"PermissionSets\":[\"" + AUDIT + "\"]}");
    }

    /** Both pages, with the answers of the describes each page leads to. */
    void enqueueListingDescribingAll() {
      server.enqueue(firstPage());
      server.enqueue(described(READ_ONLY, "ReadOnly"));
      server.enqueue(described(ADMIN, "Admin"));
      server.enqueue(lastPage());
      server.enqueue(described(AUDIT, "Audit"));
    }

    static MockResponse described(String arn, String name) {
      return answer(200, "{\"PermissionSet\":{\"Name\":\"" + name + "\",\"PermissionSetArn\":\"" + arn
          + "\",\"Description\":\"" + name + " access\"}}");
    }

    List<JsonNode> sent(int count) throws Exception {
      List<JsonNode> bodies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        RecordedRequest request = taken();
        targets.add(request.getHeader("X-Amz-Target").replace("SWBExternalService.", ""));
        bodies.add(body(request));
      }
      return bodies;
    }

    @Test
    void everyPageIsListedAndEachSetDescribedOnce() throws Exception {
      enqueueListingDescribingAll();

      Optional<PermissionSet> found = client().findPermissionSetByName(INSTANCE, "Audit");

      List<JsonNode> bodies = sent(5);
      assertThat(targets).containsExactly("ListPermissionSets", "DescribePermissionSet", "DescribePermissionSet",
          "ListPermissionSets", "DescribePermissionSet");
      assertThat(bodies.get(0)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE + "\",\"MaxResults\":100}"));
      assertThat(bodies.get(1)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"PermissionSetArn\":\"" + READ_ONLY + "\"}"));
      assertThat(bodies.get(3)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"MaxResults\":100,\"NextToken\":\"page-2\"}"));
      assertThat(found).contains(new PermissionSet(AUDIT, "Audit", Optional.of("Audit access")));
    }

    @Test
    void aSecondLookupDescribesNothingItKnows() throws Exception {
      enqueueListingDescribingAll();
      client().findPermissionSetByName(INSTANCE, "Audit");
      sent(5);
      targets.clear();
      server.enqueue(firstPage());
      server.enqueue(lastPage());
      server.enqueue(firstPage());

      Optional<PermissionSet> audit = client().findPermissionSetByName(INSTANCE, "Audit");
      Optional<PermissionSet> admin = client().findPermissionSetByName(INSTANCE, "Admin");

      sent(3);
      assertThat(targets).containsExactly("ListPermissionSets", "ListPermissionSets", "ListPermissionSets");
      assertThat(audit).map(PermissionSet::id).contains(AUDIT);
      assertThat(admin).map(PermissionSet::id).contains(ADMIN);
    }

    @Test
    void aNameThatIsNowhereIsEmptyAfterTheLastPage() throws Exception {
      enqueueListingDescribingAll();

      assertThat(client().findPermissionSetByName(INSTANCE, "Billing")).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(5);
    }

    @Test
    void aSetDeletedBetweenListingAndDescribingIsSkipped() {
      server.enqueue(answer(200, "{\"PermissionSets\":[\"" + READ_ONLY + "\",\"" + ADMIN + "\"]}"));
      server.enqueue(error(400, "ResourceNotFoundException", "PermissionSet not found"));
      server.enqueue(described(ADMIN, "Admin"));

      assertThat(client().findPermissionSetByName(INSTANCE, "Admin")).map(PermissionSet::id).contains(ADMIN);
    }

    @Test
    void aNextTokenSeenTwiceStopsThePaging() {
      server.enqueue(answer(200, "{\"PermissionSets\":[],\"NextToken\":\"again\"}"));
      server.enqueue(answer(200, "{\"PermissionSets\":[],\"NextToken\":\"again\"}"));

      IdentityCenterException failure = failure(() -> client().findPermissionSetByName(INSTANCE, "Admin"));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.getMessage()).contains("NextToken 'again' a second time");
      assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void releasingTheConnectionForgetsWhatWasDescribed() throws Exception {
      server.enqueue(answer(200, "{\"PermissionSets\":[\"" + READ_ONLY + "\"]}"));
      server.enqueue(described(READ_ONLY, "ReadOnly"));
      client().findPermissionSetByName(INSTANCE, "ReadOnly");
      factory.release(withKeys(Optional.empty()));
      server.enqueue(answer(200, "{\"PermissionSets\":[\"" + READ_ONLY + "\"]}"));
      server.enqueue(described(READ_ONLY, "ReadOnly"));

      assertThat(client().findPermissionSetByName(INSTANCE, "ReadOnly")).isPresent();
      sent(4);
      assertThat(targets).containsExactly("ListPermissionSets", "DescribePermissionSet", "ListPermissionSets",
          "DescribePermissionSet");
    }
  }

  @Nested
  class ListingAccounts {

    Page<String> list(Optional<AccountProvisioningStatus> status, Optional<String> marker) {
      return client().listAccountsForProvisionedPermissionSet(INSTANCE, READ_ONLY, status, marker);
    }

    @Test
    void outOfDateAccountsAreAskedForWithTheFilterAndPagedWithTheNextToken() throws Exception {
      server.enqueue(answer(200, "{\"AccountIds\":[\"" + ACCOUNT + "\",\"444455556666\"],"
          + "\"NextToken\":\"token-2\"}"));
      server.enqueue(answer(200, "{\"AccountIds\":[\"777788889999\"]}"));
      Optional<AccountProvisioningStatus> outOfDate =
          Optional.of(AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED);

      Page<String> first = list(outOfDate, Optional.empty());
      Page<String> last = list(outOfDate, first.nextMarker());

      RecordedRequest firstSent = taken();
      assertThat(firstSent.getHeader("X-Amz-Target"))
          .isEqualTo("SWBExternalService.ListAccountsForProvisionedPermissionSet");
      assertThat(firstSent.getHeader("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY);
      assertThat(body(firstSent)).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"PermissionSetArn\":\"" + READ_ONLY + "\",\"MaxResults\":100,"
          + "\"ProvisioningStatus\":\"LATEST_PERMISSION_SET_NOT_PROVISIONED\"}"));
      assertThat(body(taken())).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"PermissionSetArn\":\"" + READ_ONLY + "\",\"MaxResults\":100,"
          + "\"ProvisioningStatus\":\"LATEST_PERMISSION_SET_NOT_PROVISIONED\",\"NextToken\":\"token-2\"}"));
      assertThat(first.items()).containsExactly(ACCOUNT, "444455556666");
      assertThat(first.nextMarker()).contains("token-2");
      assertThat(last.items()).containsExactly("777788889999");
      assertThat(last.nextMarker()).isEmpty();
    }

    @Test
    void withoutAFilterEveryProvisionedAccountIsAskedFor() throws Exception {
      server.enqueue(answer(200, "{}"));

      Page<String> page = list(Optional.empty(), Optional.empty());

      assertThat(body(taken())).isEqualTo(JSON.readTree("{\"InstanceArn\":\"" + INSTANCE
          + "\",\"PermissionSetArn\":\"" + READ_ONLY + "\",\"MaxResults\":100}"));
      assertThat(page.items()).isEmpty();
      assertThat(page.nextMarker()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "ResourceNotFoundException, PermissionSet " + READ_ONLY + " not found., PERMISSION_SET_NOT_FOUND",
        "AccessDeniedException, User is not authorized to perform: sso:ListAccountsForProvisionedPermissionSet, "
            + "ACCESS_DENIED",
        "ThrottlingException, Rate exceeded, THROTTLED",
        "ValidationException, The NextToken is not one this listing returned., INVALID_REQUEST",
    })
    void aRefusalIsCategorisedAndNamesTheOperation(String type, String message, ErrorCategory expected) {
      server.enqueue(error(400, type, message));

      IdentityCenterException failure = failure(() -> list(Optional.empty(), Optional.of("token-2")));

      assertThat(failure.operation()).isEqualTo("ListAccountsForProvisionedPermissionSet");
      assertThat(failure.category()).isEqualTo(expected);
      assertThat(server.getRequestCount()).as("no retry by the SDK").isEqualTo(1);
    }

    @Test
    void aBlankAccountIdIsAnInvalidResponse() {
      server.enqueue(answer(200, "{\"AccountIds\":[\"" + ACCOUNT + "\",\"\"]}"));

      IdentityCenterException failure = failure(() -> list(Optional.empty(), Optional.empty()));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.getMessage()).contains("AccountIds[]");
      assertThat(failure.cloudRequestId()).contains(AMZN_REQUEST_ID);
    }

    @Test
    void aBlankPermissionSetIsRefusedAndNothingIsSent() {
      IdentityCenterException failure = failure(() -> client().listAccountsForProvisionedPermissionSet(INSTANCE,
          " ", Optional.empty(), Optional.empty()));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(failure.getMessage()).contains("permissionSetId");
      assertThat(server.getRequestCount()).isZero();
    }
  }

  @Nested
  class Errors {

    @ParameterizedTest
    @CsvSource({
        "400, ThrottlingException, Rate exceeded, THROTTLED",
        "400, com.amazonaws.swbexternalservice#ThrottlingException, Rate exceeded, THROTTLED",
        "400, ConflictException, There is a conflicting operation in process., CONFLICT",
        "400, ValidationException, Value at 'instanceArn' failed to satisfy constraint, INVALID_REQUEST",
        "400, AccessDeniedException, User is not authorized, ACCESS_DENIED",
        "400, ResourceNotFoundException, PermissionSet not found, PERMISSION_SET_NOT_FOUND",
        "400, ResourceNotFoundException, Account 111122223333 not found, ACCOUNT_NOT_FOUND",
        "400, ResourceNotFoundException, Instance not found, NOT_FOUND",
        "500, InternalServerException, An internal error occurred, SERVER_ERROR",
        "503, ServiceUnavailableException, Service unavailable, SERVER_ERROR",
        "400, UnrecognizedClientException, The security token included in the request is invalid, "
            + "AUTHENTICATION_FAILED",
        "403, InvalidSignatureException, The request signature we calculated does not match, AUTHENTICATION_FAILED",
        "400, ExpiredTokenException, The security token included in the request is expired, AUTHENTICATION_FAILED",
        "403, MissingAuthenticationTokenException, Missing Authentication Token, AUTHENTICATION_FAILED",
        "403, IncompleteSignatureException, Authorization header requires Credential, AUTHENTICATION_FAILED",
        "403, InvalidClientTokenId, The security token included in the request is invalid, AUTHENTICATION_FAILED",
        "403, SignatureDoesNotMatch, Signature expired, AUTHENTICATION_FAILED",
    })
    void anErrorAnswerIsCategorisedAndSentOnlyOnce(int status, String type, String message,
        ErrorCategory expected) {
      server.enqueue(error(status, type, message));
      server.enqueue(answer(200, status("IN_PROGRESS", "")));

      IdentityCenterException failure = failure(() ->
          client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ACCOUNT)));

      assertThat(failure.category()).isEqualTo(expected);
      assertThat(failure.operation()).isEqualTo("ProvisionPermissionSet");
      assertThat(failure.httpStatus()).isEqualTo(status);
      assertThat(failure.errorCode()).contains(type.substring(type.indexOf('#') + 1));
      assertThat(failure.cloudMessage()).isEqualTo(message);
      assertThat(failure.cloudRequestId()).contains(AMZN_REQUEST_ID);
      assertThat(server.getRequestCount()).as("no retry by the SDK").isEqualTo(1);
    }

    @Test
    void aThrottledAnswerKeepsItsRetryAfterAndSlowsTheEndpointsCalls() {
      server.enqueue(error(400, "ThrottlingException", "Rate exceeded").setHeader("Retry-After", "7"));
      Duration before = http.rateLimiterFor(okhttp3.HttpUrl.get(endpoint().url().toString())).orElseThrow()
          .currentInterval();

      IdentityCenterException failure = failure(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
      assertThat(http.rateLimiterFor(okhttp3.HttpUrl.get(endpoint().url().toString())).orElseThrow()
          .currentInterval()).isEqualTo(before.multipliedBy(2));
    }

    @Test
    void aProxysErrorPageIsAServerError() {
      server.enqueue(new MockResponse().setResponseCode(502).setHeader("Content-Type", "text/html")
          .setBody("<html><body>Bad Gateway</body></html>"));

      IdentityCenterException failure = failure(() ->
          client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ACCOUNT)));

      assertThat(failure.category()).isEqualTo(ErrorCategory.SERVER_ERROR);
      assertThat(failure.httpStatus()).isEqualTo(502);
      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aSuccessThatIsNotJsonIsAnInvalidResponse() {
      server.enqueue(answer(200, "<html>a captive portal</html>"));

      IdentityCenterException failure = failure(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
    }

    @Test
    void aSuccessWithoutARequestIdIsAnInvalidResponse() {
      server.enqueue(answer(200, "{\"PermissionSetProvisioningStatus\":{\"Status\":\"SUCCEEDED\"}}"));

      IdentityCenterException failure = failure(() -> client().describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE);
      assertThat(failure.getMessage()).contains("PermissionSetProvisioningStatus.RequestId");
      assertThat(failure.cloudRequestId()).contains(AMZN_REQUEST_ID);
    }

    @Test
    void aDroppedConnectionIsUnavailableAndNotSentAgain() {
      server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
      server.enqueue(answer(200, status("IN_PROGRESS", "")));

      IdentityCenterException failure = failure(() ->
          client().provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(ACCOUNT)));

      assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(failure.getMessage()).contains("no answer from 127.0.0.1:" + server.getPort());
      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aTimeoutIsUnavailable() throws IOException {
      server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
      try (CloudHttp impatient = new CloudHttp(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5),
          OptionalDouble.empty(), EnvironmentProxySelector.fromEnvironment(Map.of()));
          AwsIdentityCenterClientFactory clients = new AwsIdentityCenterClientFactory(impatient, Clock.systemUTC())) {

        IdentityCenterException failure = failure(() ->
            clients.forConnection(withKeys(Optional.empty())).describeProvisioning(INSTANCE, REQUEST_ID));

        assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
        assertThat(failure.getMessage()).containsPattern("timeout|timed out");
        assertThat(server.getRequestCount()).isEqualTo(1);
      }
    }

    @Test
    void secretsTheCloudEchoesAreRedactedAndNeverLoggedByUs() {
      server.enqueue(error(400, "ValidationException", "bad key " + SECRET_KEY + " and token " + SESSION_TOKEN));
      try (CapturedLogs logs = CapturedLogs.start("dev.operators.permissionset")) {

        IdentityCenterException failure = failure(() -> factory.forConnection(withKeys(Optional.of(SESSION_TOKEN)))
            .describeProvisioning(INSTANCE, REQUEST_ID));

        assertThat(failure.getMessage()).contains("bad key <redacted> and token <redacted>")
            .doesNotContain(SECRET_KEY, SESSION_TOKEN);
        assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET_KEY, SESSION_TOKEN, "Signature=");
      }
    }

    @Test
    void aPlainHttpEndpointWithoutTheOptInIsRefusedAndNothingIsSent() {
      CloudAccess.Aws plain = new CloudAccess.Aws(new CloudEndpoint(endpoint().url(), Optional.empty(), false),
          REGION, Optional.of(CloudCredentials.of(ACCESS_KEY, SECRET_KEY)), Optional.empty());

      IdentityCenterException refused = failure(() -> factory.forConnection(plain).checkAccess());

      assertThat(refused.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(refused.getMessage()).contains("spec.aws.endpoint", "plain http", "spec.aws.allowInsecureHttp");
      assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anEmptySecretKeyIsRefusedAndNothingIsSent() {
      CloudAccess.Aws empty = new CloudAccess.Aws(endpoint(), REGION,
          Optional.of(CloudCredentials.of(ACCESS_KEY, " ")), Optional.empty());

      IdentityCenterException refused = failure(() -> factory.forConnection(empty).checkAccess());

      assertThat(refused.category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
      assertThat(refused.getMessage()).contains("the secret key is empty");
      assertThat(server.getRequestCount()).isZero();
    }
  }

  @Nested
  class TheFactory {

    @Test
    void equalConnectionsShareAClientUntilReleased() {
      IdentityCenterClient first = factory.forConnection(withKeys(Optional.empty()));

      assertThat(factory.forConnection(withKeys(Optional.empty()))).isSameAs(first);
      assertThat(factory.forConnection(withKeys(Optional.of(SESSION_TOKEN)))).isNotSameAs(first);
      factory.release(withKeys(Optional.empty()));
      assertThat(factory.forConnection(withKeys(Optional.empty()))).isNotSameAs(first);
    }

    @Test
    void aReleasedClientSendsNothing() {
      IdentityCenterClient released = client();
      factory.release(withKeys(Optional.empty()));

      IdentityCenterException failure = failure(() -> released.describeProvisioning(INSTANCE, REQUEST_ID));

      assertThat(failure.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void theLeastRecentlyUsedConnectionsAreClosedBeyondTheBound() {
      IdentityCenterClient kept = client();
      IdentityCenterClient evicted = factory.forConnection(withKeys(Optional.of("token-evicted")));
      for (int i = 0; i < AwsIdentityCenterClientFactory.MAX_CONNECTIONS - 1; i++) {
        assertThat(client()).isSameAs(kept);
        factory.forConnection(withKeys(Optional.of("token-" + i)));
      }

      assertThat(client()).isSameAs(kept);
      assertThat(failure(() -> evicted.checkAccess()).category()).isEqualTo(ErrorCategory.UNAVAILABLE);
      assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void withoutKeysTheDefaultChainSigns() throws Exception {
      server.enqueue(answer(200, "{\"Instances\":[]}"));
      String previousKey = System.setProperty("aws.accessKeyId", "AKIADEFAULTCHAIN0001");
      String previousSecret = System.setProperty("aws.secretAccessKey", "default-chain-secret");
      try {
        factory.forConnection(new CloudAccess.Aws(endpoint(), REGION, Optional.empty(), Optional.empty()))
            .checkAccess();
      } finally {
        restore("aws.accessKeyId", previousKey);
        restore("aws.secretAccessKey", previousSecret);
      }

      assertThat(taken().getHeader("Authorization")).contains("Credential=AKIADEFAULTCHAIN0001/");
    }

    private static void restore(String property, String previous) {
      if (previous == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, previous);
      }
    }
  }
}
