package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource entered a state: its Ready condition changed reason, a new provisioning request was made, or a new
 * generation of the spec landed in the same state with a different message. Retries that leave the state as it
 * was are no transition, so whatever reacts to transitions (events, metrics) does not repeat itself.
 *
 * @param from the state before, empty on the first visit
 * @param to the state now
 * @param message the Ready condition's message, which names the request and the cause; never a secret
 */
public record StatusTransition(Optional<ConditionReason> from, ConditionReason to, String message,
    PermissionSetProvisioningStatus status) {

  public StatusTransition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(status, "status");
  }

  /** The transition from {@code before} to {@code after}, or empty when {@code after} is no new state. */
  public static Optional<StatusTransition> between(PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after) {
    Optional<Condition> ready = after.condition(ProvisioningStatusFactory.READY);
    Optional<ConditionReason> to = ready.flatMap(c -> reason(c.getReason()));
    if (to.isEmpty()) {
      return Optional.empty();
    }
    Optional<Condition> wasReady = before.condition(ProvisioningStatusFactory.READY);
    Optional<ConditionReason> from = wasReady.flatMap(c -> reason(c.getReason()));
    boolean newState = from.isEmpty() || from.get() != to.get();
    boolean newRequest = after.getRequestId() != null && !after.getRequestId().equals(before.getRequestId());
    boolean newGenerationNewMessage = !Objects.equals(before.getObservedGeneration(), after.getObservedGeneration())
        && !Objects.equals(wasReady.map(Condition::getMessage), ready.map(Condition::getMessage));
    if (!newState && !newRequest && !newGenerationNewMessage) {
      return Optional.empty();
    }
    String message = ready.map(Condition::getMessage).orElse("");
    return Optional.of(new StatusTransition(from, to.get(), message, after));
  }

  /** The request finished, SUCCEEDED or FAILED, in this transition. */
  public boolean requestFinished() {
    return to == ConditionReason.PROVISIONED || to == ConditionReason.PROVISIONING_FAILED;
  }

  /** From the request to its end, when the request finished in this transition and both times are known. */
  public Optional<Duration> requestDuration() {
    if (!requestFinished() || status.getRequestedAt() == null || status.getCompletedAt() == null) {
      return Optional.empty();
    }
    Duration duration = Duration.between(Instant.parse(status.getRequestedAt()),
        Instant.parse(status.getCompletedAt()));
    return duration.isNegative() ? Optional.empty() : Optional.of(duration);
  }

  private static Optional<ConditionReason> reason(String text) {
    return Arrays.stream(ConditionReason.values()).filter(r -> r.reason().equals(text)).findFirst();
  }
}
