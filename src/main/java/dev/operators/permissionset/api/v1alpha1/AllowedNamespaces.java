package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The namespaces whose PermissionSetProvisionings may use a ClusterIdentityCenterConnection. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AllowedNamespaces {

  @JsonPropertyDescription("Namespaces admitted by name.")
  private List<String> names = new ArrayList<>();

  @JsonPropertyDescription("Namespaces admitted by their labels, as a label selector (matchLabels, "
      + "matchExpressions). An empty selector admits no namespace.")
  private LabelSelector selector;

  public List<String> getNames() {
    return names;
  }

  public void setNames(List<String> names) {
    this.names = names == null ? new ArrayList<>() : names;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AllowedNamespaces other && Objects.equals(names, other.names)
        && Objects.equals(selector, other.selector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(names, selector);
  }
}
