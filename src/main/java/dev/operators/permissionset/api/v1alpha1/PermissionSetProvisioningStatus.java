package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PermissionSetProvisioningStatus {

  @JsonPropertyDescription("The metadata.generation this status describes. When it is behind metadata.generation, "
      + "the operator has not yet acted on the latest spec.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready is True once the permission set is provisioned for the current generation. "
      + "Reconciling is True while a request is in flight or being retried. Stalled is True when provisioning "
      + "failed or the spec cannot work; it needs a spec change or outside action.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("ID of the permission set being provisioned, resolved from spec.permissionSetName "
      + "when the spec names it.")
  private String permissionSetId;

  @JsonPropertyDescription("Account the permission set is provisioned to, as the cloud reported it.")
  private String accountId;

  @JsonPropertyDescription("request_id of the provisioning request made for requestGeneration.")
  private String requestId;

  @JsonPropertyDescription("The metadata.generation that requestId was made for. A newer generation makes a new request.")
  private Long requestGeneration;

  @JsonPropertyDescription("Status of the provisioning request as the cloud reported it: IN_PROGRESS, SUCCEEDED or FAILED.")
  private String provisioningStatus;

  @JsonPropertyDescription("Why the cloud failed the provisioning request (its failure_reason).")
  private String failureReason;

  @JsonPropertyDescription("When the provisioning request was made (RFC 3339).")
  private String requestedAt;

  @JsonPropertyDescription("When the operator saw the provisioning request finish, SUCCEEDED or FAILED (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription("What made the operator provision the request in requestId: Spec, Drift or Annotation.")
  private ProvisioningTrigger requestTrigger;

  @JsonPropertyDescription("The reprovision-requested-at annotation value the request in requestId answers, if any.")
  private String requestReprovisionToken;

  @JsonPropertyDescription("The last value of the identitycenter.operators.dev/reprovision-requested-at annotation the "
      + "operator acted on: set when the provisioning it asked for finished, SUCCEEDED or FAILED.")
  private String lastHandledReprovisionAt;

  @JsonPropertyDescription("When the operator last asked the cloud which accounts hold an out-of-date copy of the "
      + "permission set (RFC 3339).")
  private String lastDriftCheck;

  @JsonPropertyDescription("Since when the target holds an out-of-date copy of the permission set, as the drift checks "
      + "found (RFC 3339); absent while it is up to date.")
  private String outOfDateSince;

  @JsonPropertyDescription("The outOfDateSince of the last drift the operator provisioned again for (reprovisionPolicy "
      + "Automatic): each drift is provisioned once, also when that provisioning FAILED.")
  private String lastHandledDriftAt;

  @JsonPropertyDescription("Set while a provision call for the current generation is about to be made or was made "
      + "without its request ID being recorded yet; cleared once requestId is recorded. After a restart the operator "
      + "looks for the request in the cloud before it calls provision again, so a change is provisioned once.")
  private PendingProvision pendingProvision;

  public PermissionSetProvisioningStatus() {
  }

  /** A copy whose conditions list can be changed without touching the original. */
  public PermissionSetProvisioningStatus copy() {
    PermissionSetProvisioningStatus copy = new PermissionSetProvisioningStatus();
    copy.observedGeneration = observedGeneration;
    copy.conditions = new ArrayList<>(conditions);
    copy.permissionSetId = permissionSetId;
    copy.accountId = accountId;
    copy.requestId = requestId;
    copy.requestGeneration = requestGeneration;
    copy.provisioningStatus = provisioningStatus;
    copy.failureReason = failureReason;
    copy.requestedAt = requestedAt;
    copy.completedAt = completedAt;
    copy.requestTrigger = requestTrigger;
    copy.requestReprovisionToken = requestReprovisionToken;
    copy.lastHandledReprovisionAt = lastHandledReprovisionAt;
    copy.lastDriftCheck = lastDriftCheck;
    copy.outOfDateSince = outOfDateSince;
    copy.lastHandledDriftAt = lastHandledDriftAt;
    copy.pendingProvision = pendingProvision;
    return copy;
  }

  public Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
  }

  public String getPermissionSetId() {
    return permissionSetId;
  }

  public void setPermissionSetId(String permissionSetId) {
    this.permissionSetId = permissionSetId;
  }

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }

  public String getRequestId() {
    return requestId;
  }

  public void setRequestId(String requestId) {
    this.requestId = requestId;
  }

  public Long getRequestGeneration() {
    return requestGeneration;
  }

  public void setRequestGeneration(Long requestGeneration) {
    this.requestGeneration = requestGeneration;
  }

  public String getProvisioningStatus() {
    return provisioningStatus;
  }

  public void setProvisioningStatus(String provisioningStatus) {
    this.provisioningStatus = provisioningStatus;
  }

  public String getFailureReason() {
    return failureReason;
  }

  public void setFailureReason(String failureReason) {
    this.failureReason = failureReason;
  }

  public String getRequestedAt() {
    return requestedAt;
  }

  public void setRequestedAt(String requestedAt) {
    this.requestedAt = requestedAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public PendingProvision getPendingProvision() {
    return pendingProvision;
  }

  public void setPendingProvision(PendingProvision pendingProvision) {
    this.pendingProvision = pendingProvision;
  }

  public ProvisioningTrigger getRequestTrigger() {
    return requestTrigger;
  }

  public void setRequestTrigger(ProvisioningTrigger requestTrigger) {
    this.requestTrigger = requestTrigger;
  }

  public String getRequestReprovisionToken() {
    return requestReprovisionToken;
  }

  public void setRequestReprovisionToken(String requestReprovisionToken) {
    this.requestReprovisionToken = requestReprovisionToken;
  }

  public String getLastHandledReprovisionAt() {
    return lastHandledReprovisionAt;
  }

  public void setLastHandledReprovisionAt(String lastHandledReprovisionAt) {
    this.lastHandledReprovisionAt = lastHandledReprovisionAt;
  }

  public String getLastDriftCheck() {
    return lastDriftCheck;
  }

  public void setLastDriftCheck(String lastDriftCheck) {
    this.lastDriftCheck = lastDriftCheck;
  }

  public String getOutOfDateSince() {
    return outOfDateSince;
  }

  public void setOutOfDateSince(String outOfDateSince) {
    this.outOfDateSince = outOfDateSince;
  }

  public String getLastHandledDriftAt() {
    return lastHandledDriftAt;
  }

  public void setLastHandledDriftAt(String lastHandledDriftAt) {
    this.lastHandledDriftAt = lastHandledDriftAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermissionSetProvisioningStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(permissionSetId, other.permissionSetId)
        && Objects.equals(accountId, other.accountId)
        && Objects.equals(requestId, other.requestId)
        && Objects.equals(requestGeneration, other.requestGeneration)
        && Objects.equals(provisioningStatus, other.provisioningStatus)
        && Objects.equals(failureReason, other.failureReason)
        && Objects.equals(requestedAt, other.requestedAt)
        && Objects.equals(completedAt, other.completedAt)
        && Objects.equals(requestTrigger, other.requestTrigger)
        && Objects.equals(requestReprovisionToken, other.requestReprovisionToken)
        && Objects.equals(lastHandledReprovisionAt, other.lastHandledReprovisionAt)
        && Objects.equals(lastDriftCheck, other.lastDriftCheck)
        && Objects.equals(outOfDateSince, other.outOfDateSince)
        && Objects.equals(lastHandledDriftAt, other.lastHandledDriftAt)
        && Objects.equals(pendingProvision, other.pendingProvision);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, permissionSetId, accountId, requestId, requestGeneration,
        provisioningStatus, failureReason, requestedAt, completedAt, requestTrigger, requestReprovisionToken,
        lastHandledReprovisionAt, lastDriftCheck, outOfDateSince, lastHandledDriftAt, pendingProvision);
  }

  @Override
  public String toString() {
    return "PermissionSetProvisioningStatus{observedGeneration=" + observedGeneration + ", requestId=" + requestId
        + ", requestGeneration=" + requestGeneration + ", provisioningStatus=" + provisioningStatus
        + ", failureReason=" + failureReason + ", pendingProvision=" + pendingProvision + ", conditions=" + conditions
        + "}";
  }
}
