package dev.operators.permissionset.reconciler;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.IN_PROGRESS;
import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR_NAME;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY_NAME;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.error;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.failed;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.unknownStatus;
import static dev.operators.permissionset.testing.Provisionings.allProvisionedAccounts;
import static dev.operators.permissionset.testing.Provisionings.byName;
import static dev.operators.permissionset.testing.Provisionings.toAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestConnections;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real JOSDK operator on the mock Kubernetes API, against an in-memory Identity Center. */
class PermissionSetProvisioningReconcilerTest {

  private static final String ACCOUNT = DemoWorld.PAYMENTS;
  private static final String OTHER_ACCOUNT = DemoWorld.ANALYTICS;
  private static final CloudCredentials DEFAULT_CREDENTIALS = TestOperators.CREDENTIALS;
  private static final ConnectionKey TEAM_CONNECTION = ConnectionKey.namespaced(NAMESPACE, "team");
  private static final String TEAM_SECRET = "team-credentials";
  private static final CloudCredentials TEAM_CREDENTIALS = CloudCredentials.of("AKTEAM", "sk-team");

  private KubernetesTestServer kubernetes;
  private KubernetesClient client;
  private FakeIdentityCenter cloud;
  private PermissionSetOperator operator;

  @BeforeEach
  void startKubernetes() {
    kubernetes = KubernetesTestServer.start();
    client = kubernetes.client();
    cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, READ_ONLY_NAME);
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
    operator = TestOperators.start(client, cloud, settings);
  }

  private PermissionSetProvisioning create(PermissionSetProvisioning resource) {
    return client.resource(resource).create();
  }

  private PermissionSetProvisioning current(String name) {
    return client.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private PermissionSetProvisioning awaitStatus(String name, Predicate<PermissionSetProvisioningStatus> condition) {
    return AwaitStatus.until(client, NAMESPACE, name, resource -> condition.test(resource.getStatus()));
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

    create(toAccount("readonly", READ_ONLY, ACCOUNT));

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

    create(toAccount("polled", READ_ONLY, ACCOUNT));

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
    create(toAccount("quiet", READ_ONLY, ACCOUNT));
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
    create(toAccount("failing", READ_ONLY, ACCOUNT));
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

    create(toAccount("flaky", READ_ONLY, ACCOUNT));

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

    create(toAccount("throttled", READ_ONLY, ACCOUNT));

    assertConditions(awaitStatus("throttled", reason("Throttled")), "False", "True", "False");
    awaitStatus("throttled", reason("Provisioned"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(cloud.provisionCalls()).hasSize(2);
  }

  @Test
  void permissionSetNameIsResolvedToItsId() {
    cloud.withPermissionSet(ADMINISTRATOR, ADMINISTRATOR_NAME).onProvision(status(SUCCEEDED));
    startOperator();
    create(byName("by-name", ADMINISTRATOR_NAME, ACCOUNT));

    PermissionSetProvisioning done = awaitStatus("by-name", reason("Provisioned"));
    assertThat(done.getStatus().getPermissionSetId()).isEqualTo(ADMINISTRATOR);
    assertThat(cloud.provisionCalls()).singleElement()
        .satisfies(call -> assertThat(call.permissionSetId()).isEqualTo(ADMINISTRATOR));
  }

  @Test
  void unknownPermissionSetNameStallsNamingTheField() {
    startOperator();
    create(byName("unknown-name", "readonlyaccess", ACCOUNT));

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

    create(toAccount("no-account", READ_ONLY, "ffffffffffffffffffffffffffffffff"));

    PermissionSetProvisioning stalled = awaitStatus("no-account", reason("AccountNotFound"));
    assertConditions(stalled, "False", "False", "True");
    assertThat(condition(stalled, "Ready").getMessage()).contains("spec.targetId", "IIC.1210");
  }

  @Test
  void invalidSpecStallsWithoutCallingTheCloud() {
    startOperator();
    PermissionSetProvisioning resource = toAccount("both", READ_ONLY, ACCOUNT);
    resource.getSpec().setPermissionSetName(READ_ONLY_NAME);

    create(resource);

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
    create(toAccount("moving", READ_ONLY, ACCOUNT));
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
    recordedInFlight(toAccount("resumed", READ_ONLY, ACCOUNT), requestId);

    startOperator();
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);
    cloud.finish(requestId, SUCCEEDED);

    PermissionSetProvisioning done = awaitStatus("resumed", reason("Provisioned"));
    assertThat(done.getStatus().getRequestId()).isEqualTo(requestId);
    assertThat(cloud.provisionCalls()).isEmpty();
  }

  @Test
  void aConnectionWithoutItsSecretIsNotReadyAndItsResourcesRecoverOnceTheSecretIsCreated() {
    cloud.onProvision(status(SUCCEEDED));
    startOperator();
    teamConnection();

    create(usingTeamConnection(toAccount("with-secret", READ_ONLY, ACCOUNT)));

    PermissionSetProvisioning waiting = awaitStatus("with-secret", reason("ConnectionNotReady"));
    assertConditions(waiting, "False", "False", "True");
    assertThat(condition(waiting, "Ready").getMessage())
        .contains(TEAM_CONNECTION.toString(), "CredentialsUnavailable", "platform/team-credentials");
    assertThat(TestConnections.readyReason(TestConnections.get(client, TEAM_CONNECTION)))
        .isEqualTo("CredentialsUnavailable");
    assertThat(cloud.provisionCalls()).isEmpty();

    TestConnections.secret(client, NAMESPACE, TEAM_SECRET,
        new CloudCredentials("AKTEAM", "sk-team\n", Optional.of("token-team"), Optional.empty()));

    awaitStatus("with-secret", reason("Provisioned"));
    TestConnections.awaitReady(client, TEAM_CONNECTION);
    assertThat(cloud.provisionCalls()).singleElement().satisfies(call -> assertThat(call.credentials())
        .isEqualTo(new CloudCredentials("AKTEAM", "sk-team", Optional.of("token-team"), Optional.empty())));
  }

  @Test
  void aReadyResourceStaysReadyWhileItsConnectionsSecretIsMissing() {
    cloud.onProvision(status(SUCCEEDED));
    TestConnections.secret(client, NAMESPACE, TEAM_SECRET, TEAM_CREDENTIALS);
    teamConnection();
    startOperator();
    create(usingTeamConnection(toAccount("settled", READ_ONLY, ACCOUNT)));
    awaitStatus("settled", reason("Provisioned"));

    // the connection turns not Ready, which wakes its resources: a settled one needs no connection and must not
    // turn Stalled
    client.secrets().inNamespace(NAMESPACE).withName(TEAM_SECRET).delete();
    TestConnections.awaitReason(client, TEAM_CONNECTION, "CredentialsUnavailable");

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> reason("Provisioned").test(current("settled").getStatus()));
    assertThat(cloud.provisionCalls()).hasSize(1);
  }

  @Test
  void anAnswerWhoseStatusWriteConflictsIsRecordedOnAFreshReadNotProvisionedAgain() {
    // lists that lag: recovery could not find the request the call made, and a second provision would go out
    cloud.withListLag(Duration.ofSeconds(30));
    AtomicBoolean conflicted = new AtomicBoolean();
    KubernetesClient conflicting = kubernetes.newClient(chain -> {
      Request request = chain.request();
      if ("PUT".equals(request.method()) && request.url().encodedPath().endsWith("/status")
          && bodyOf(request).contains("\"requestId\"") && conflicted.compareAndSet(false, true)) {
        return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(409)
            .message("Conflict").body(ResponseBody.create("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409}",
                MediaType.get("application/json"))).build();
      }
      return chain.proceed(request);
    });
    try {
      operator = TestOperators.start(conflicting, cloud, Map.of());
      create(toAccount("conflicted", READ_ONLY, ACCOUNT));

      awaitStatus("conflicted", status -> status.getRequestId() != null);
      cloud.finish(current("conflicted").getStatus().getRequestId(), SUCCEEDED);
      awaitStatus("conflicted", reason("Provisioned"));

      assertThat(conflicted).as("the status write that recorded the answer was refused once").isTrue();
      assertThat(cloud.provisionCalls()).hasSize(1);
    } finally {
      operator.close();
      operator = null;
      conflicting.close();
    }
  }

  private static String bodyOf(Request request) {
    try (Buffer buffer = new Buffer()) {
      if (request.body() != null) {
        request.body().writeTo(buffer);
      }
      return buffer.readUtf8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The IdentityCenterConnection {@link #TEAM_CONNECTION}, reading the Secret {@link #TEAM_SECRET} beside it. */
  private void teamConnection() {
    TestConnections.namespaced(client, NAMESPACE, TEAM_CONNECTION.name(), TestConnections.huaweiCloud(
        FakeIdentityCenter.DEFAULT_ENDPOINT.url(), TEAM_SECRET, TEAM_CREDENTIALS));
  }

  private static PermissionSetProvisioning usingTeamConnection(PermissionSetProvisioning resource) {
    resource.getSpec().setConnectionRef(new ConnectionReference(Kind.IdentityCenterConnection,
        TEAM_CONNECTION.name()));
    return resource;
  }

  @Test
  void allProvisionedAccountsTargetsNoAccount() {
    cloud.onProvision(status(SUCCEEDED));
    startOperator();
    create(allProvisionedAccounts("everywhere", READ_ONLY));

    PermissionSetProvisioning done = awaitStatus("everywhere", reason("Provisioned"));
    assertThat(done.getStatus().getAccountId()).isNull();
    assertThat(cloud.provisionCalls()).extracting(FakeIdentityCenter.ProvisionCall::target)
        .containsExactly(ProvisioningTarget.allProvisionedAccounts());
  }

  /** Writes status as an earlier run of the operator left it: the request it made is in flight. */
  private void recordedInFlight(PermissionSetProvisioning resource, String requestId) {
    PermissionSetProvisioning created = create(resource);
    PermissionSetProvisioningStatus recorded = new PermissionSetProvisioningStatus();
    recorded.setRequestId(requestId);
    recorded.setRequestGeneration(created.getMetadata().getGeneration());
    recorded.setProvisioningStatus("IN_PROGRESS");
    recorded.setPermissionSetId(resource.getSpec().getPermissionSetId());
    recorded.setRequestedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    created.setStatus(recorded);
    client.resource(created).updateStatus();
  }

  /** Writes status as an earlier run of the operator left it: it recorded the intent, and then died. */
  private PermissionSetProvisioning crashedAfterRecordingIntent(PermissionSetProvisioning resource,
      Instant recordedAt, String... excludedRequestIds) {
    PermissionSetProvisioning created = create(resource);
    PermissionSetProvisioningStatus recorded = new PermissionSetProvisioningStatus();
    recorded.setPermissionSetId(resource.getSpec().getPermissionSetId());
    recorded.setPendingProvision(new PendingProvision(created.getMetadata().getGeneration(),
        recordedAt.truncatedTo(ChronoUnit.SECONDS).toString(), resource.getSpec().getPermissionSetId(),
        resource.getSpec().getTargetId()).excluding(List.of(excludedRequestIds)));
    created.setStatus(recorded);
    return client.resource(created).updateStatus();
  }

  @Test
  void aResourceDeletedWithAnUncertainIntentKeepsThePermissionSetBusyWhileTheRequestItMayHaveMadeRuns() {
    // B provisions the permission set; A waits behind it with an intent an earlier run may have sent: it did
    String ofB = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(OTHER_ACCOUNT), IN_PROGRESS);
    recordedInFlight(toAccount("b", READ_ONLY, OTHER_ACCOUNT), ofB);
    String ofA = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(ACCOUNT), IN_PROGRESS);
    PermissionSetProvisioning a = crashedAfterRecordingIntent(toAccount("a", READ_ONLY, ACCOUNT),
        Instant.now().minusSeconds(5));
    a.getStatus().setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus("False")
        .withReason("WaitingForPermissionSet").withMessage("waits").withObservedGeneration(1L)
        .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build()));
    client.resource(a).updateStatus();
    startOperator();
    awaitStatus("a", reason("WaitingForPermissionSet"));

    client.resource(current("a")).delete();
    create(toAccount("a", READ_ONLY, ACCOUNT));
    cloud.finish(ofB, SUCCEEDED);
    awaitStatus("b", reason("Provisioned"));
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.describeCalls().contains(ofA)
        || cloud.listCalls() > 10);
    cloud.finish(ofA, SUCCEEDED);

    PermissionSetProvisioning again = awaitStatus("a", status -> status.getRequestId() != null);
    assertThat(again.getStatus().getRequestId()).as("the deleted resource's request is not the new one's")
        .isNotEqualTo(ofA);
    assertThat(cloud.provisionCalls()).hasSize(1);
    assertThat(cloud.mostInFlightAtProvision()).as("provisioned while the deleted resource's request ran")
        .isZero();
  }

  @Test
  void aResourceDeletedWhileItsCallRunsKeepsThePermissionSetBusyWhenTheAnswerIsLost() throws InterruptedException {
    resourceWithALostAnswerIsDeleted(false);
  }

  @Test
  void aResourceDeletedAfterItsAnswerWasLostKeepsThePermissionSetBusy() throws InterruptedException {
    resourceWithALostAnswerIsDeleted(true);
  }

  /**
   * A resource's provision call is taken by the cloud, its answer lost, and the resource deleted (before or after the
   * answer came back) while another waits for the permission set: the other must not provision while the deleted
   * one's request runs, though the cloud's lists show that request only after a while.
   */
  private void resourceWithALostAnswerIsDeleted(boolean answerFirst) throws InterruptedException {
    CountDownLatch answers = new CountDownLatch(1);
    cloud.withListLag(Duration.ofSeconds(3)).holdProvisionAnswersUntil(answers)
        .onProvision(FakeIdentityCenter.Outcome.acceptedButAnswerLost(), status(SUCCEEDED));
    startOperator(Map.of(OperatorConfig.CLOUD_LIST_LAG, "4s"));
    create(toAccount("deleted", READ_ONLY, ACCOUNT));
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.provisionCalls().size() == 1);
    create(toAccount("next", READ_ONLY, OTHER_ACCOUNT));
    awaitStatus("next", reason("WaitingForPermissionSet"));

    if (answerFirst) {
      answers.countDown();
      awaitStatus("deleted", reason("CloudUnavailable"));
      client.resource(current("deleted")).delete();
    } else {
      client.resource(current("deleted")).delete();
      // the answer comes after the delete notification, as when the call waited for the rate limit
      Thread.sleep(300);
      answers.countDown();
    }

    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
        .until(() -> cloud.provisionCalls().size() == 1);
    cloud.finish(cloud.requestOf(READ_ONLY, ProvisioningTarget.account(ACCOUNT)).orElseThrow(), SUCCEEDED);
    awaitStatus("next", reason("Provisioned"));
    assertThat(cloud.mostInFlightAtProvision()).as("provisioned while the deleted resource's request ran")
        .isZero();
  }

  @Test
  void anIntentNeverTakesTheRequestOfADeletedResourceOfTheSameNameForItsOwn() {
    // the resource was deleted and created again; the new one recorded its intent, listing the old one's request
    String madeByTheDeleted = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(ACCOUNT), SUCCEEDED);
    crashedAfterRecordingIntent(toAccount("again", READ_ONLY, ACCOUNT), Instant.now().minusSeconds(5),
        madeByTheDeleted);

    startOperator();

    PermissionSetProvisioning done = awaitStatus("again", status -> status.getRequestId() != null);
    assertThat(done.getStatus().getRequestId()).isNotEqualTo(madeByTheDeleted);
    assertThat(cloud.provisionCalls()).hasSize(1);
  }

  @Test
  void anIntentLeftByACrashIsMatchedToTheRequestItMadeNotProvisionedAgain() {
    String made = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(ACCOUNT), IN_PROGRESS);
    String otherTarget = cloud.existingRequest(READ_ONLY, ProvisioningTarget.account(OTHER_ACCOUNT), IN_PROGRESS);
    crashedAfterRecordingIntent(toAccount("crashed", READ_ONLY, ACCOUNT), Instant.now().minusSeconds(5));

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
    crashedAfterRecordingIntent(toAccount("never-sent", READ_ONLY, ACCOUNT), Instant.now().minusSeconds(5));

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

    create(toAccount("lost-answer", READ_ONLY, ACCOUNT));

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

    create(toAccount("refused-once", READ_ONLY, ACCOUNT));

    awaitStatus("refused-once", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).hasSize(2);
    assertThat(cloud.listCalls()).isZero();
  }

  @Test
  void resourcesOfOnePermissionSetTakeTurnsInTheOrderTheyStartedWaiting() {
    startOperator();
    create(toAccount("turn-a", READ_ONLY, ACCOUNT));
    PermissionSetProvisioning first = awaitStatus("turn-a", status -> status.getRequestId() != null);
    create(toAccount("turn-c", READ_ONLY, SANDBOX));
    create(toAccount("turn-b", READ_ONLY, OTHER_ACCOUNT));

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
        .containsExactly(ACCOUNT, SANDBOX, OTHER_ACCOUNT);
  }

  @Test
  void aResourceWaitingForItsTurnLooksItsPermissionSetNameUpOnce() {
    startOperator();
    create(toAccount("holder", READ_ONLY, ACCOUNT));
    PermissionSetProvisioning holder = awaitStatus("holder", status -> status.getRequestId() != null);
    create(byName("by-name", READ_ONLY_NAME, OTHER_ACCOUNT));
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
    create(toAccount("verbose", READ_ONLY, ACCOUNT));
    String requestId = awaitStatus("verbose", status -> status.getRequestId() != null).getStatus().getRequestId();
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 2);

    cloud.fail(requestId, "The account is suspended. ".repeat(400));

    PermissionSetProvisioning failed = awaitStatus("verbose", reason("ProvisioningFailed"));
    assertThat(failed.getStatus().getFailureReason()).startsWith("The account is suspended.")
        .hasSize(ProvisioningDecisions.MAX_FAILURE_REASON + 1).endsWith("…");
  }

  @Test
  void aRequestInProgressPastTheDeadlineStallsAndStillReportsItsOutcome() {
    startOperator(Map.of(OperatorConfig.PROVISIONING_TIMEOUT, "1s"));

    create(toAccount("slow", READ_ONLY, ACCOUNT));

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
    teamConnection();
    create(usingTeamConnection(toAccount("late-secret", READ_ONLY, ACCOUNT)));
    awaitStatus("late-secret", reason("ConnectionNotReady"));

    TestConnections.secret(client, NAMESPACE, TEAM_SECRET, CloudCredentials.of("AKLATE", "sk-late"));

    awaitStatus("late-secret", reason("Provisioned"));
    assertThat(cloud.provisionCalls()).singleElement()
        .satisfies(call -> assertThat(call.credentials().accessKey()).isEqualTo("AKLATE"));
  }

  @Test
  void aResourceStalledUntilItsSpecChangesIsNotProvisionedAgainWhenWokenForAnotherReason() {
    cloud.onProvision(error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.ACCOUNT_NOT_FOUND,
        400, "IIC.1210", "Account not found.", null, null)));
    Secret secret = TestConnections.secret(client, NAMESPACE, TEAM_SECRET, TEAM_CREDENTIALS);
    teamConnection();
    startOperator();
    create(usingTeamConnection(toAccount("no-such-account", READ_ONLY, ACCOUNT)));
    awaitStatus("no-such-account", reason("AccountNotFound"));
    int checks = cloud.accessChecks();

    // a new resourceVersion of the Secret: the connection is checked again, and its status wakes its resources
    client.resource(new SecretBuilder(secret).editMetadata().addToLabels("rotated", "yes").withResourceVersion(null)
        .endMetadata().build()).update();
    await().atMost(AwaitStatus.TIMEOUT).until(() -> cloud.accessChecks() > checks);

    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> cloud.provisionCalls().size() == 1);
  }

}
