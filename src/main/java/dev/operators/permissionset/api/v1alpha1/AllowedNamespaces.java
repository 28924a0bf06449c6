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

  /** Descriptions for the label selector's fields (Fabric8's LabelSelector has none), for kubectl explain. */
  static final String DESCRIPTIONS = """
      {"properties": {"spec": {"properties": {"allowedNamespaces": {"properties": {
        "names": {"items": {"description": "The name of a namespace."}},
        "selector": {"properties": {
          "matchLabels": {"description": "Labels the namespace must carry, each with this value."},
          "matchExpressions": {"description": "Requirements on the namespace's labels, all of which must hold.",
            "items": {"description": "A requirement on one label.", "properties": {
              "key": {"description": "The label's key."},
              "operator": {"description": "In, NotIn, Exists or DoesNotExist."},
              "values": {"description": "The values for In and NotIn; empty for Exists and DoesNotExist.",
                "items": {"description": "A label value."}}
            }}}
        }}
      }}}}}}""";

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
