package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

  public PendingProvision() {
  }

  public PendingProvision(Long generation, String recordedAt) {
    this.generation = generation;
    this.recordedAt = recordedAt;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingProvision other && Objects.equals(generation, other.generation)
        && Objects.equals(recordedAt, other.recordedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(generation, recordedAt);
  }

  @Override
  public String toString() {
    return "PendingProvision{generation=" + generation + ", recordedAt=" + recordedAt + "}";
  }
}
