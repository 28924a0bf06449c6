package dev.operators.permissionset.demo;

import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionStatus;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo's tables, as a person would want {@code kubectl get} to show them: one row a resource, with the
 * connection it uses, then one row a connection.
 */
final class StatusTable {

  /**
   * A connection of either kind as the API has it now.
   *
   * @param cloud the cloud its spec reaches
   */
  record Connection(ConnectionKey key, Cloud cloud, IdentityCenterConnectionStatus status) {

    Optional<Condition> ready() {
      return Optional.ofNullable(status).flatMap(s -> s.condition("Ready"));
    }
  }

  private static final String[] HEADER = {"NAME", "EXPECTED", "CONNECTION", "READY", "UPTODATE", "STATUS",
      "REQUEST ID", "REASON"};
  private static final String[] CONNECTION_HEADER = {"CONNECTION", "CLOUD", "READY", "REASON", "RESOURCES",
      "MESSAGE"};
  private static final int MAX_REASON = 90;

  private StatusTable() {
  }

  /** The cloud by the name a person knows it. */
  static String cloudName(Cloud cloud) {
    return cloud == Cloud.AWS ? "AWS" : "Huawei Cloud";
  }

  static String render(List<Example> examples, List<PermissionSetProvisioning> current,
      List<Connection> connections) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Example example : examples) {
      PermissionSetProvisioning resource = current.stream()
          .filter(r -> r.getMetadata().getName().equals(example.resource().getMetadata().getName()))
          .findFirst().orElse(example.resource());
      rows.add(row(example, resource));
    }
    List<String[]> connectionRows = new ArrayList<>();
    connectionRows.add(CONNECTION_HEADER);
    connections.forEach(connection -> connectionRows.add(row(connection)));
    return format(rows) + System.lineSeparator() + format(connectionRows);
  }

  private static String format(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
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
    Optional<Condition> upToDate = status.condition(Example.UP_TO_DATE);
    String expected = example.expected().name().charAt(0) + example.expected().name().substring(1).toLowerCase()
        + example.afterTouch().map(afterTouch -> ", then " + afterTouch.label()).orElse("");
    return new String[] {
        resource.getMetadata().getName(),
        expected,
        ConnectionKey.of(resource).toString(),
        ready.map(Condition::getStatus).orElse("-"),
        upToDate.map(Condition::getStatus).orElse("-"),
        Optional.ofNullable(status.getProvisioningStatus()).orElse("-"),
        Optional.ofNullable(status.getRequestId()).orElse("-"),
        reason(status, ready, upToDate)};
  }

  /**
   * Why the resource is or is not Ready, with the cloud's failure reason or the condition's message when it is not;
   * for a provisioned one, that its permission set changed since, or what provisioned it again.
   */
  private static String reason(PermissionSetProvisioningStatus status, Optional<Condition> ready,
      Optional<Condition> upToDate) {
    boolean isReady = ready.filter(c -> "True".equals(c.getStatus())).isPresent();
    String reason = ready.map(Condition::getReason).orElse("");
    String detail = status.getFailureReason() != null ? status.getFailureReason()
        : isReady ? "" : ready.map(Condition::getMessage).orElse("");
    if (isReady && upToDate.filter(c -> "False".equals(c.getStatus())).isPresent()) {
      reason = upToDate.get().getReason();
      detail = upToDate.get().getMessage();
    } else if (isReady && status.getRequestTrigger() != null
        && status.getRequestTrigger() != ProvisioningTrigger.Spec) {
      reason = reason + " again (requestTrigger " + status.getRequestTrigger() + ")";
    }
    String column = detail.isEmpty() ? reason : reason + ": " + detail;
    return column.isEmpty() ? "-" : capped(column);
  }

  private static String[] row(Connection connection) {
    Optional<Condition> ready = connection.ready();
    return new String[] {
        connection.key().toString(),
        cloudName(connection.cloud()),
        ready.map(Condition::getStatus).orElse("-"),
        ready.map(Condition::getReason).orElse("-"),
        Optional.ofNullable(connection.status()).map(IdentityCenterConnectionStatus::getResources)
            .map(String::valueOf).orElse("-"),
        ready.filter(c -> !"True".equals(c.getStatus())).map(Condition::getMessage).map(StatusTable::capped)
            .orElse("-")};
  }

  private static String capped(String text) {
    return text.length() > MAX_REASON ? text.substring(0, MAX_REASON - 3) + "..." : text;
  }
}
