package dev.operators.permissionset.reconciler;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.IN_PROGRESS;
import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.error;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.failed;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.unknownStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real JOSDK operator on the mock Kubernetes API, against an in-memory Identity Center. */
class PermissionSetProvisioningReconcilerTest {

  private static final String NAMESPACE = "platform";
  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  private static final String ACCOUNT = "5146d03d8aaaaaaaaaaaabbae60620a5";
  private static final String OTHER_ACCOUNT = "0c1d2e3f405162738495a6b7c8d9e0f1";
  private static final CloudCredentials DEFAULT_CREDENTIALS = CloudCredentials.of("AKDEFAULT", "sk-default");

  private KubernetesTestServer kubernetes;
  private KubernetesClient client;
  private FakeIdentityCenter cloud;
  private PermissionSetOperator operator;

  @BeforeEach
  void startKubernetes() {
    kubernetes = KubernetesTestServer.start();
    client = kubernetes.client();
    cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    kubernetes.close();
  }

  private void startOperator() {
    startOperator(Map.of());
  }

  private void startOperator(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of(
        OperatorConfig.ACCESS_KEY, DEFAULT_CREDENTIALS.accessKey(),
        OperatorConfig.SECRET_KEY, DEFAULT_CREDENTIALS.secretKey(),
        OperatorConfig.POLL_INITIAL_INTERVAL, "100ms",
        OperatorConfig.POLL_MAX_INTERVAL, "300ms",
        OperatorConfig.RETRY_INITIAL_INTERVAL, "100ms",
        OperatorConfig.RETRY_MAX_INTERVAL, "400ms"));
    env.putAll(settings);
    operator = PermissionSetOperator.create(client, OperatorConfig.fromEnvironment(env), cloud, Clock.systemUTC());
    operator.start();
  }

  private static PermissionSetProvisioning resource(String name, PermissionSetProvisioningSpec spec) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }

  private static PermissionSetProvisioningSpec toAccount(String account) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(account);
    return spec;
  }

  private PermissionSetProvisioning create(PermissionSetProvisioning resource) {
    return client.resource(resource).create();
  }

  private PermissionSetProvisioning current(String name) {
    return client.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private PermissionSetProvisioning awaitStatus(String name, Predicate<PermissionSetProvisioningStatus> condition) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
      PermissionSetProvisioning resource = current(name);
      return resource.getStatus() != null && condition.test(resource.getStatus());
    });
    return current(name);
  }

  private static Predicate<PermissionSetProvisioningStatus> reason(String reason) {
    return status -> status.condition("Ready").map(c -> reason.equals(c.getReason())).orElse(false);
  }

  private static Condition condition(PermissionSetProvisioning resource, String type) {
    return resource.getStatus().condition(type).orElseThrow();
  }

  private static void assertConditions(PermissionSetProvisioning resource, String ready, String reconciling,
      String stalled) {
    assertThat(condition(resource, "Ready").getStatus()).isEqualTo(ready);
    assertThat(condition(resource, "Reconciling").getStatus()).isEqualTo(reconciling);
    assertThat(condition(resource, "Stalled").getStatus()).isEqualTo(stalled);
    assertThat(resource.getStatus().getObservedGeneration()).isEqualTo(resource.getMetadata().getGeneration());
    resource.getStatus().getConditions().forEach(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(resource.getMetadata().getGeneration());
      assertThat(c.getLastTransitionTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(c.getMessage()).isNotBlank();
    });
  }

  @Test
  void provisionThatAnswersSucceededNeedsNoPolling() {
    cloud.onProvision(status(SUCCEEDED));
    startOperator();

    create(resource("readonly", toAccount(ACCOUNT)));

    PermissionSetProvisioning done = awaitStatus("readonly", reason("Provisioned"));
    assertConditions(done, "True", "False", "False");
    assertThat(done.getStatus().getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(done.getStatus().getRequestGeneration()).isEqualTo(1L);
    assertThat(done.getStatus().getPermissionSetId()).isEqualTo(READ_ONLY);
    assertThat(done.getStatus().getAccountId()).isEqualTo(ACCOUNT);
    assertThat(done.getStatus().getRequestedAt()).isNotNull();
    assertThat(done.getStatus().getCompletedAt()).isNotNull();
    assertThat(cloud.provisionCalls()).singleElement().satisfies(call -> {
      assertThat(call.instanceId()).isEqualTo(INSTANCE);
      assertThat(call.permissionSetId()).isEqualTo(READ_ONLY);
      assertThat(call.target()).isEqualTo(ProvisioningTarget.account(ACCOUNT));
      assertThat(call.credentials()).isEqualTo(DEFAULT_CREDENTIALS);
    });
    assertThat(cloud.describeCalls()).isEmpty();
  }

  @Test
  void requestInProgressIsFollowedThroughTheSharedListUntilItSucceeds() {
    cloud.onProvision(unknownStatus("PENDING"));
    startOperator();

    create(resource("polled", toAccount(ACCOUNT)));

    PermissionSetProvisioning inFlight = awaitStatus("polled",
        status -> reason("Provisioning").test(status) && status.getRequestId() != null);
    assertConditions(inFlight, "False", "True", "False");
    assertThat(inFlight.getStatus().getProvisioningStatus()).isEqualTo("PENDING");
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);
    cloud.finish(inFlight.getStatus().getRequestId(), SUCCEEDED);
    PermissionSetProvisioning done = awaitStatus("polled", reason("Provisioned"));
    assertConditions(done, "True", "False", "False");
    assertThat(done.getStatus().getRequestId()).isEqualTo(inFlight.getStatus().getRequestId());
    assertThat(done.getStatus().getProvisioningStatus()).isEqualTo("SUCCEEDED");
    assertThat(cloud.describeCalls()).as("a request seen in progress and gone from the lists SUCCEEDED").isEmpty();
    assertThat(cloud.provisionCalls()).hasSize(1);
  }


  @Test
  void unchangedPollsWriteNoStatus() {
    cloud.onProvision(status(IN_PROGRESS));
    startOperator();
    create(resource("quiet", toAccount(ACCOUNT)));
    String versionWhileInFlight = awaitStatus("quiet",
        status -> reason("Provisioning").test(status) && status.getRequestId() != null)
        .getMetadata().getResourceVersion();

    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 4);

    assertThat(current("quiet").getMetadata().getResourceVersion()).isEqualTo(versionWhileInFlight);
  }


  @Test
  void failedRequestStallsWithTheCloudsReasonAndIsNotRetried() throws InterruptedException {
    String reason = "The account 5146d03d8aaaaaaaaaaaabbae60620a5 is suspended and cannot be provisioned.";
    cloud.onProvision(status(IN_PROGRESS));
    startOperator();
    create(resource("failing", toAccount(ACCOUNT)));
    String requestId = awaitStatus("failing", status -> status.getRequestId() != null).getStatus().getRequestId();
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);

    cloud.fail(requestId, reason);

    PermissionSetProvisioning failed = awaitStatus("failing", reason("ProvisioningFailed"));
    assertConditions(failed, "False", "False", "True");
    assertThat(failed.getStatus().getProvisioningStatus()).isEqualTo("FAILED");
    assertThat(failed.getStatus().getFailureReason()).isEqualTo(reason);
    assertThat(condition(failed, "Stalled").getMessage()).contains(reason);
    Thread.sleep(1000);
    assertThat(cloud.provisionCalls()).hasSize(1);
    assertThat(cloud.describeCalls()).as("described once, for its failure reason").containsExactly(requestId);
  }


  @Test
  void retryableErrorsAreShownAndRetriedUntilTheCallSucceeds() {
    IdentityCenterException outage = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.SERVER_ERROR, 503, "SYS.0503", "Service Unavailable", null, null);
    IdentityCenterException dropped = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.UNAVAILABLE, 0, null, "connection reset", null, null);
    cloud.onProvision(error(outage), error(dropped), error(outage), status(SUCCEEDED));
    startOperator();

    create(resource("flaky", toAccount(ACCOUNT)));

    PermissionSetProvisioning retrying = awaitStatus("flaky", reason("CloudUnavailable"));
    assertConditions(retrying, "False", "True", "False");
    assertThat(condition(retrying, "Ready").getMessage()).contains("retrying");
    awaitStatus("flaky", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).hasSize(4);
  }

  @Test
  void throttlingWaitsAtLeastTwoSeconds() {
    IdentityCenterException throttled = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.THROTTLED, 429, "APIGW.0308", "The throttling threshold has been reached", null, null);
    cloud.onProvision(error(throttled), status(SUCCEEDED));
    startOperator();
    long start = System.nanoTime();

    create(resource("throttled", toAccount(ACCOUNT)));

    assertConditions(awaitStatus("throttled", reason("Throttled")), "False", "True", "False");
    awaitStatus("throttled", reason("Provisioned"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(cloud.provisionCalls()).hasSize(2);
  }

  @Test
  void permissionSetNameIsResolvedToItsId() {
    cloud.withPermissionSet("ps-1a2b3c4d5e6f7081", "AdministratorAccess").onProvision(status(SUCCEEDED));
    startOperator();
    PermissionSetProvisioningSpec spec = toAccount(ACCOUNT);
    spec.setPermissionSetId(null);
    spec.setPermissionSetName("AdministratorAccess");

    create(resource("by-name", spec));

    PermissionSetProvisioning done = awaitStatus("by-name", reason("Provisioned"));
    assertThat(done.getStatus().getPermissionSetId()).isEqualTo("ps-1a2b3c4d5e6f7081");
    assertThat(cloud.provisionCalls()).singleElement()
        .satisfies(call -> assertThat(call.permissionSetId()).isEqualTo("ps-1a2b3c4d5e6f7081"));
  }

  @Test
  void unknownPermissionSetNameStallsNamingTheField() {
    startOperator();
    PermissionSetProvisioningSpec spec = toAccount(ACCOUNT);
    spec.setPermissionSetId(null);
    spec.setPermissionSetName("readonlyaccess");

    create(resource("unknown-name", spec));

    PermissionSetProvisioning stalled = awaitStatus("unknown-name", reason("PermissionSetNotFound"));
    assertConditions(stalled, "False", "False", "True");
    assertThat(condition(stalled, "Stalled").getMessage()).contains("spec.permissionSetName", "readonlyaccess");
    assertThat(cloud.provisionCalls()).isEmpty();
  }

  @Test
  void accountTheCloudDoesNotKnowStallsNamingTheField() {
    cloud.onProvision(error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.ACCOUNT_NOT_FOUND,
        400, "IIC.1210", "Account not found.", null, null)));
    startOperator();

    create(resource("no-account", toAccount("ffffffffffffffffffffffffffffffff")));

    PermissionSetProvisioning stalled = awaitStatus("no-account", reason("AccountNotFound"));
    assertConditions(stalled, "False", "False", "True");
    assertThat(condition(stalled, "Ready").getMessage()).contains("spec.targetId", "IIC.1210");
  }

  @Test
  void invalidSpecStallsWithoutCallingTheCloud() {
    startOperator();
    PermissionSetProvisioningSpec spec = toAccount(ACCOUNT);
    spec.setPermissionSetName("ReadOnlyAccess");

    create(resource("both", spec));

    PermissionSetProvisioning stalled = awaitStatus("both", reason("InvalidSpec"));
    assertConditions(stalled, "False", "False", "True");
    assertThat(condition(stalled, "Stalled").getMessage())
        .contains("spec.permissionSetId").contains("spec.permissionSetName");
    assertThat(cloud.provisionCalls()).isEmpty();
  }

  @Test
  void specChangeProvisionsAgain() {
    cloud.onProvision(status(SUCCEEDED), status(SUCCEEDED));
    startOperator();
    create(resource("moving", toAccount(ACCOUNT)));
    PermissionSetProvisioning first = awaitStatus("moving", reason("Provisioned"));

    first.getSpec().setTargetId("0c1d2e3f405162738495a6b7c8d9e0f1");
    client.resource(first).update();

    PermissionSetProvisioning second = awaitStatus("moving",
        status -> status.getRequestGeneration() == 2L && reason("Provisioned").test(status));
    assertThat(second.getStatus().getRequestId()).isNotEqualTo(first.getStatus().getRequestId());
    assertThat(second.getStatus().getAccountId()).isEqualTo("0c1d2e3f405162738495a6b7c8d9e0f1");
    assertConditions(second, "True", "False", "False");
    assertThat(cloud.provisionCalls()).extracting(FakeIdentityCenter.ProvisionCall::target).containsExactly(
        ProvisioningTarget.account(ACCOUNT), ProvisioningTarget.account("0c1d2e3f405162738495a6b7c8d9e0f1"));
  }

  @Test
  void recordedRequestIsFollowedAfterARestartNotProvisionedAgain() {
    String requestId = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(ACCOUNT), IN_PROGRESS);
    PermissionSetProvisioning created = create(resource("resumed", toAccount(ACCOUNT)));
    PermissionSetProvisioningStatus recorded = new PermissionSetProvisioningStatus();
    recorded.setRequestId(requestId);
    recorded.setRequestGeneration(created.getMetadata().getGeneration());
    recorded.setProvisioningStatus("IN_PROGRESS");
    recorded.setRequestedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    created.setStatus(recorded);
    client.resource(created).updateStatus();

    startOperator();
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);
    cloud.finish(requestId, SUCCEEDED);

    PermissionSetProvisioning done = awaitStatus("resumed", reason("Provisioned"));
    assertThat(done.getStatus().getRequestId()).isEqualTo(requestId);
    assertThat(cloud.provisionCalls()).isEmpty();
  }


  @Test
  void missingCredentialsSecretIsReportedAndRecoversOnceCreated() {
    cloud.onProvision(status(SUCCEEDED));
    startOperator();
    PermissionSetProvisioningSpec spec = toAccount(ACCOUNT);
    spec.setCredentialsSecretRef(new SecretReference("team-credentials"));

    create(resource("with-secret", spec));

    PermissionSetProvisioning waiting = awaitStatus("with-secret", reason("CredentialsUnavailable"));
    assertConditions(waiting, "False", "False", "True");
    assertThat(condition(waiting, "Ready").getMessage()).contains("platform/team-credentials");
    assertThat(cloud.provisionCalls()).isEmpty();

    client.resource(new SecretBuilder()
        .withNewMetadata().withName("team-credentials").withNamespace(NAMESPACE).endMetadata()
        .withData(Map.of(
            "accessKey", base64("AKTEAM"),
            "secretKey", base64("sk-team\n"),
            "securityToken", base64("token-team")))
        .build()).create();

    awaitStatus("with-secret", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).singleElement().satisfies(call -> assertThat(call.credentials())
        .isEqualTo(new CloudCredentials("AKTEAM", "sk-team", Optional.of("token-team"), Optional.empty())));
  }

  @Test
  void allProvisionedAccountsTargetsNoAccount() {
    cloud.onProvision(status(SUCCEEDED));
    startOperator();
    PermissionSetProvisioningSpec spec = toAccount(null);
    spec.setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS);

    create(resource("everywhere", spec));

    PermissionSetProvisioning done = awaitStatus("everywhere", reason("Provisioned"));
    assertThat(done.getStatus().getAccountId()).isNull();
    assertThat(cloud.provisionCalls()).extracting(FakeIdentityCenter.ProvisionCall::target)
        .containsExactly(ProvisioningTarget.allProvisionedAccounts());
  }

  /** Writes status as an earlier run of the operator left it: it recorded the intent, and then died. */
  private PermissionSetProvisioning crashedAfterRecordingIntent(String name, PermissionSetProvisioningSpec spec,
      Instant recordedAt) {
    PermissionSetProvisioning created = create(resource(name, spec));
    PermissionSetProvisioningStatus recorded = new PermissionSetProvisioningStatus();
    recorded.setPermissionSetId(spec.getPermissionSetId());
    recorded.setPendingProvision(new PendingProvision(created.getMetadata().getGeneration(),
        recordedAt.truncatedTo(ChronoUnit.SECONDS).toString()));
    created.setStatus(recorded);
    return client.resource(created).updateStatus();
  }

  @Test
  void anIntentLeftByACrashIsMatchedToTheRequestItMadeNotProvisionedAgain() {
    String made = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(ACCOUNT), IN_PROGRESS);
    String otherTarget = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(OTHER_ACCOUNT), IN_PROGRESS);
    crashedAfterRecordingIntent("crashed", toAccount(ACCOUNT), Instant.now().minusSeconds(5));

    startOperator();

    PermissionSetProvisioning adopted = awaitStatus("crashed", status -> made.equals(status.getRequestId()));
    assertThat(adopted.getStatus().getPendingProvision()).isNull();
    assertThat(adopted.getStatus().getRequestGeneration()).isEqualTo(adopted.getMetadata().getGeneration());
    assertThat(adopted.getStatus().getRequestId()).isNotEqualTo(otherTarget);
    assertThat(cloud.provisionCalls()).isEmpty();
    cloud.finish(made, SUCCEEDED);
    awaitStatus("crashed", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).isEmpty();
  }

  @Test
  void anIntentLeftByACrashWithNoRequestInTheCloudIsProvisionedOnce() {
    cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(OTHER_ACCOUNT), IN_PROGRESS);
    cloud.onProvision(status(SUCCEEDED));
    crashedAfterRecordingIntent("never-sent", toAccount(ACCOUNT), Instant.now().minusSeconds(5));

    startOperator();

    awaitStatus("never-sent", reason("Provisioned"));
    assertThat(cloud.listCalls()).isPositive();
    assertThat(cloud.provisionCalls()).extracting(FakeIdentityCenter.ProvisionCall::target)
        .containsExactly(ProvisioningTarget.account(ACCOUNT));
  }

  @Test
  void anAnswerLostAfterTheCloudTookTheCallIsRecoveredNotSentAgain() {
    cloud.onProvision(FakeIdentityCenter.Outcome.acceptedButAnswerLost());
    startOperator();

    create(resource("lost-answer", toAccount(ACCOUNT)));

    PermissionSetProvisioning following = awaitStatus("lost-answer",
        status -> reason("Provisioning").test(status) && status.getRequestId() != null);
    assertThat(cloud.provisionCalls()).hasSize(1);
    assertThat(following.getStatus().getPendingProvision()).isNull();
    cloud.finish(following.getStatus().getRequestId(), SUCCEEDED);
    awaitStatus("lost-answer", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).hasSize(1);
  }

  @Test
  void aCallTheCloudRefusedIsSentAgainWithoutLookingForIt() {
    cloud.onProvision(error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.THROTTLED, 429,
        "APIG.0308", "The throttling threshold has been reached", null, null)), status(SUCCEEDED));
    startOperator();

    create(resource("refused-once", toAccount(ACCOUNT)));

    awaitStatus("refused-once", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).hasSize(2);
    assertThat(cloud.listCalls()).isZero();
  }

  @Test
  void resourcesOfOnePermissionSetTakeTurnsInTheOrderTheyStartedWaiting() {
    startOperator();
    create(resource("turn-a", toAccount(ACCOUNT)));
    PermissionSetProvisioning first = awaitStatus("turn-a", status -> status.getRequestId() != null);
    create(resource("turn-c", toAccount("7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4")));
    create(resource("turn-b", toAccount(OTHER_ACCOUNT)));

    PermissionSetProvisioning waiting = awaitStatus("turn-c", reason("WaitingForPermissionSet"));
    awaitStatus("turn-b", reason("WaitingForPermissionSet"));
    assertConditions(waiting, "False", "True", "False");
    assertThat(condition(waiting, "Ready").getMessage()).contains(READ_ONLY);
    assertThat(cloud.provisionCalls()).hasSize(1);

    cloud.finish(first.getStatus().getRequestId(), SUCCEEDED);
    PermissionSetProvisioning second = awaitStatus("turn-c", status -> status.getRequestId() != null);
    cloud.finish(second.getStatus().getRequestId(), SUCCEEDED);
    PermissionSetProvisioning third = awaitStatus("turn-b", status -> status.getRequestId() != null);
    cloud.finish(third.getStatus().getRequestId(), SUCCEEDED);

    for (String name : new String[] {"turn-a", "turn-b", "turn-c"}) {
      awaitStatus(name, reason("Provisioned"));
    }
    assertThat(cloud.mostInFlightAtProvision()).isZero();
    assertThat(cloud.provisionCalls()).extracting(call -> call.target().accountId().orElseThrow())
        .containsExactly(ACCOUNT, "7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4", OTHER_ACCOUNT);
  }

  @Test
  void aResourceWaitingForItsTurnLooksItsPermissionSetNameUpOnce() {
    startOperator();
    create(resource("holder", toAccount(ACCOUNT)));
    PermissionSetProvisioning holder = awaitStatus("holder", status -> status.getRequestId() != null);
    PermissionSetProvisioningSpec byName = toAccount(OTHER_ACCOUNT);
    byName.setPermissionSetId(null);
    byName.setPermissionSetName("ReadOnlyAccess");
    create(resource("by-name", byName));
    awaitStatus("by-name", reason("WaitingForPermissionSet"));

    // several backstop looks (POLL_MAX_INTERVAL is 300 ms here) while it waits
    await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(cloud.nameLookups()).isEqualTo(1);
    cloud.finish(holder.getStatus().getRequestId(), SUCCEEDED);
    awaitStatus("by-name", status -> status.getRequestId() != null);
    assertThat(cloud.nameLookups()).isEqualTo(1);
  }

  @Test
  void aVeryLongFailureReasonIsCappedInStatus() {
    startOperator();
    create(resource("verbose", toAccount(ACCOUNT)));
    String requestId = awaitStatus("verbose", status -> status.getRequestId() != null).getStatus().getRequestId();
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);

    cloud.fail(requestId, "The account is suspended. ".repeat(400));

    PermissionSetProvisioning failed = awaitStatus("verbose", reason("ProvisioningFailed"));
    assertThat(failed.getStatus().getFailureReason()).startsWith("The account is suspended.")
        .hasSize(PermissionSetProvisioningReconciler.MAX_FAILURE_REASON + 1).endsWith("…");
  }

  @Test
  void aRequestInProgressPastTheDeadlineStallsAndStillReportsItsOutcome() {
    startOperator(Map.of(OperatorConfig.PROVISIONING_TIMEOUT, "1s"));

    create(resource("slow", toAccount(ACCOUNT)));

    PermissionSetProvisioning overdue = awaitStatus("slow", reason("ProvisioningTimedOut"));
    assertConditions(overdue, "False", "False", "True");
    assertThat(condition(overdue, "Stalled").getMessage()).contains("PROVISIONING_TIMEOUT", "change the spec");
    cloud.finish(overdue.getStatus().getRequestId(), SUCCEEDED);
    awaitStatus("slow", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).hasSize(1);
  }

  @Test
  void aFixedSecretIsPickedUpByItsWatchWithoutWaitingForARetry() {
    cloud.onProvision(status(SUCCEEDED));
    startOperator(Map.of(OperatorConfig.RETRY_INITIAL_INTERVAL, "10m", OperatorConfig.RETRY_MAX_INTERVAL, "10m"));
    PermissionSetProvisioningSpec spec = toAccount(ACCOUNT);
    spec.setCredentialsSecretRef(new SecretReference("late-credentials"));
    create(resource("late-secret", spec));
    awaitStatus("late-secret", reason("CredentialsUnavailable"));

    client.resource(new SecretBuilder()
        .withNewMetadata().withName("late-credentials").withNamespace(NAMESPACE).endMetadata()
        .withData(Map.of("accessKey", base64("AKLATE"), "secretKey", base64("sk-late")))
        .build()).create();

    awaitStatus("late-secret", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).singleElement()
        .satisfies(call -> assertThat(call.credentials().accessKey()).isEqualTo("AKLATE"));
  }

  @Test
  void aResourceStalledUntilItsSpecChangesIsNotProvisionedAgainWhenWokenForAnotherReason() {
    cloud.onProvision(error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.ACCOUNT_NOT_FOUND,
        400, "IIC.1210", "Account not found.", null, null)));
    Map<String, String> credentials = Map.of("accessKey", base64("AKTEAM"), "secretKey", base64("sk-team"));
    client.resource(new SecretBuilder().withNewMetadata().withName("team").withNamespace(NAMESPACE).endMetadata()
        .withData(credentials).build()).create();
    startOperator();
    PermissionSetProvisioningSpec spec = toAccount(ACCOUNT);
    spec.setCredentialsSecretRef(new SecretReference("team"));
    create(resource("no-such-account", spec));
    awaitStatus("no-such-account", reason("AccountNotFound"));

    client.resource(new SecretBuilder().withNewMetadata().withName("team").withNamespace(NAMESPACE)
        .addToLabels("rotated", "yes").endMetadata().withData(credentials).build()).update();

    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> cloud.provisionCalls().size() == 1);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
