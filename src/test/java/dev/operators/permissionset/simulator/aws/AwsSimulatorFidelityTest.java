package dev.operators.permissionset.simulator.aws;

import static dev.operators.permissionset.testing.AwsDemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.AwsDemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.AwsDemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.AwsDemoWorld.LEGACY;
import static dev.operators.permissionset.testing.AwsDemoWorld.LEGACY_FAILURE_REASON;
import static dev.operators.permissionset.testing.AwsDemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.AwsDemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.AwsDemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.TlsIdentity;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.AccessDeniedException;
import software.amazon.awssdk.services.ssoadmin.model.ConflictException;
import software.amazon.awssdk.services.ssoadmin.model.InstanceStatus;
import software.amazon.awssdk.services.ssoadmin.model.InternalServerException;
import software.amazon.awssdk.services.ssoadmin.model.ListAccountsForProvisionedPermissionSetResponse;
import software.amazon.awssdk.services.ssoadmin.model.ListInstancesResponse;
import software.amazon.awssdk.services.ssoadmin.model.ListPermissionSetsResponse;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSet;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSetProvisioningStatus;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSetProvisioningStatusMetadata;
import software.amazon.awssdk.services.ssoadmin.model.ProvisionTargetType;
import software.amazon.awssdk.services.ssoadmin.model.ProvisioningStatus;
import software.amazon.awssdk.services.ssoadmin.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssoadmin.model.StatusValues;
import software.amazon.awssdk.services.ssoadmin.model.ThrottlingException;
import software.amazon.awssdk.services.ssoadmin.model.ValidationException;

/**
 * The official AWS SDK for Java v2 against the simulator speaking AWS: it signs with its own SigV4 signer and parses
 * every answer and error. Whatever it cannot tell from the service, our client may rely on.
 */
class AwsSimulatorFidelityTest {

  private final MutableClock clock = new MutableClock(Instant.now());
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

  private SsoAdminClient demoSdk() {
    return sdk(AwsBasicCredentials.create(AwsDemoWorld.ACCESS_KEY, AwsDemoWorld.SECRET_KEY), AwsDemoWorld.REGION);
  }

  private static <T extends AwsServiceException> T failure(Class<T> type, Supplier<?> call) {
    T failure = catchThrowableOfType(type, call::get);
    assertThat(failure).as("expected " + type.getSimpleName()).isNotNull();
    assertThat(failure.requestId()).as("x-amzn-RequestId").isNotBlank();
    return failure;
  }

  private static PermissionSetProvisioningStatus provision(SsoAdminClient sdk, String permissionSet, String account) {
    return sdk.provisionPermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(permissionSet)
        .targetType(ProvisionTargetType.AWS_ACCOUNT).targetId(account)).permissionSetProvisioningStatus();
  }

  private static PermissionSetProvisioningStatus describe(SsoAdminClient sdk, String requestId) {
    return sdk.describePermissionSetProvisioningStatus(b -> b.instanceArn(INSTANCE)
        .provisionPermissionSetRequestId(requestId)).permissionSetProvisioningStatus();
  }

  @Test
  void aProvisionGoesInProgressThenSucceeded() {
    SsoAdminClient sdk = demoSdk();

    PermissionSetProvisioningStatus accepted = provision(sdk, READ_ONLY, SANDBOX);

    assertThat(accepted.status()).isEqualTo(StatusValues.IN_PROGRESS);
    assertThat(accepted.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(accepted.accountId()).isEqualTo(SANDBOX);
    assertThat(accepted.permissionSetArn()).isEqualTo(READ_ONLY);
    assertThat(accepted.createdDate()).isBetween(clock.instant().minusSeconds(1), clock.instant());
    assertThat(accepted.failureReason()).isNull();
    assertThat(describe(sdk, accepted.requestId()).status()).isEqualTo(StatusValues.IN_PROGRESS);
    assertThat(sdk.listAccountsForProvisionedPermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(READ_ONLY))
        .accountIds()).containsExactly(PAYMENTS, ANALYTICS);

    clock.advance(Duration.ofSeconds(3));

    PermissionSetProvisioningStatus done = describe(sdk, accepted.requestId());
    assertThat(done.status()).isEqualTo(StatusValues.SUCCEEDED);
    assertThat(done.requestId()).isEqualTo(accepted.requestId());
    assertThat(done.createdDate()).isEqualTo(accepted.createdDate());
    assertThat(sdk.listAccountsForProvisionedPermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(READ_ONLY)
        .provisioningStatus(ProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED)).accountIds())
        .containsExactly(PAYMENTS, ANALYTICS, SANDBOX);
    assertThat(sdk.listAccountsForProvisionedPermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(READ_ONLY)
        .provisioningStatus(ProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED)).accountIds()).isEmpty();
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "200")).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.DESCRIBE, "200")).isEqualTo(2);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, SANDBOX)).isEqualTo(1);
  }

  @Test
  void aProvisionToASuspendedAccountFailsWithItsReason() {
    SsoAdminClient sdk = demoSdk();
    PermissionSetProvisioningStatus accepted = provision(sdk, ADMINISTRATOR, LEGACY);
    assertThat(accepted.status()).isEqualTo(StatusValues.IN_PROGRESS);

    clock.advance(Duration.ofSeconds(3));

    PermissionSetProvisioningStatus failed = describe(sdk, accepted.requestId());
    assertThat(failed.status()).isEqualTo(StatusValues.FAILED);
    assertThat(failed.failureReason()).isEqualTo(LEGACY_FAILURE_REASON);
    assertThat(sdk.listAccountsForProvisionedPermissionSet(b -> b.instanceArn(INSTANCE)
        .permissionSetArn(ADMINISTRATOR)).accountIds()).isEmpty();
  }

  @Test
  void provisionsToAllProvisionedAccounts() {
    SsoAdminClient sdk = demoSdk();

    PermissionSetProvisioningStatus accepted = sdk.provisionPermissionSet(b -> b.instanceArn(INSTANCE)
        .permissionSetArn(READ_ONLY).targetType(ProvisionTargetType.ALL_PROVISIONED_ACCOUNTS))
        .permissionSetProvisioningStatus();

    assertThat(accepted.status()).isEqualTo(StatusValues.IN_PROGRESS);
    assertThat(accepted.accountId()).isNull();
    clock.advance(Duration.ofSeconds(3));
    assertThat(describe(sdk, accepted.requestId()).status()).isEqualTo(StatusValues.SUCCEEDED);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, "ALL_PROVISIONED_ACCOUNTS")).isEqualTo(1);
  }

  @Test
  void listsPermissionSetsPageByPageAndDescribesThem() {
    SsoAdminClient sdk = demoSdk();

    List<String> arns = sdk.listPermissionSetsPaginator(b -> b.instanceArn(INSTANCE).maxResults(60))
        .permissionSets().stream().toList();
    ListPermissionSetsResponse firstPage = sdk.listPermissionSets(b -> b.instanceArn(INSTANCE).maxResults(60));

    assertThat(arns).hasSize(143).doesNotHaveDuplicates().startsWith(READ_ONLY, ADMINISTRATOR)
        .contains(AwsDemoWorld.TEAM_001);
    assertThat(firstPage.permissionSets()).hasSize(60);
    assertThat(firstPage.nextToken()).matches("[-a-zA-Z0-9+=/_]*");
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PERMISSION_SETS, "200")).isEqualTo(4);
    PermissionSet readOnly = sdk.describePermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(READ_ONLY))
        .permissionSet();
    assertThat(readOnly.name()).isEqualTo(AwsDemoWorld.READ_ONLY_NAME);
    assertThat(readOnly.permissionSetArn()).isEqualTo(READ_ONLY);
    assertThat(readOnly.description()).isEqualTo("Read-only access to every service");
    assertThat(readOnly.sessionDuration()).isEqualTo("PT1H");
    assertThat(readOnly.createdDate()).isEqualTo(Instant.ofEpochMilli(1_677_175_760_379L));
    assertThat(sdk.describePermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(AwsDemoWorld.TEAM_001))
        .permissionSet().name()).isEqualTo("Team-001");
    assertThat(simulator.counts().count(IdentityCenterSimulator.DESCRIBE_PERMISSION_SET, "200")).isEqualTo(2);
  }

  @Test
  void listsProvisioningStatusesByStatusPageByPage() {
    SsoAdminClient sdk = demoSdk();
    String first = provision(sdk, READ_ONLY, SANDBOX).requestId();
    clock.advance(Duration.ofSeconds(3));
    String second = provision(sdk, ADMINISTRATOR, PAYMENTS).requestId();
    String third = provision(sdk, AwsDemoWorld.BILLING_VIEWER, ANALYTICS).requestId();

    List<PermissionSetProvisioningStatusMetadata> all = sdk.listPermissionSetProvisioningStatusPaginator(b -> b
        .instanceArn(INSTANCE).maxResults(1)).permissionSetsProvisioningStatus().stream().toList();
    List<PermissionSetProvisioningStatusMetadata> inProgress = sdk.listPermissionSetProvisioningStatus(b -> b
        .instanceArn(INSTANCE).filter(f -> f.status(StatusValues.IN_PROGRESS))).permissionSetsProvisioningStatus();
    List<PermissionSetProvisioningStatusMetadata> succeeded = sdk.listPermissionSetProvisioningStatus(b -> b
        .instanceArn(INSTANCE).filter(f -> f.status(StatusValues.SUCCEEDED))).permissionSetsProvisioningStatus();

    assertThat(all).extracting(PermissionSetProvisioningStatusMetadata::requestId)
        .containsExactly(third, second, first);
    assertThat(all).allSatisfy(item -> assertThat(item.createdDate()).isNotNull());
    assertThat(inProgress).extracting(PermissionSetProvisioningStatusMetadata::requestId)
        .containsExactly(third, second);
    assertThat(succeeded).singleElement().satisfies(item -> {
      assertThat(item.requestId()).isEqualTo(first);
      assertThat(item.status()).isEqualTo(StatusValues.SUCCEEDED);
    });
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "200")).isEqualTo(5);
  }

  @Test
  void listsTheAccountsOfAPermissionSetPageByPage() {
    SsoAdminClient sdk = demoSdk();

    ListAccountsForProvisionedPermissionSetResponse page = sdk.listAccountsForProvisionedPermissionSet(b -> b
        .instanceArn(INSTANCE).permissionSetArn(READ_ONLY).maxResults(1));
    List<String> all = sdk.listAccountsForProvisionedPermissionSetPaginator(b -> b.instanceArn(INSTANCE)
        .permissionSetArn(READ_ONLY).maxResults(1)).accountIds().stream().toList();

    assertThat(page.accountIds()).containsExactly(PAYMENTS);
    assertThat(page.nextToken()).isNotNull();
    assertThat(all).containsExactly(PAYMENTS, ANALYTICS);
  }

  private static List<String> accounts(SsoAdminClient sdk, ProvisioningStatus status) {
    return sdk.listAccountsForProvisionedPermissionSetPaginator(b -> b.instanceArn(INSTANCE)
        .permissionSetArn(READ_ONLY).provisioningStatus(status).maxResults(1)).accountIds().stream().toList();
  }

  @Test
  void listsTheAccountsATouchMadeOutOfDateUntilAProvisioningBringsThemUpToDate() throws Exception {
    SsoAdminClient sdk = demoSdk();
    HttpResponse<String> touched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        simulator.endpoint() + "/simulator/permission-sets/" + URLEncoder.encode(READ_ONLY, StandardCharsets.UTF_8)
            + "/touch")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(touched.statusCode()).isEqualTo(200);
    assertThat(touched.body()).isEqualTo("{\"outOfDateAccounts\":[\"" + PAYMENTS + "\",\"" + ANALYTICS + "\"]}");

    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED))
        .containsExactly(PAYMENTS, ANALYTICS);
    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED)).isEmpty();

    String repair = provision(sdk, READ_ONLY, PAYMENTS).requestId();
    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED))
        .containsExactly(PAYMENTS, ANALYTICS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(describe(sdk, repair).status()).isEqualTo(StatusValues.SUCCEEDED);

    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED)).containsExactly(ANALYTICS);
    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED)).containsExactly(PAYMENTS);

    assertThat(simulator.touchPermissionSet(INSTANCE, READ_ONLY)).containsExactly(PAYMENTS, ANALYTICS);
    String all = sdk.provisionPermissionSet(b -> b.instanceArn(INSTANCE).permissionSetArn(READ_ONLY)
        .targetType(ProvisionTargetType.ALL_PROVISIONED_ACCOUNTS)).permissionSetProvisioningStatus().requestId();
    clock.advance(Duration.ofSeconds(3));
    assertThat(describe(sdk, all).status()).isEqualTo(StatusValues.SUCCEEDED);

    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED)).isEmpty();
    assertThat(accounts(sdk, ProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED))
        .containsExactly(PAYMENTS, ANALYTICS);
  }

  @Test
  void listsTheInstancesTheKeyPairMayActOn() {
    ListInstancesResponse instances = demoSdk().listInstances(b -> { });

    assertThat(instances.instances()).singleElement().satisfies(instance -> {
      assertThat(instance.instanceArn()).isEqualTo(INSTANCE);
      assertThat(instance.identityStoreId()).matches("d-[0-9a-f]{10}");
      assertThat(instance.ownerAccountId()).matches("\\d{12}");
      assertThat(instance.status()).isEqualTo(InstanceStatus.ACTIVE);
      assertThat(instance.createdDate()).isNotNull();
    });
    assertThat(instances.nextToken()).isNull();
    AccessDeniedException denied = failure(AccessDeniedException.class, () -> sdk(AwsBasicCredentials.create(
        AwsDemoWorld.NO_PERMISSION_ACCESS_KEY, AwsDemoWorld.NO_PERMISSION_SECRET_KEY), AwsDemoWorld.REGION)
        .listInstances(b -> { }));
    assertThat(denied.statusCode()).isEqualTo(400);
    assertThat(denied.awsErrorDetails().errorMessage()).matches("User: arn:aws:iam::\\d{12}:user/\\S+ is not "
        + "authorized to perform: sso:ListInstances on resource: arn:aws:sso:::instance/\\*");
  }

  @Test
  void aKeyPairWithoutPermissionOnTheInstanceIsDenied() {
    SsoAdminClient sdk = sdk(AwsBasicCredentials.create(AwsDemoWorld.NO_PERMISSION_ACCESS_KEY,
        AwsDemoWorld.NO_PERMISSION_SECRET_KEY), AwsDemoWorld.REGION);

    AccessDeniedException denied = failure(AccessDeniedException.class, () -> provision(sdk, READ_ONLY, SANDBOX));

    assertThat(denied.statusCode()).isEqualTo(400);
    assertThat(denied.awsErrorDetails().errorMessage()).matches("User: arn:aws:iam::\\d{12}:user/\\S+ is not "
        + "authorized to perform: sso:ProvisionPermissionSet on resource: " + Pattern.quote(INSTANCE))
        .doesNotContain(AwsDemoWorld.NO_PERMISSION_ACCESS_KEY);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "400")).isEqualTo(1);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void answersInvalidInputWithAwsValidationMessages() {
    SsoAdminClient sdk = demoSdk();

    ValidationException badArn = failure(ValidationException.class, () -> sdk.provisionPermissionSet(b -> b
        .instanceArn("ins-4f1d2c3b4a596870").permissionSetArn(READ_ONLY).targetType(ProvisionTargetType.AWS_ACCOUNT)
        .targetId(SANDBOX)));
    ValidationException missing = failure(ValidationException.class, () -> sdk.listPermissionSets(b -> { }));
    ValidationException two = failure(ValidationException.class, () -> sdk.provisionPermissionSet(b -> b
        .instanceArn(INSTANCE).permissionSetArn(READ_ONLY).targetType("EVERYWHERE").targetId("12345")));
    ValidationException tooMany = failure(ValidationException.class, () -> sdk.listPermissionSets(b -> b
        .instanceArn(INSTANCE).maxResults(101)));
    ValidationException tooFew = failure(ValidationException.class, () -> sdk.listInstances(b -> b.maxResults(0)));
    ValidationException badToken = failure(ValidationException.class, () -> sdk.listPermissionSets(b -> b
        .instanceArn(INSTANCE).nextToken("not a token!")));
    ValidationException foreignToken = failure(ValidationException.class, () -> sdk.listPermissionSets(b -> b
        .instanceArn(INSTANCE).nextToken("0123456789abcdef01234567")));
    ValidationException badStatus = failure(ValidationException.class, () -> sdk.listPermissionSetProvisioningStatus(
        b -> b.instanceArn(INSTANCE).filter(f -> f.status("DONE"))));
    ValidationException badRequestId = failure(ValidationException.class, () -> describe(sdk, "ABC"));
    ValidationException noTarget = failure(ValidationException.class, () -> sdk.provisionPermissionSet(b -> b
        .instanceArn(INSTANCE).permissionSetArn(READ_ONLY).targetType(ProvisionTargetType.AWS_ACCOUNT)));

    assertThat(badArn.statusCode()).isEqualTo(400);
    assertThat(badArn.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value "
        + "'ins-4f1d2c3b4a596870' at 'instanceArn' failed to satisfy constraint: Member must satisfy regular "
        + "expression pattern: arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}");
    assertThat(missing.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value null at "
        + "'instanceArn' failed to satisfy constraint: Member must not be null");
    assertThat(two.awsErrorDetails().errorMessage()).isEqualTo("2 validation errors detected: Value 'EVERYWHERE' "
        + "at 'targetType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_ACCOUNT, "
        + "ALL_PROVISIONED_ACCOUNTS]; Value '12345' at 'targetId' failed to satisfy constraint: Member must have "
        + "length greater than or equal to 12");
    assertThat(tooMany.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value '101' at "
        + "'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100");
    assertThat(tooFew.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value '0' at "
        + "'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
    assertThat(badToken.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value "
        + "'not a token!' at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression "
        + "pattern: [-a-zA-Z0-9+=/_]*");
    assertThat(foreignToken.awsErrorDetails().errorMessage()).contains("NextToken");
    assertThat(badStatus.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value 'DONE' at "
        + "'filter.status' failed to satisfy constraint: Member must satisfy enum value set: [IN_PROGRESS, FAILED, "
        + "SUCCEEDED]");
    assertThat(badRequestId.awsErrorDetails().errorMessage()).startsWith("1 validation error detected: Value 'ABC' "
        + "at 'provisionPermissionSetRequestId' failed to satisfy constraint:");
    assertThat(noTarget.awsErrorDetails().errorMessage()).contains("TargetId");
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void answersUnknownResourcesWithResourceNotFound() {
    SsoAdminClient sdk = demoSdk();
    String unknownInstance = "arn:aws:sso:::instance/ssoins-0000000000000000";
    String unknownSet = "arn:aws:sso:::permissionSet/ssoins-72230d1e4f5a6b7c/ps-0000000000000000";
    String unknownRequest = "00000000-0000-4000-8000-000000000000";

    ResourceNotFoundException instance = failure(ResourceNotFoundException.class, () -> sdk.listPermissionSets(b -> b
        .instanceArn(unknownInstance)));
    ResourceNotFoundException permissionSet = failure(ResourceNotFoundException.class, () -> provision(sdk,
        unknownSet, SANDBOX));
    ResourceNotFoundException described = failure(ResourceNotFoundException.class, () -> sdk.describePermissionSet(
        b -> b.instanceArn(INSTANCE).permissionSetArn(unknownSet)));
    ResourceNotFoundException account = failure(ResourceNotFoundException.class, () -> provision(sdk, READ_ONLY,
        "999999999999"));
    ResourceNotFoundException request = failure(ResourceNotFoundException.class, () -> describe(sdk,
        unknownRequest));

    assertThat(instance.statusCode()).isEqualTo(400);
    assertThat(instance.awsErrorDetails().errorMessage()).isEqualTo("Instance " + unknownInstance + " not found.");
    assertThat(permissionSet.awsErrorDetails().errorMessage()).isEqualTo("PermissionSet " + unknownSet
        + " not found.");
    assertThat(described.awsErrorDetails().errorMessage()).isEqualTo(permissionSet.awsErrorDetails()
        .errorMessage());
    assertThat(account.awsErrorDetails().errorMessage()).isEqualTo("Account 999999999999 not found.");
    assertThat(request.awsErrorDetails().errorMessage()).isEqualTo("ProvisioningRequest " + unknownRequest
        + " not found.");
  }

  @Test
  void aSecondProvisionOfAPermissionSetInProgressConflicts() {
    SsoAdminClient sdk = demoSdk();
    simulator.faults().conflictOnConcurrentProvisioning(true);
    provision(sdk, READ_ONLY, SANDBOX);

    ConflictException conflict = failure(ConflictException.class, () -> provision(sdk, READ_ONLY, PAYMENTS));

    assertThat(conflict.statusCode()).isEqualTo(400);
    assertThat(conflict.awsErrorDetails().errorMessage()).isEqualTo("There is a conflicting operation in process.");
    assertThat(conflict.retryable()).isFalse();
    assertThat(provision(sdk, ADMINISTRATOR, PAYMENTS).status()).isEqualTo(StatusValues.IN_PROGRESS);
    clock.advance(Duration.ofSeconds(3));
    assertThat(provision(sdk, READ_ONLY, PAYMENTS).status()).isEqualTo(StatusValues.IN_PROGRESS);
  }

  @Test
  void faultsAnswerAsAwsDoes() {
    SsoAdminClient sdk = demoSdk();

    simulator.faults().throttleRate(1);
    ThrottlingException throttled = failure(ThrottlingException.class, () -> sdk.listInstances(b -> { }));
    simulator.faults().clear().rateLimitPerSecond(1);
    sdk.listInstances(b -> { });
    ThrottlingException limited = failure(ThrottlingException.class, () -> sdk.listInstances(b -> { }));
    simulator.faults().clear().serverErrorRate(1);
    InternalServerException serverError = failure(InternalServerException.class, () -> provision(sdk, READ_ONLY,
        SANDBOX));
    simulator.faults().clear().dropRate(1);
    SdkClientException dropped = catchThrowableOfType(SdkClientException.class, () -> sdk.listInstances(b -> { }));

    assertThat(throttled.statusCode()).isEqualTo(400);
    assertThat(throttled.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
    assertThat(throttled.isThrottlingException()).isTrue();
    assertThat(limited.isThrottlingException()).isTrue();
    assertThat(serverError.statusCode()).isEqualTo(500);
    assertThat(dropped).isNotNull();
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "400")).isEqualTo(2);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "dropped")).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "500")).isEqualTo(1);
    // the two ThrottlingExceptions, not the 500: their 400 alone cannot tell them from the caller's own errors
    assertThat(simulator.counts().throttled()).isEqualTo(2);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void aNewRequestJoinsTheListingOnlyAfterTheListLag() {
    simulator.close();
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demoAws(), IdentityCenterSimulator.Options.defaults()
        .withClock(clock).withListLag(Duration.ofSeconds(2)).withListOrder(IdentityCenterSimulator.ListOrder
            .OLDEST_FIRST).withHistory(3));
    SsoAdminClient sdk = demoSdk();
    String requestId = provision(sdk, READ_ONLY, SANDBOX).requestId();

    List<String> before = sdk.listPermissionSetProvisioningStatusPaginator(b -> b.instanceArn(INSTANCE))
        .permissionSetsProvisioningStatus().stream().map(PermissionSetProvisioningStatusMetadata::requestId).toList();
    clock.advance(Duration.ofSeconds(2));
    List<String> after = sdk.listPermissionSetProvisioningStatusPaginator(b -> b.instanceArn(INSTANCE))
        .permissionSetsProvisioningStatus().stream().map(PermissionSetProvisioningStatusMetadata::requestId).toList();

    assertThat(before).hasSize(3).doesNotContain(requestId);
    assertThat(after).hasSize(4).endsWith(requestId);
    assertThat(describe(sdk, requestId).requestId()).isEqualTo(requestId);
  }

  @Test
  void speaksOverTls() throws Exception {
    TlsIdentity identity = TlsIdentity.selfSigned(List.of("127.0.0.1"), clock);
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("simulator", identity.chain().get(0));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    try (IdentityCenterSimulator secure = IdentityCenterSimulator.start(SimulatorFixture.demoAws(),
        IdentityCenterSimulator.Options.defaults().withClock(clock).withTls(identity));
        SsoAdminClient sdk = SsoAdminClient.builder()
            .endpointOverride(secure.endpoint())
            .region(Region.of(AwsDemoWorld.REGION))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsDemoWorld.ACCESS_KEY,
                AwsDemoWorld.SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      assertThat(secure.endpoint().getScheme()).isEqualTo("https");
      PermissionSetProvisioningStatus accepted = provision(sdk, READ_ONLY, SANDBOX);
      assertThat(accepted.status()).isEqualTo(StatusValues.IN_PROGRESS);
      assertThat(describe(sdk, accepted.requestId()).requestId()).isEqualTo(accepted.requestId());
    }
  }
}
