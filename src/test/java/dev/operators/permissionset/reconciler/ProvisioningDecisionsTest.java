package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.api.v1alpha1.ReprovisionPolicy;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.drift.DriftFinding;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.reconciler.Decision.Action;
import dev.operators.permissionset.reconciler.Facts.Cloud;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.Provisionings;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reconciler's decisions as a table: a resource as stored, the facts observed for it, and what must come of it.
 * No JOSDK, no HTTP, a fixed clock.
 */
class ProvisioningDecisionsTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final String ACCOUNT = DemoWorld.PAYMENTS;
  private static final String PERMISSION_SET = DemoWorld.READ_ONLY;
  private static final ProvisioningStatusFactory STATUSES = new ProvisioningStatusFactory(
      Clock.fixed(NOW, ZoneOffset.UTC));
  private static final ProvisioningSchedule SCHEDULE = new ProvisioningSchedule(
      OperatorConfig.fromEnvironment(Map.of()).timing());
  private static final ProvisioningDecisions DECISIONS = new ProvisioningDecisions(STATUSES, SCHEDULE);

  /**
   * @param stored the resource as read, at generation 2 unless the row says otherwise
   * @param reason the Ready condition's reason after the decision, or null when status must not change at all
   */
  record Row(String name, PermissionSetProvisioning stored, Facts facts, Stage stage, List<Class<?>> actions,
      String reason, boolean decideAgain) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static final Facts.ConnectionProblem CONNECTION_BROKEN = new Facts.ConnectionProblem(
      ConditionReason.CONNECTION_NOT_READY_NEEDS_PERSON,
      "ClusterIdentityCenterConnection/default is not Ready (CredentialsUnavailable): Secret "
          + "permission-set-operator/identity-center is not there");

  static Stream<Row> table() {
    return Stream.of(
        new Row("a Ready resource needs nothing, not even its connection, and watches its permission set's drift",
            resource(s -> upToDate(provisioned(s, 2))), facts(), Stage.SETTLED, List.of(Action.WatchDrift.class), null,
            false),
        new Row("a FAILED request waits for a spec change",
            resource(s -> failed(s, 2)), facts(), Stage.SETTLED, List.of(), null, false),
        new Row("a new generation provisions: the intent is written first, and the call waits for that",
            resource(s -> provisioned(s, 1)),
            facts().with(new Cloud.PermissionSetResolved(PERMISSION_SET)).with(Turn.grant()),
            Stage.PROVISION, List.of(Action.IntentRecorded.class), "Provisioning", true),
        new Row("without its turn the resource waits in line",
            resource(s -> provisioned(s, 1)),
            facts().with(new Cloud.PermissionSetResolved(PERMISSION_SET)).with(new Turn(false, 1, false)),
            Stage.PROVISION, List.of(), "WaitingForPermissionSet", false),
        new Row("a connection that breaks while provisioning gives up the turn",
            resource(s -> provisioned(s, 1)), facts().withConnectionProblem(CONNECTION_BROKEN),
            Stage.PROVISION, List.of(Action.LeaveTurn.class), "ConnectionNotReady", false),
        new Row("a recorded intent with its turn starts the call",
            resource(s -> pending(s, 2)), facts().with(Turn.grant()),
            Stage.CARRY_OUT_INTENT, List.of(Action.StartCall.class), "Provisioning", false),
        new Row("an uncertain intent whose connection needs a person keeps the intent and gives up the turn",
            resource(s -> pending(s, 2)), facts().withConnectionProblem(CONNECTION_BROKEN),
            Stage.CARRY_OUT_INTENT, List.of(Action.LeaveTurn.class), "ConnectionNotReady", false),
        new Row("an uncertain intent whose connection is being checked keeps the turn: the earlier attempt may be "
            + "in flight",
            resource(s -> pending(s, 2)), facts().withConnectionProblem(new Facts.ConnectionProblem(
                ConditionReason.CONNECTION_NOT_READY, "being checked")),
            Stage.CARRY_OUT_INTENT, List.of(), "ConnectionNotReady", false),
        new Row("an uncertain intent whose namespace the connection no longer admits gives up the turn",
            resource(s -> pending(s, 2)), facts().withConnectionProblem(new Facts.ConnectionProblem(
                ConditionReason.NAMESPACE_NOT_ALLOWED, "not admitted")),
            Stage.CARRY_OUT_INTENT, List.of(Action.LeaveTurn.class), "NamespaceNotAllowed", false),
        new Row("a request in flight keeps its turn while the connection is broken: the cloud is still busy",
            resource(s -> inFlight(s, 2)), facts().withConnectionProblem(CONNECTION_BROKEN),
            Stage.FOLLOW, List.of(), "ConnectionNotReady", false),
        new Row("a call on its way is waited for",
            resource(s -> pending(s, 2)), facts(true, Optional.empty()),
            Stage.AWAIT_CALL, List.of(), "Provisioning", false),
        new Row("an answer is recorded in status and kept until that status is read back",
            resource(s -> pending(s, 2)), facts(false, answer(2, inProgress())),
            Stage.RECORD_ANSWER, List.of(), "Provisioning", true),
        new Row("once the status read back records the request, the answer is let go",
            resource(s -> inFlight(s, 2)), facts(false, answer(2, inProgress()))
                .with(new Cloud.RequestInFlight("IN_PROGRESS")),
            Stage.FOLLOW, List.of(Action.ReleaseAnswer.class), "Provisioning", false),
        new Row("the answer for a generation the spec has left is recorded as that generation's request",
            resource(s -> pending(s, 1)), facts(false, answer(1, inProgress())),
            Stage.RECORD_ANSWER, List.of(), "Provisioning", true),
        new Row("an earlier generation's request in flight goes first: no provisioning for this one yet",
            resource(s -> inFlight(s, 1)), facts().with(new Cloud.RequestInFlight("IN_PROGRESS")),
            Stage.FOLLOW, List.of(), "Provisioning", false),
        new Row("an earlier generation's request that finished makes way for this one, which decides again",
            resource(s -> inFlight(s, 1)), facts().with(new Cloud.RequestFinished(request(ProvisioningStatus.SUCCEEDED))),
            Stage.FOLLOW, List.of(Action.LeaveTurn.class), null, true),
        new Row("an intent of a generation the spec has left is only looked for, never sent",
            resource(s -> pending(s, 1)), facts().with(Turn.grant()),
            Stage.CARRY_OUT_INTENT, List.of(Action.StartCall.class), "Provisioning", false),
        new Row("an earlier attempt the cloud's lists cannot show yet is looked for again later",
            resource(s -> pending(s, 2)), facts(false, answer(2, new CallOutcome.NotListedYet(NOW.plusSeconds(5)))),
            Stage.RECORD_ANSWER, List.of(Action.ReleaseAnswer.class), "Provisioning", false),
        new Row("a certain refusal forgets the intent and gives up the turn",
            resource(s -> pending(s, 2)), facts(false, answer(2, new CallOutcome.Failed(error(
                ErrorCategory.INVALID_REQUEST)))),
            Stage.RECORD_ANSWER, List.of(Action.LeaveTurn.class, Action.ReleaseAnswer.class), "RequestRejected",
            false),
        new Row("a lost answer keeps the intent (uncertain) and the turn",
            resource(s -> pending(s, 2)), facts(false, answer(2, new CallOutcome.Failed(error(
                ErrorCategory.UNAVAILABLE)))),
            Stage.RECORD_ANSWER, List.of(Action.BackOff.class, Action.ReleaseAnswer.class), "CloudUnavailable",
            false),
        new Row("an intent whose call failed on something passing is not called again before its backoff ends, "
            + "whatever wakes the resource",
            resource(s -> pending(s, 2)), facts().withBackOffUntil(Optional.of(NOW.plusSeconds(3))),
            Stage.BACK_OFF, List.of(), null, false),
        new Row("once the backoff ended the intent is called again",
            resource(s -> pending(s, 2)), facts().withBackOffUntil(Optional.of(NOW.minusSeconds(1)))
                .with(Turn.grant()),
            Stage.CARRY_OUT_INTENT, List.of(Action.StartCall.class), "Provisioning", false),
        new Row("a request that finished is recorded, the turn passes on, and its drift is checked soon",
            resource(s -> inFlight(s, 2)), facts().with(new Cloud.RequestFinished(request(ProvisioningStatus.SUCCEEDED))),
            Stage.FOLLOW, List.of(Action.LeaveTurn.class, Action.WatchDrift.class, Action.CheckDriftSoon.class),
            "Provisioned", false),
        new Row("a permission set not found a moment ago is not looked for yet",
            resource(s -> notFound(s, 2, NOW.minusSeconds(30))), facts(),
            Stage.LOOK_AGAIN_LATER, List.of(), null, false),
        new Row("a permission set not found a while ago is looked for again, without a spec change",
            resource(s -> notFound(s, 2, NOW.minusSeconds(61))),
            facts().with(new Cloud.PermissionSetResolved(PERMISSION_SET)).with(Turn.grant()),
            Stage.PROVISION, List.of(Action.IntentRecorded.class), "Provisioning", true),
        new Row("an invalid spec stalls and gives up the turn",
            invalid(resource(s -> provisioned(s, 1))), Facts.of(NOW, Optional.of("spec.instanceId is required"), Optional.empty(), false),
            Stage.INVALID_SPEC, List.of(Action.LeaveTurn.class), "InvalidSpec", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(Row row) {
    assertThat(Stage.of(row.stored(), row.facts(), SCHEDULE)).isEqualTo(row.stage());

    Decision decision = DECISIONS.decide(row.stored(), row.facts());

    assertThat(decision.actions()).map(Object::getClass).containsExactlyElementsOf(row.actions());
    assertThat(decision.decideAgainOnceWritten()).isEqualTo(row.decideAgain());
    if (row.reason() == null) {
      assertThat(decision.status().getConditions()).isEqualTo(row.stored().getStatus().getConditions());
    } else {
      assertThat(decision.status().condition("Ready")).hasValueSatisfying(ready ->
          assertThat(ready.getReason()).isEqualTo(row.reason()));
      assertThat(decision.status().getObservedGeneration()).isEqualTo(2L);
    }
  }

  /**
   * @param upToDate the UpToDate condition's reason after the decision
   * @param then what else the status must show
   */
  record DriftRow(String name, PermissionSetProvisioning stored, Facts facts, Stage stage, List<Class<?>> actions,
      String upToDate, boolean decideAgain, Consumer<PermissionSetProvisioningStatus> then) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static final String DRIFT_SEEN = "2026-06-01T11:30:00Z";
  private static final String TOKEN = "2026-06-01T11:58:00Z";

  static Stream<DriftRow> driftTable() {
    return Stream.of(
        new DriftRow("a check older than the provisioning changes nothing",
            resource(s -> upToDate(provisioned(s, 2))),
            facts().withDrift(checked(NOW.minus(Duration.ofHours(2)), ACCOUNT)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.LATEST, false,
            status -> assertThat(status.getLastDriftCheck()).isNull()),
        new DriftRow("a check from the second the provisioning finished in may have asked before it finished: with "
            + "Automatic it provisions nothing",
            automatic(resource(s -> provisioned(s, 2))),
            facts().withDrift(checked(Instant.parse("2026-06-01T11:00:05.400Z"), ACCOUNT)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHECKING, false,
            status -> assertThat(status.getOutOfDateSince()).isNull()),
        new DriftRow("a check from the next second counts: a new drift, apart from the one provisioned for",
            automatic(resource(s -> {
              provisioned(s, 2).setLastHandledDriftAt("2026-06-01T11:00:04Z");
              return s;
            })),
            facts().withDrift(checked(Instant.parse("2026-06-01T11:00:06Z"), ACCOUNT)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHANGED, true,
            status -> assertThat(status.getOutOfDateSince()).isEqualTo("2026-06-01T11:00:06Z")),
        new DriftRow("a provisioned resource without a check yet shows UpToDate Unknown",
            resource(s -> provisioned(s, 2)), facts(),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHECKING, false,
            status -> assertThat(status.getOutOfDateSince()).isNull()),
        new DriftRow("an out-of-date account is reported, and with Manual nothing is provisioned",
            resource(s -> upToDate(provisioned(s, 2))), facts().withDrift(checked(NOW, "111122223333", ACCOUNT)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHANGED, false, status -> {
              assertThat(status.getOutOfDateSince()).isEqualTo("2026-06-01T12:00:00Z");
              assertThat(status.getLastDriftCheck()).isEqualTo("2026-06-01T12:00:00Z");
              assertThat(status.condition("UpToDate").orElseThrow().getMessage())
                  .contains("account " + ACCOUNT + " holds an out-of-date copy")
                  .contains("kubectl annotate psprov -n platform readonly " + REPROVISION_ANNOTATION);
            }),
        new DriftRow("another account out of date is not this resource's drift",
            resource(s -> upToDate(provisioned(s, 2))), facts().withDrift(checked(NOW, "111122223333")),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.LATEST, false,
            status -> assertThat(status.getLastDriftCheck()).isEqualTo("2026-06-01T12:00:00Z")),
        new DriftRow("with Automatic, a drift found is written and decided again",
            automatic(resource(s -> upToDate(provisioned(s, 2)))), facts().withDrift(checked(NOW, ACCOUNT)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHANGED, true,
            status -> assertThat(status.getPendingProvision()).isNull()),
        new DriftRow("with Automatic, a drift no provisioning answered provisions again, marked as handled",
            automatic(resource(s -> outOfDate(provisioned(s, 2)))),
            facts().with(new Cloud.PermissionSetResolved(PERMISSION_SET)).with(Turn.grant()),
            Stage.PROVISION, List.of(Action.IntentRecorded.class), DriftStatus.CHANGED, true, status -> {
              assertThat(status.getPendingProvision().getTrigger()).isEqualTo(ProvisioningTrigger.Drift);
              assertThat(status.getPendingProvision().getGeneration()).isEqualTo(2L);
              assertThat(status.getLastHandledDriftAt()).isEqualTo(DRIFT_SEEN);
              assertThat(status.getPendingProvision().getExcludedRequestIds()).as("the request before it")
                  .containsExactly("req-0");
            }),
        new DriftRow("a drift provisioned for once is not provisioned again",
            automatic(resource(s -> handled(outOfDate(provisioned(s, 2))))), facts().withDrift(checked(NOW, ACCOUNT)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHANGED, false,
            status -> assertThat(status.condition("UpToDate").orElseThrow().getMessage())
                .contains("provisioned it again for this change")),
        new DriftRow("nor after that provisioning FAILED",
            automatic(resource(s -> handled(outOfDate(failed(s, 2))))), facts(),
            Stage.SETTLED, List.of(), DriftStatus.CHANGED, false,
            status -> assertThat(status.getPendingProvision()).isNull()),
        new DriftRow("a check that fails makes UpToDate Unknown and keeps the drift",
            resource(s -> outOfDate(provisioned(s, 2))),
            facts().withDrift(Optional.of(new DriftFinding.Failed(NOW, "ListAccountsForProvisionedPermissionSet "
                + "failed with HTTP 429."))),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHECK_FAILED, false,
            status -> assertThat(status.getOutOfDateSince()).isEqualTo(DRIFT_SEEN)),
        new DriftRow("up to date again, the drift is over",
            resource(s -> outOfDate(provisioned(s, 2))), facts().withDrift(checked(NOW)),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.LATEST, false,
            status -> assertThat(status.getOutOfDateSince()).isNull()),
        new DriftRow("to all provisioned accounts, out of date when any account is",
            allAccounts(resource(s -> upToDate(provisioned(s, 2)))),
            facts().withDrift(checked(NOW, "100000000001", "100000000002", "100000000003", "100000000004",
                "100000000005", "100000000006", "100000000007")),
            Stage.SETTLED, List.of(Action.WatchDrift.class), DriftStatus.CHANGED, false,
            status -> assertThat(status.condition("UpToDate").orElseThrow().getMessage())
                .contains("7 accounts hold (100000000001, 100000000002, 100000000003, 100000000004, 100000000005 and "
                    + "2 more) an out-of-date copy")),
        new DriftRow("the annotation provisions a FAILED generation again",
            annotated(resource(s -> failed(s, 2)), TOKEN),
            facts().with(new Cloud.PermissionSetResolved(PERMISSION_SET)).with(Turn.grant()),
            Stage.PROVISION, List.of(Action.IntentRecorded.class), null, true, status -> {
              assertThat(status.getPendingProvision().getTrigger()).isEqualTo(ProvisioningTrigger.Annotation);
              assertThat(status.getPendingProvision().getReprovisionToken()).isEqualTo(TOKEN);
            }),
        new DriftRow("a value of the annotation already answered does nothing",
            annotated(resource(s -> answered(failed(s, 2), TOKEN)), TOKEN), facts(),
            Stage.SETTLED, List.of(), null, false, status -> assertThat(status.getPendingProvision()).isNull()),
        new DriftRow("a request that finished records the value of the annotation it answered",
            annotated(resource(s -> answering(inFlight(s, 2), TOKEN)), TOKEN),
            facts().with(new Cloud.RequestFinished(request(ProvisioningStatus.FAILED))),
            Stage.FOLLOW, List.of(Action.LeaveTurn.class, Action.CheckDriftSoon.class), null, false,
            status -> assertThat(status.getLastHandledReprovisionAt()).isEqualTo(TOKEN)),
        new DriftRow("the answer of the generation's last provisioning is let go before it is provisioned again",
            annotated(resource(s -> upToDate(provisioned(s, 2))), TOKEN),
            facts(false, answer(2, inProgress())).with(new Cloud.PermissionSetResolved(PERMISSION_SET))
                .with(Turn.grant()),
            Stage.PROVISION, List.of(Action.ReleaseAnswer.class), DriftStatus.LATEST, true,
            status -> assertThat(status.getPendingProvision()).isNull()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("driftTable")
  void decidesOnDriftAndRequests(DriftRow row) {
    assertThat(Stage.of(row.stored(), row.facts(), SCHEDULE)).isEqualTo(row.stage());

    Decision decision = DECISIONS.decide(row.stored(), row.facts());

    assertThat(decision.actions()).map(Object::getClass).containsExactlyElementsOf(row.actions());
    assertThat(decision.decideAgainOnceWritten()).isEqualTo(row.decideAgain());
    if (row.upToDate() != null) {
      assertThat(decision.status().condition("UpToDate")).hasValueSatisfying(upToDate ->
          assertThat(upToDate.getReason()).isEqualTo(row.upToDate()));
    }
    row.then().accept(decision.status());
  }

  private static Optional<DriftFinding> checked(Instant at, String... outOfDate) {
    return Optional.of(new DriftFinding.Checked(at, List.of(outOfDate)));
  }

  private static PermissionSetProvisioningStatus upToDate(PermissionSetProvisioningStatus status) {
    status.getConditions().add(new ConditionBuilder().withType("UpToDate").withStatus("True")
        .withReason(DriftStatus.LATEST).withMessage("Account " + ACCOUNT + " holds its latest version.")
        .withObservedGeneration(2L).withLastTransitionTime("2026-06-01T11:00:10Z").build());
    return status;
  }

  private static PermissionSetProvisioningStatus outOfDate(PermissionSetProvisioningStatus status) {
    status.setOutOfDateSince(DRIFT_SEEN);
    status.setLastDriftCheck(DRIFT_SEEN);
    status.getConditions().add(new ConditionBuilder().withType("UpToDate").withStatus("False")
        .withReason(DriftStatus.CHANGED).withMessage("changed").withObservedGeneration(2L)
        .withLastTransitionTime(DRIFT_SEEN).build());
    return status;
  }

  private static PermissionSetProvisioningStatus handled(PermissionSetProvisioningStatus status) {
    status.setLastHandledDriftAt(status.getOutOfDateSince());
    return status;
  }

  private static PermissionSetProvisioningStatus answered(PermissionSetProvisioningStatus status, String token) {
    status.setLastHandledReprovisionAt(token);
    return status;
  }

  private static PermissionSetProvisioningStatus answering(PermissionSetProvisioningStatus status, String token) {
    status.setRequestReprovisionToken(token);
    status.setRequestTrigger(ProvisioningTrigger.Annotation);
    return status;
  }

  private static PermissionSetProvisioning automatic(PermissionSetProvisioning resource) {
    resource.getSpec().setReprovisionPolicy(ReprovisionPolicy.Automatic);
    return resource;
  }

  private static PermissionSetProvisioning allAccounts(PermissionSetProvisioning resource) {
    resource.getSpec().setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS);
    resource.getSpec().setTargetId(null);
    resource.getStatus().setAccountId(null);
    return resource;
  }

  private static PermissionSetProvisioning annotated(PermissionSetProvisioning resource, String token) {
    resource.getMetadata().setAnnotations(Map.of(REPROVISION_ANNOTATION, token));
    return resource;
  }

  private static final String REPROVISION_ANNOTATION = PermissionSetProvisioning.REPROVISION_REQUESTED_AT;

  @Test
  void aNewIntentListsTheRequestsOfDeletedResourcesSoThatNoRecoveryTakesThemAfterARestart() {
    Facts facts = facts().with(new Cloud.PermissionSetResolved(PERMISSION_SET)).with(Turn.grant())
        .withRequestsOfDeleted(Set.of("req-of-deleted-2", "req-of-deleted-1"));

    Decision decision = DECISIONS.decide(resource(s -> provisioned(s, 1)), facts);

    assertThat(decision.status().getPendingProvision().getExcludedRequestIds())
        .containsExactly("req-of-deleted-1", "req-of-deleted-2");
  }

  static Stream<Arguments> everyRow() {
    return Stream.concat(table().map(row -> Arguments.of(row.name(), row.stored(), row.facts(), row.stage())),
        driftTable().map(row -> Arguments.of(row.name(), row.stored(), row.facts(), row.stage())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRow")
  void neverLosesAnIntentWhileItsCallMayBeInFlight(String name, PermissionSetProvisioning stored, Facts facts,
      Stage stage) {
    PendingProvision pending = stored.getStatus() == null ? null : stored.getStatus().getPendingProvision();
    Decision decision = DECISIONS.decide(stored, facts);
    boolean certainlyNothingSent = facts.answer().map(answer -> answer.outcome() instanceof CallOutcome.Requested
        || answer.outcome() instanceof CallOutcome.NothingSent
        || (answer.outcome() instanceof CallOutcome.Failed failed && !failed.error().category().mayHaveTakenEffect()))
        .orElse(false) || stage == Stage.INVALID_SPEC;
    if (pending != null && !certainlyNothingSent) {
      assertThat(decision.status().getPendingProvision()).isEqualTo(pending);
    }
  }

  private static PermissionSetProvisioning resource(UnaryOperator<PermissionSetProvisioningStatus> status) {
    PermissionSetProvisioning resource = Provisionings.toAccount("readonly", PERMISSION_SET, ACCOUNT);
    resource.getMetadata().setGeneration(2L);
    resource.getMetadata().setUid("uid-1");
    resource.setStatus(status.apply(new PermissionSetProvisioningStatus()));
    return resource;
  }

  private static PermissionSetProvisioning invalid(PermissionSetProvisioning resource) {
    resource.getSpec().setInstanceId(null);
    return resource;
  }

  private static Facts facts() {
    return facts(false, Optional.empty());
  }

  private static Facts facts(boolean callRunning, Optional<ProvisionCalls.Answer> answer) {
    return Facts.of(NOW, Optional.empty(), answer, callRunning);
  }

  private static Optional<ProvisionCalls.Answer> answer(long generation, CallOutcome outcome) {
    return Optional.of(new ProvisionCalls.Answer(generation, outcome));
  }

  private static CallOutcome inProgress() {
    return new CallOutcome.Requested(request(ProvisioningStatus.IN_PROGRESS));
  }

  private static ProvisioningRequest request(ProvisioningStatus status) {
    return new ProvisioningRequest("req-1", status, status.name(), Optional.empty(), Optional.of(PERMISSION_SET),
        Optional.of(ACCOUNT), Optional.empty());
  }

  private static IdentityCenterException error(ErrorCategory category) {
    return new IdentityCenterException("ProvisionPermissionSet", category, 400, "IIC.400", "rejected", null, null);
  }

  private static PermissionSetProvisioningStatus withReason(PermissionSetProvisioningStatus status, long generation,
      ConditionReason reason, Instant since) {
    PermissionSetProvisioning at = Provisionings.toAccount("readonly", PERMISSION_SET, ACCOUNT);
    at.getMetadata().setGeneration(generation);
    new ProvisioningStatusFactory(Clock.fixed(since, ZoneOffset.UTC)).apply(at, status, reason, "before");
    return status;
  }

  private static PermissionSetProvisioningStatus provisioned(PermissionSetProvisioningStatus status, long generation) {
    status.setRequestId("req-0");
    status.setRequestGeneration(generation);
    status.setProvisioningStatus("SUCCEEDED");
    status.setPermissionSetId(PERMISSION_SET);
    status.setAccountId(ACCOUNT);
    status.setRequestedAt("2026-06-01T11:00:00Z");
    status.setCompletedAt("2026-06-01T11:00:05Z");
    return withReason(status, generation, ConditionReason.PROVISIONED, NOW.minus(Duration.ofHours(1)));
  }

  private static PermissionSetProvisioningStatus failed(PermissionSetProvisioningStatus status, long generation) {
    provisioned(status, generation).setProvisioningStatus("FAILED");
    return withReason(status, generation, ConditionReason.PROVISIONING_FAILED, NOW.minus(Duration.ofHours(1)));
  }

  private static PermissionSetProvisioningStatus pending(PermissionSetProvisioningStatus status, long generation) {
    status.setPendingProvision(new PendingProvision(generation, "2026-06-01T11:59:50Z", PERMISSION_SET, ACCOUNT));
    return withReason(status, generation, ConditionReason.PROVISIONING, NOW.minusSeconds(10));
  }

  private static PermissionSetProvisioningStatus inFlight(PermissionSetProvisioningStatus status, long generation) {
    status.setRequestId("req-1");
    status.setRequestGeneration(generation);
    status.setProvisioningStatus("IN_PROGRESS");
    status.setPermissionSetId(PERMISSION_SET);
    status.setAccountId(ACCOUNT);
    status.setRequestedAt("2026-06-01T11:59:50Z");
    return withReason(status, generation, ConditionReason.PROVISIONING, NOW.minusSeconds(10));
  }

  private static PermissionSetProvisioningStatus notFound(PermissionSetProvisioningStatus status, long generation,
      Instant since) {
    return withReason(status, generation, ConditionReason.PERMISSION_SET_NOT_FOUND, since);
  }
}
