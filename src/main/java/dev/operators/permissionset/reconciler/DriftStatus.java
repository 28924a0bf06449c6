package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ReprovisionPolicy;
import dev.operators.permissionset.drift.DriftFinding;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The UpToDate condition of a provisioned resource: whether its target holds the latest version of the permission
 * set, as the drift checks found, with {@code lastDriftCheck} and {@code outOfDateSince}. Ready stays about the
 * current generation's provisioning; UpToDate is about what changed in the cloud since.
 */
final class DriftStatus {

  static final String UP_TO_DATE = "UpToDate";
  /** True: the target holds the latest version. */
  static final String LATEST = "LatestPermissionSet";
  /** False: the permission set changed after it was provisioned. */
  static final String CHANGED = "PermissionSetChanged";
  /** Unknown: not checked since the provisioning yet. */
  static final String CHECKING = "Checking";
  /** Unknown: the check could not be made. */
  static final String CHECK_FAILED = "CheckFailed";
  static final int ACCOUNTS_SHOWN = 5;
  /**
   * Status timestamps keep whole seconds: a check that started in the second {@code completedAt} names may have asked
   * before the provisioning finished, so only a check from a later second tells what the provisioning left.
   */
  static final Duration TIMESTAMP_PRECISION = Duration.ofSeconds(1);

  private final ProvisioningStatusFactory statuses;

  DriftStatus(ProvisioningStatusFactory statuses) {
    this.statuses = statuses;
  }

  /** Just provisioned: whatever an earlier check found is over, and the check after the provisioning is awaited. */
  void provisioned(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next) {
    next.setOutOfDateSince(null);
    set(resource, next, "Unknown", CHECKING, "Checking whether the target holds the latest version of permission "
        + "set " + next.getPermissionSetId() + ", as the operator does after each provisioning.");
  }

  /**
   * What the permission set's last check found, for a provisioned resource. A check that may be older than the
   * provisioning changes nothing, so the condition an earlier process wrote stays until this one has checked.
   *
   * @param accountId the target account, or null for all accounts the permission set is provisioned to
   */
  void apply(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next, String accountId,
      Optional<DriftFinding> finding) {
    Instant surelyProvisioned = Instant.parse(Objects.requireNonNull(next.getCompletedAt(), "completedAt"))
        .plus(TIMESTAMP_PRECISION);
    if (finding.isEmpty() || finding.get().at().isBefore(surelyProvisioned)) {
      if (next.condition(UP_TO_DATE).isEmpty()) {
        provisioned(resource, next);
      }
      return;
    }
    String permissionSet = next.getPermissionSetId();
    if (finding.get() instanceof DriftFinding.Failed failed) {
      set(resource, next, "Unknown", CHECK_FAILED, "Could not check whether the target holds the latest version "
          + "of permission set " + permissionSet + ": " + failed.reason() + " The operator checks again "
          + "(DRIFT_CHECK_INTERVAL).");
      return;
    }
    DriftFinding.Checked checked = (DriftFinding.Checked) finding.get();
    next.setLastDriftCheck(ProvisioningStatusFactory.timestamp(checked.at()));
    List<String> outOfDate = accountId == null ? checked.outOfDateAccounts()
        : checked.outOfDate(accountId) ? List.of(accountId) : List.of();
    if (outOfDate.isEmpty()) {
      next.setOutOfDateSince(null);
      set(resource, next, "True", LATEST, (accountId == null ? "Every account permission set " + permissionSet
          + " is provisioned to holds" : "Account " + accountId + " holds") + " its latest version.");
      return;
    }
    if (next.getOutOfDateSince() == null) {
      next.setOutOfDateSince(ProvisioningStatusFactory.timestamp(checked.at()));
    }
    set(resource, next, "False", CHANGED, "Permission set " + permissionSet + " changed after it was provisioned: "
        + accounts(outOfDate) + " an out-of-date copy. " + whatNext(resource, next));
  }

  private static String accounts(List<String> outOfDate) {
    if (outOfDate.size() == 1) {
      return "account " + outOfDate.get(0) + " holds";
    }
    String shown = String.join(", ", outOfDate.subList(0, Math.min(ACCOUNTS_SHOWN, outOfDate.size())));
    return outOfDate.size() + " accounts hold" + " (" + shown
        + (outOfDate.size() > ACCOUNTS_SHOWN ? " and " + (outOfDate.size() - ACCOUNTS_SHOWN) + " more" : "") + ")";
  }

  private static String whatNext(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next) {
    String annotate = "kubectl annotate psprov -n " + resource.getMetadata().getNamespace() + " "
        + resource.getMetadata().getName() + " " + PermissionSetProvisioning.REPROVISION_REQUESTED_AT
        + "=\"$(date +%s)\" --overwrite";
    if (resource.getSpec().effectiveReprovisionPolicy() == ReprovisionPolicy.Manual) {
      return "Provision it again with " + annotate + ", or set spec.reprovisionPolicy: Automatic.";
    }
    return Objects.equals(next.getOutOfDateSince(), next.getLastHandledDriftAt())
        ? "The operator provisioned it again for this change; to try once more: " + annotate + "."
        : "The operator provisions it again (reprovisionPolicy Automatic).";
  }

  private void set(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next, String status,
      String reason, String message) {
    List<Condition> conditions = new ArrayList<>(next.getConditions());
    conditions.removeIf(condition -> UP_TO_DATE.equals(condition.getType()));
    conditions.add(statuses.condition(next.condition(UP_TO_DATE), UP_TO_DATE, status, reason, message,
        resource.getMetadata().getGeneration()));
    next.setConditions(conditions);
  }
}
