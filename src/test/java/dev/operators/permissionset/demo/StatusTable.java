package dev.operators.permissionset.demo;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The demo's table: one row a resource, as a person would want {@code kubectl get} to show it. */
final class StatusTable {

  private static final String[] HEADER = {"NAME", "EXPECTED", "READY", "STATUS", "REQUEST ID", "REASON"};
  private static final int MAX_REASON = 90;

  private StatusTable() {
  }

  static String render(List<Example> examples, List<PermissionSetProvisioning> current) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Example example : examples) {
      PermissionSetProvisioning resource = current.stream()
          .filter(r -> r.getMetadata().getName().equals(example.resource().getMetadata().getName()))
          .findFirst().orElse(example.resource());
      rows.add(row(example, resource));
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        table.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      table.append(System.lineSeparator());
    }
    return table.toString();
  }

  private static String[] row(Example example, PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = Optional.ofNullable(resource.getStatus())
        .orElseGet(PermissionSetProvisioningStatus::new);
    Optional<Condition> ready = status.condition("Ready");
    String reason = ready.map(Condition::getReason).orElse("");
    String detail = status.getFailureReason() != null ? status.getFailureReason()
        : ready.filter(c -> !"True".equals(c.getStatus())).map(Condition::getMessage).orElse("");
    String reasonColumn = detail.isEmpty() ? reason : reason + ": " + detail;
    if (reasonColumn.length() > MAX_REASON) {
      reasonColumn = reasonColumn.substring(0, MAX_REASON - 3) + "...";
    }
    return new String[] {
        resource.getMetadata().getName(),
        example.expected().name().charAt(0) + example.expected().name().substring(1).toLowerCase(),
        ready.map(Condition::getStatus).orElse("-"),
        Optional.ofNullable(status.getProvisioningStatus()).orElse("-"),
        Optional.ofNullable(status.getRequestId()).orElse("-"),
        reasonColumn.isEmpty() ? "-" : reasonColumn};
  }
}
