package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the operator found when it checked a connection, and how many resources use it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IdentityCenterConnectionStatus {

  /** Descriptions for the fields of Fabric8's Condition, which has none, so that kubectl explain covers them. */
  static final String CONDITION_DESCRIPTIONS = """
      {"properties": {"status": {"properties": {"conditions": {"items": {
        "description": "A condition in the shape of the Kubernetes metav1.Condition.",
        "properties": {
          "type": {"description": "Ready."},
          "status": {"description": "True, False or Unknown."},
          "reason": {"description": "Why the condition has its status, in one CamelCase word, for example Valid or \
      InvalidCredentials. The README lists every reason."},
          "message": {"description": "What the check found, for people, and what to do when something is wrong."},
          "lastTransitionTime": {"description": "When the condition last changed its status or reason (RFC 3339)."},
          "observedGeneration": {"description": "The metadata.generation the condition was set for."}
        }}}}}}}""";

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready is True when the spec is valid, the credentials Secret is readable and the cloud "
      + "accepted the credentials in a read-only call. Resources use the connection only while it is Ready.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("How many PermissionSetProvisionings use this connection.")
  private Integer resources;

  @JsonPropertyDescription("When the operator last asked the cloud whether the credentials work (RFC 3339).")
  private String lastCheckedAt;

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
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public Integer getResources() {
    return resources;
  }

  public void setResources(Integer resources) {
    this.resources = resources;
  }

  public String getLastCheckedAt() {
    return lastCheckedAt;
  }

  public void setLastCheckedAt(String lastCheckedAt) {
    this.lastCheckedAt = lastCheckedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityCenterConnectionStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions) && Objects.equals(resources, other.resources)
        && Objects.equals(lastCheckedAt, other.lastCheckedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, resources, lastCheckedAt);
  }
}
