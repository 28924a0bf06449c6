package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.drift.DriftGroup;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reconcile decided: the status to write, what to do besides, and when to come back (no delay: the resource
 * needs nothing until it changes or is woken).
 *
 * @param decideAgainOnceWritten the status records what the reconciler is about to do (an intent, or a request that
 *     must be followed), so it must be stored before the reconciler goes on from it
 */
record Decision(PermissionSetProvisioningStatus status, List<Action> actions, Optional<Duration> comeBackAfter,
    boolean decideAgainOnceWritten) {

  Decision {
    actions = List.copyOf(actions);
  }

  /** Something to do besides writing status; carried out only once the decision is made, in this order. */
  sealed interface Action {

    /** The resource has nothing in flight: its turn at the permission set passes on. */
    record LeaveTurn() implements Action {
    }

    /** The status now records the call's answer, or no longer needs it: memory lets go of it. */
    record ReleaseAnswer() implements Action {
    }

    /** The intent's call failed on something passing: it is not made again for this long, whatever wakes the resource. */
    record BackOff(Duration duration) implements Action {
    }

    /** The intent is written and nothing was sent for it: the call may go without asking the cloud first. */
    record IntentRecorded(long generation) implements Action {
    }

    /**
     * Carry out the recorded intent: look for the request an earlier attempt may have made, and, when
     * {@code sendIfAbsent}, provision when there is none.
     */
    record StartCall(boolean sendIfAbsent) implements Action {
    }

    /**
     * The resource is provisioned: it watches its permission set's drift checks (and, lacking this action, watches
     * none).
     */
    record WatchDrift(DriftGroup group) implements Action {
    }

    /** A provisioning of the permission set finished: its drift is checked soon. */
    record CheckDriftSoon(DriftGroup group) implements Action {
    }
  }

  static Decision settled(PermissionSetProvisioningStatus status) {
    return new Decision(status, List.of(), Optional.empty(), false);
  }

  static Decision comeBack(PermissionSetProvisioningStatus status, Duration after) {
    return new Decision(status, List.of(), Optional.of(after), false);
  }

  static Decision writeThenDecideAgain(PermissionSetProvisioningStatus status) {
    return new Decision(status, List.of(), Optional.empty(), true);
  }

  Decision with(Action action) {
    List<Action> more = new ArrayList<>(actions);
    more.add(action);
    return new Decision(status, more, comeBackAfter, decideAgainOnceWritten);
  }

  /** The same decision, with {@code action} carried out before the others. */
  Decision first(Action action) {
    List<Action> more = new ArrayList<>();
    more.add(action);
    more.addAll(actions);
    return new Decision(status, more, comeBackAfter, decideAgainOnceWritten);
  }
}
