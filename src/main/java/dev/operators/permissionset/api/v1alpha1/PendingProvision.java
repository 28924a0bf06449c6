package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The operator's record that it is about to call provision, written before the call. A record without a request ID
 * after a restart means the call may or may not have reached the cloud, so the cloud is asked before calling again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PendingProvision {

  @JsonPropertyDescription("The metadata.generation the provision call is made for.")
  private Long generation;

  @JsonPropertyDescription("When the operator decided to call provision (RFC 3339); a request the cloud created "
      + "after this time, for the same permission set and target, is the one this call made.")
  private String recordedAt;

  @JsonPropertyDescription("The permission set the call provisions, resolved when the intent was recorded.")
  private String permissionSetId;

  @JsonPropertyDescription("The account the call provisions to; absent when it provisions to all accounts the "
      + "permission set is provisioned to.")
  private String accountId;

  @JsonPropertyDescription("What made the operator provision: Spec (a new generation), Drift (the permission set "
      + "changed, with reprovisionPolicy Automatic) or Annotation (the reprovision-requested-at annotation).")
  private ProvisioningTrigger trigger;

  @JsonPropertyDescription("The value of the identitycenter.operators.dev/reprovision-requested-at annotation this "
      + "provisioning answers, if any: recorded in status.lastHandledReprovisionAt when its request finished.")
  private String reprovisionToken;

  @JsonPropertyDescription("Requests for the same permission set and target that the operator knows are not this "
      + "call's (a deleted resource of the same name made them): recovery never takes one of them for this call's.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<String> excludedRequestIds = new ArrayList<>();

  public PendingProvision() {
  }

  public PendingProvision(Long generation, String recordedAt, String permissionSetId, String accountId) {
    this.generation = generation;
    this.recordedAt = recordedAt;
    this.permissionSetId = permissionSetId;
    this.accountId = accountId;
  }

  public Long getGeneration() {
    return generation;
  }

  public void setGeneration(Long generation) {
    this.generation = generation;
  }

  public String getRecordedAt() {
    return recordedAt;
  }

  public void setRecordedAt(String recordedAt) {
    this.recordedAt = recordedAt;
  }

  public String getPermissionSetId() {
    return permissionSetId;
  }

  public void setPermissionSetId(String permissionSetId) {
    this.permissionSetId = permissionSetId;
  }

  public List<String> getExcludedRequestIds() {
    return excludedRequestIds;
  }

  public void setExcludedRequestIds(List<String> excludedRequestIds) {
    this.excludedRequestIds = excludedRequestIds == null ? new ArrayList<>() : new ArrayList<>(excludedRequestIds);
  }

  /** The same intent, with requests it must never take for its own. */
  public PendingProvision excluding(Collection<String> requestIds) {
    PendingProvision copy = new PendingProvision(generation, recordedAt, permissionSetId, accountId);
    copy.trigger = trigger;
    copy.reprovisionToken = reprovisionToken;
    copy.setExcludedRequestIds(requestIds.stream().sorted().toList());
    return copy;
  }

  /** The same intent, made for {@code why}, answering the annotation's {@code token} when there is one. */
  public PendingProvision triggeredBy(ProvisioningTrigger why, String token) {
    PendingProvision copy = excluding(excludedRequestIds);
    copy.trigger = why;
    copy.reprovisionToken = token;
    return copy;
  }

  public ProvisioningTrigger getTrigger() {
    return trigger;
  }

  public void setTrigger(ProvisioningTrigger trigger) {
    this.trigger = trigger;
  }

  /** The trigger, Spec for an intent an older operator recorded without one. */
  public ProvisioningTrigger effectiveTrigger() {
    return trigger == null ? ProvisioningTrigger.Spec : trigger;
  }

  public String getReprovisionToken() {
    return reprovisionToken;
  }

  public void setReprovisionToken(String reprovisionToken) {
    this.reprovisionToken = reprovisionToken;
  }

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingProvision other && Objects.equals(generation, other.generation)
        && Objects.equals(recordedAt, other.recordedAt) && Objects.equals(permissionSetId, other.permissionSetId)
        && Objects.equals(accountId, other.accountId) && trigger == other.trigger
        && Objects.equals(reprovisionToken, other.reprovisionToken)
        && Objects.equals(excludedRequestIds, other.excludedRequestIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(generation, recordedAt, permissionSetId, accountId, trigger, reprovisionToken,
        excludedRequestIds);
  }

  @Override
  public String toString() {
    return "PendingProvision{generation=" + generation + ", recordedAt=" + recordedAt + ", permissionSetId="
        + permissionSetId + ", accountId=" + accountId + ", trigger=" + trigger + ", reprovisionToken="
        + reprovisionToken + ", excludedRequestIds=" + excludedRequestIds + "}";
  }
}
