package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the Ready, Reconciling and Stalled conditions of a resource's status, with time from a Clock. */
public class ProvisioningStatusFactory {

  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  private final Clock clock;

  public ProvisioningStatusFactory(Clock clock) {
    this.clock = clock;
  }

  /** Now, at the second precision of Kubernetes timestamps. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  public Clock clock() {
    return clock;
  }

  /** Now, as exactly as the clock tells, for orderings finer than status timestamps can record. */
  public Instant exactNow() {
    return clock.instant();
  }

  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * Sets the three conditions for {@code reason} and marks the status as describing the resource's generation.
   * A condition keeps its lastTransitionTime while its status and reason stay the same, so an unchanged state
   * writes nothing and the time tells how long the state has lasted (retries back off from it).
   */
  public void apply(PermissionSetProvisioning resource, PermissionSetProvisioningStatus status,
      ConditionReason reason, String message) {
    Long generation = resource.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(status, READY, reason.ready(), reason, message, generation));
    conditions.add(condition(status, RECONCILING, reason.reconciling(), reason, message, generation));
    conditions.add(condition(status, STALLED, reason.stalled(), reason, message, generation));
    status.getConditions().stream()
        .filter(c -> !List.of(READY, RECONCILING, STALLED).contains(c.getType()))
        .forEach(conditions::add);
    status.setConditions(conditions);
  }

  /** Since when the resource has been in the state {@code reason}, or empty when it is not in it now. */
  public static Optional<Instant> inStateSince(PermissionSetProvisioningStatus status, ConditionReason reason) {
    return status.condition(READY)
        .filter(c -> reason.reason().equals(c.getReason()))
        .map(Condition::getLastTransitionTime)
        .map(Instant::parse);
  }

  private Condition condition(PermissionSetProvisioningStatus status, String type, boolean value,
      ConditionReason reason, String message, Long generation) {
    return condition(status.condition(type), type, value ? "True" : "False", reason.reason(), message, generation);
  }

  /**
   * The condition {@code type} as it is now. It keeps the {@code previous} lastTransitionTime while its status and
   * reason stay the same, so that an unchanged state writes nothing and the time tells how long it has lasted.
   */
  public Condition condition(Optional<Condition> previous, String type, String status, String reason,
      String message, Long generation) {
    String since = previous
        .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
        .map(Condition::getLastTransitionTime)
        .orElseGet(() -> timestamp(now()));
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
