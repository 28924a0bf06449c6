package dev.operators.permissionset.identitycenter.aws;

import static dev.operators.permissionset.testing.AwsDemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.AwsDemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.AwsDemoWorld.BILLING_VIEWER;
import static dev.operators.permissionset.testing.AwsDemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.AwsDemoWorld.LEGACY;
import static dev.operators.permissionset.testing.AwsDemoWorld.LEGACY_FAILURE_REASON;
import static dev.operators.permissionset.testing.AwsDemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.AwsDemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.AwsDemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudClients;
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
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.TlsIdentity;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The other half of the AWS fidelity suite ({@code AwsSimulatorFidelityTest} runs the official SsoAdminClient): our
 * client, made by {@link CloudClients} as the operator makes it, against the simulator speaking AWS, through every
 * operation of {@link IdentityCenterClient} and every error category.
 */
class AwsClientAgainstSimulatorTest {

  private static final CloudCredentials DEMO_KEYS = CloudCredentials.of(AwsDemoWorld.ACCESS_KEY,
      AwsDemoWorld.SECRET_KEY);
  private static final String UNKNOWN_INSTANCE = "arn:aws:sso:::instance/ssoins-0000000000000000";
  private static final String UNKNOWN_PERMISSION_SET =
      "arn:aws:sso:::permissionSet/ssoins-72230d1e4f5a6b7c/ps-0000000000000000";

  private final MutableClock clock = new MutableClock(Instant.now());
  private IdentityCenterSimulator simulator;
  private CloudClients clients;

  @BeforeEach
  void start() {
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demoAws(),
        IdentityCenterSimulator.Options.defaults().withClock(clock));
    clients = new CloudClients(new CloudHttp(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
        OptionalDouble.empty(), EnvironmentProxySelector.fromEnvironment(Map.of())), clock);
  }

  @AfterEach
  void stop() {
    clients.close();
    simulator.close();
  }

  private IdentityCenterClient client(CloudCredentials keys) {
    return clients.forConnection(new CloudAccess.Aws(new CloudEndpoint(simulator.endpoint(), Optional.empty(), true),
        AwsDemoWorld.REGION, Optional.of(keys), Optional.empty()));
  }

  private IdentityCenterClient demo() {
    return client(DEMO_KEYS);
  }

  private static IdentityCenterException failure(ErrorCategory category, Runnable call) {
    IdentityCenterException failure = catchThrowableOfType(IdentityCenterException.class, call::run);
    assertThat(failure).as("expected an IdentityCenterException of %s", category).isNotNull();
    assertThat(failure.category()).as(failure.summary()).isEqualTo(category);
    return failure;
  }

  /** A failure the cloud answered: its code, and the x-amzn-RequestId to quote to AWS support. */
  private static IdentityCenterException answered(ErrorCategory category, String code, Runnable call) {
    IdentityCenterException failure = failure(category, call);
    assertThat(failure.errorCode()).contains(code);
    assertThat(failure.cloudRequestId()).isPresent();
    return failure;
  }

  private void provisionTo(IdentityCenterClient client, String permissionSet, String account) {
    client.provision(INSTANCE, permissionSet, ProvisioningTarget.account(account));
  }

  @Test
  void provisionsToAnAccountAndDescribesTheRequestUntilItSucceeds() {
    IdentityCenterClient client = demo();

    ProvisioningRequest accepted = client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX));
    ProvisioningRequest inProgress = client.describeProvisioning(INSTANCE, accepted.requestId());
    clock.advance(Duration.ofSeconds(3));
    ProvisioningRequest done = client.describeProvisioning(INSTANCE, accepted.requestId());

    assertThat(accepted.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
    assertThat(accepted.reportedStatus()).isEqualTo("IN_PROGRESS");
    assertThat(accepted.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(accepted.accountId()).contains(SANDBOX);
    assertThat(accepted.permissionSetId()).contains(READ_ONLY);
    assertThat(accepted.failureReason()).isEmpty();
    assertThat(accepted.createdAt()).isPresent();
    assertThat(inProgress.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
    assertThat(done.status()).isEqualTo(ProvisioningStatus.SUCCEEDED);
    assertThat(done.requestId()).isEqualTo(accepted.requestId());
    assertThat(done.createdAt()).isEqualTo(accepted.createdAt());
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, SANDBOX)).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "200")).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.DESCRIBE, "200")).isEqualTo(2);
  }

  @Test
  void aProvisionToASuspendedAccountFailsWithTheCloudsReason() {
    IdentityCenterClient client = demo();
    ProvisioningRequest accepted = client.provision(INSTANCE, ADMINISTRATOR, ProvisioningTarget.account(LEGACY));

    clock.advance(Duration.ofSeconds(3));
    ProvisioningRequest failed = client.describeProvisioning(INSTANCE, accepted.requestId());

    assertThat(failed.status()).isEqualTo(ProvisioningStatus.FAILED);
    assertThat(failed.reportedStatus()).isEqualTo("FAILED");
    assertThat(failed.failureReason()).contains(LEGACY_FAILURE_REASON);
    assertThat(failed.accountId()).contains(LEGACY);
  }

  @Test
  void provisionsToAllProvisionedAccounts() {
    IdentityCenterClient client = demo();

    ProvisioningRequest accepted = client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.allProvisionedAccounts());
    clock.advance(Duration.ofSeconds(3));

    assertThat(accepted.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
    assertThat(accepted.accountId()).isEmpty();
    assertThat(client.describeProvisioning(INSTANCE, accepted.requestId()).status())
        .isEqualTo(ProvisioningStatus.SUCCEEDED);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, "ALL_PROVISIONED_ACCOUNTS")).isEqualTo(1);
  }

  @Test
  void listsProvisioningRequestsByStatusPageByPage() {
    simulator.close();
    simulator = IdentityCenterSimulator.start(SimulatorFixture.demoAws(),
        IdentityCenterSimulator.Options.defaults().withClock(clock).withHistory(150));
    IdentityCenterClient client = demo();
    String inProgress = client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX)).requestId();

    List<ProvisioningSummary> all = new ArrayList<>();
    Optional<String> marker = Optional.empty();
    int pages = 0;
    do {
      Page<ProvisioningSummary> page = client.listProvisioning(INSTANCE, Optional.empty(), marker);
      all.addAll(page.items());
      marker = page.nextMarker();
      pages++;
    } while (marker.isPresent());
    Page<ProvisioningSummary> onlyInProgress = client.listProvisioning(INSTANCE,
        Optional.of(ProvisioningStatus.IN_PROGRESS), Optional.empty());
    Page<ProvisioningSummary> onlyFailed = client.listProvisioning(INSTANCE, Optional.of(ProvisioningStatus.FAILED),
        Optional.empty());

    assertThat(pages).isEqualTo(2);
    assertThat(all).hasSize(151).extracting(ProvisioningSummary::requestId).doesNotHaveDuplicates()
        .contains(inProgress);
    assertThat(all).allSatisfy(summary -> assertThat(summary.createdAt()).isPresent());
    assertThat(onlyInProgress.items()).singleElement().satisfies(summary -> {
      assertThat(summary.requestId()).isEqualTo(inProgress);
      assertThat(summary.status()).isEqualTo(ProvisioningStatus.IN_PROGRESS);
    });
    assertThat(onlyInProgress.nextMarker()).isEmpty();
    assertThat(onlyFailed.items()).isNotEmpty()
        .allSatisfy(summary -> assertThat(summary.status()).isEqualTo(ProvisioningStatus.FAILED));
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PROVISIONING, "200")).isEqualTo(4);
  }

  @Test
  void findsAPermissionSetByNameAcrossPagesDescribingEachSetOnce() {
    IdentityCenterClient client = demo();

    Optional<PermissionSet> team137 = client.findPermissionSetByName(INSTANCE, "Team-137");
    long describedFirst = simulator.counts().count(IdentityCenterSimulator.DESCRIBE_PERMISSION_SET, "200");
    Optional<PermissionSet> billing = client.findPermissionSetByName(INSTANCE, AwsDemoWorld.BILLING_VIEWER_NAME);
    Optional<PermissionSet> none = client.findPermissionSetByName(INSTANCE, "team-137");

    assertThat(team137).hasValueSatisfying(set -> {
      assertThat(set.id()).isEqualTo("arn:aws:sso:::permissionSet/ssoins-72230d1e4f5a6b7c/ps-f000000000000089");
      assertThat(set.name()).isEqualTo("Team-137");
      assertThat(set.description()).contains("Generated permission set 137");
    });
    assertThat(billing).map(PermissionSet::id).contains(BILLING_VIEWER);
    assertThat(none).as("names are exact and case-sensitive").isEmpty();
    assertThat(describedFirst).as("every set up to Team-137, on two pages").isEqualTo(140);
    assertThat(simulator.counts().count(IdentityCenterSimulator.DESCRIBE_PERMISSION_SET, "200"))
        .as("the sets described once are not described again").isEqualTo(143);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_PERMISSION_SETS, "200")).isEqualTo(2 + 1 + 2);
  }

  @Test
  void checksAccessWithTheKeysItWasGiven() {
    demo().checkAccess();

    answered(ErrorCategory.ACCESS_DENIED, "AccessDeniedException", () -> client(CloudCredentials.of(
        AwsDemoWorld.NO_PERMISSION_ACCESS_KEY, AwsDemoWorld.NO_PERMISSION_SECRET_KEY)).checkAccess());
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "200")).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.LIST_INSTANCES, "400")).isEqualTo(1);
  }

  @Test
  void temporaryCredentialsCallWithTheirSessionToken() {
    IdentityCenterClient session = client(new CloudCredentials(AwsDemoWorld.SESSION_ACCESS_KEY,
        AwsDemoWorld.SESSION_SECRET_KEY, Optional.of(AwsDemoWorld.SESSION_TOKEN), Optional.empty()));
    IdentityCenterClient withoutToken = client(CloudCredentials.of(AwsDemoWorld.SESSION_ACCESS_KEY,
        AwsDemoWorld.SESSION_SECRET_KEY));

    session.checkAccess();
    assertThat(session.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX)).status())
        .isEqualTo(ProvisioningStatus.IN_PROGRESS);
    answered(ErrorCategory.AUTHENTICATION_FAILED, "UnrecognizedClientException", withoutToken::checkAccess);
  }

  @Test
  void rejectedCredentialsAreAuthenticationFailures() {
    IdentityCenterException unknownKey = answered(ErrorCategory.AUTHENTICATION_FAILED, "UnrecognizedClientException",
        () -> client(CloudCredentials.of("AKIAUNKNOWN000000000", AwsDemoWorld.SECRET_KEY)).checkAccess());
    IdentityCenterException badSignature = answered(ErrorCategory.AUTHENTICATION_FAILED, "InvalidSignatureException",
        () -> provisionTo(client(CloudCredentials.of(AwsDemoWorld.ACCESS_KEY, "not-the-demo-secret-key")),
            READ_ONLY, SANDBOX));
    IdentityCenterException expired = answered(ErrorCategory.AUTHENTICATION_FAILED, "ExpiredTokenException",
        () -> client(new CloudCredentials(AwsDemoWorld.EXPIRED_ACCESS_KEY, AwsDemoWorld.EXPIRED_SECRET_KEY,
            Optional.of(AwsDemoWorld.EXPIRED_TOKEN), Optional.empty())).checkAccess());
    clock.advance(Duration.ofMinutes(20));
    IdentityCenterException skewed = answered(ErrorCategory.AUTHENTICATION_FAILED, "InvalidSignatureException",
        demo()::checkAccess);

    assertThat(unknownKey.httpStatus()).isEqualTo(400);
    assertThat(badSignature.cloudMessage()).contains("signature we calculated does not match");
    assertThat(expired.cloudMessage()).contains("expired");
    assertThat(skewed.cloudMessage()).startsWith("Signature expired");
    assertThat(List.of(unknownKey, badSignature, expired, skewed)).allSatisfy(failure -> assertThat(
        failure.summary() + failure.cloudMessage()).doesNotContain(AwsDemoWorld.SECRET_KEY,
        AwsDemoWorld.EXPIRED_SECRET_KEY, AwsDemoWorld.EXPIRED_TOKEN, "not-the-demo-secret-key"));
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void whatTheCallNamesAndTheCloudDoesNotKnowIsNotFoundByKind() {
    IdentityCenterClient client = demo();

    IdentityCenterException permissionSet = answered(ErrorCategory.PERMISSION_SET_NOT_FOUND,
        "ResourceNotFoundException", () -> provisionTo(client, UNKNOWN_PERMISSION_SET, SANDBOX));
    IdentityCenterException account = answered(ErrorCategory.ACCOUNT_NOT_FOUND, "ResourceNotFoundException",
        () -> provisionTo(client, READ_ONLY, "999999999999"));
    IdentityCenterException request = answered(ErrorCategory.NOT_FOUND, "ResourceNotFoundException",
        () -> client.describeProvisioning(INSTANCE, "00000000-0000-4000-8000-000000000000"));
    IdentityCenterException instance = answered(ErrorCategory.NOT_FOUND, "ResourceNotFoundException",
        () -> client.findPermissionSetByName(UNKNOWN_INSTANCE, AwsDemoWorld.READ_ONLY_NAME));

    assertThat(permissionSet.cloudMessage()).contains(UNKNOWN_PERMISSION_SET);
    assertThat(account.cloudMessage()).contains("999999999999");
    assertThat(request.cloudMessage()).contains("00000000-0000-4000-8000-000000000000");
    assertThat(instance.cloudMessage()).contains(UNKNOWN_INSTANCE);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void invalidInputIsAnInvalidRequestWithTheCloudsValidationMessage() {
    IdentityCenterClient client = demo();

    IdentityCenterException huaweiInstance = answered(ErrorCategory.INVALID_REQUEST, "ValidationException",
        () -> client.provision("ins-4f1d2c3b4a596870", READ_ONLY, ProvisioningTarget.account(SANDBOX)));
    IdentityCenterException shortAccount = answered(ErrorCategory.INVALID_REQUEST, "ValidationException",
        () -> provisionTo(client, READ_ONLY, "12345"));
    IdentityCenterException badRequestId = answered(ErrorCategory.INVALID_REQUEST, "ValidationException",
        () -> client.describeProvisioning(INSTANCE, "ABC"));
    IdentityCenterException foreignMarker = answered(ErrorCategory.INVALID_REQUEST, "ValidationException",
        () -> client.listProvisioning(INSTANCE, Optional.empty(), Optional.of("0123456789abcdef01234567")));

    assertThat(huaweiInstance.cloudMessage()).startsWith("1 validation error detected: Value 'ins-4f1d2c3b4a596870' "
        + "at 'instanceArn'");
    assertThat(shortAccount.cloudMessage()).contains("'targetId'");
    assertThat(badRequestId.cloudMessage()).contains("'provisionPermissionSetRequestId'");
    assertThat(foreignMarker.cloudMessage()).contains("NextToken");
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void aSecondProvisionOfAPermissionSetInProgressIsAConflict() {
    IdentityCenterClient client = demo();
    simulator.faults().conflictOnConcurrentProvisioning(true);
    provisionTo(client, READ_ONLY, SANDBOX);

    IdentityCenterException conflict = answered(ErrorCategory.CONFLICT, "ConflictException",
        () -> provisionTo(client, READ_ONLY, PAYMENTS));

    assertThat(conflict.category().mayHaveTakenEffect()).isFalse();
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, READ_ONLY, PAYMENTS)).isZero();
  }

  @Test
  void throttlingIsThrottledWhateverItsHttpStatus() {
    IdentityCenterClient client = demo();
    simulator.faults().throttleRate(1);

    IdentityCenterException throttled = answered(ErrorCategory.THROTTLED, "ThrottlingException",
        () -> provisionTo(client, READ_ONLY, SANDBOX));

    assertThat(throttled.httpStatus()).isEqualTo(400);
    assertThat(throttled.cloudMessage()).isEqualTo("Rate exceeded");
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "400")).isEqualTo(1);
    assertThat(simulator.counts().totalAcceptedProvisions()).isZero();
  }

  @Test
  void aServerErrorIsOneThatMayHaveTakenEffect() {
    IdentityCenterClient client = demo();
    simulator.faults().serverErrorRate(1);

    IdentityCenterException serverError = answered(ErrorCategory.SERVER_ERROR, "InternalServerException",
        () -> provisionTo(client, READ_ONLY, SANDBOX));

    assertThat(serverError.httpStatus()).isEqualTo(500);
    assertThat(serverError.category().mayHaveTakenEffect()).isTrue();
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, "500"))
        .as("sent once: the SDK does not retry on its own").isEqualTo(1);
  }

  @Test
  void aDroppedConnectionIsUnavailableAndSentOnce() {
    IdentityCenterClient client = demo();
    simulator.faults().dropRate(1);

    IdentityCenterException dropped = failure(ErrorCategory.UNAVAILABLE,
        () -> provisionTo(client, READ_ONLY, SANDBOX));
    simulator.faults().clear().dropAcceptedProvisionRate(1);
    IdentityCenterException droppedAfterAccepting = failure(ErrorCategory.UNAVAILABLE,
        () -> provisionTo(client, ADMINISTRATOR, ANALYTICS));

    assertThat(dropped.httpStatus()).isZero();
    assertThat(dropped.cloudMessage()).contains(simulator.endpoint().getHost());
    assertThat(droppedAfterAccepting.category().mayHaveTakenEffect()).isTrue();
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED)).isEqualTo(1);
    assertThat(simulator.counts().count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING))
        .isEqualTo(1);
    assertThat(simulator.counts().acceptedProvisions(INSTANCE, ADMINISTRATOR, ANALYTICS)).isEqualTo(1);
  }

  @Test
  void callsOverTlsTrustingTheConnectionsCaBundle() {
    TlsIdentity tls = TlsIdentity.selfSigned(List.of(), clock);
    try (IdentityCenterSimulator secure = IdentityCenterSimulator.start(SimulatorFixture.demoAws(),
        IdentityCenterSimulator.Options.defaults().withClock(clock).withTls(tls))) {
      IdentityCenterClient client = clients.forConnection(new CloudAccess.Aws(new CloudEndpoint(secure.endpoint(),
          Optional.of(tls.chainPem()), false), AwsDemoWorld.REGION, Optional.of(DEMO_KEYS), Optional.empty()));

      client.checkAccess();
      ProvisioningRequest accepted = client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX));

      assertThat(secure.endpoint().getScheme()).isEqualTo("https");
      assertThat(client.describeProvisioning(INSTANCE, accepted.requestId()).requestId())
          .isEqualTo(accepted.requestId());
    }
  }
}
