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
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.AccessDeniedException;
import software.amazon.awssdk.services.ssoadmin.model.ConflictException;
import software.amazon.awssdk.services.ssoadmin.model.InternalServerException;
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
}
