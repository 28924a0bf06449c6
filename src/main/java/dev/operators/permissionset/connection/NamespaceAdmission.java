package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Whether a ClusterIdentityCenterConnection admits a namespace: by name, or by its labels through a label selector
 * with the Kubernetes semantics (matchLabels and matchExpressions all hold). Nothing admits nothing.
 */
public final class NamespaceAdmission {

  private NamespaceAdmission() {
  }

  public static boolean admits(AllowedNamespaces allowed, String namespace, Map<String, String> namespaceLabels) {
    if (allowed == null) {
      return false;
    }
    if (allowed.getNames().contains(namespace)) {
      return true;
    }
    return selects(allowed.getSelector(), namespaceLabels);
  }

  /** An empty selector selects nothing here: admitting every namespace must be written out, not left out. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
        : selector.getMatchExpressions();
    if (matchLabels.isEmpty() && expressions.isEmpty()) {
      return false;
    }
    boolean labelsMatch = matchLabels.entrySet().stream()
        .allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
    return labelsMatch && expressions.stream().allMatch(requirement -> holds(requirement, labels));
  }

  private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> false;
    };
  }
}
