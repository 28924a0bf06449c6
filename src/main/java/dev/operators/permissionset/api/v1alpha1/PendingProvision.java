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
    copy.setExcludedRequestIds(requestIds.stream().sorted().toList());
    return copy;
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
        && Objects.equals(accountId, other.accountId) && Objects.equals(excludedRequestIds, other.excludedRequestIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(generation, recordedAt, permissionSetId, accountId, excludedRequestIds);
  }

  @Override
  public String toString() {
    return "PendingProvision{generation=" + generation + ", recordedAt=" + recordedAt + ", permissionSetId="
        + permissionSetId + ", accountId=" + accountId + ", excludedRequestIds=" + excludedRequestIds + "}";
  }
}
