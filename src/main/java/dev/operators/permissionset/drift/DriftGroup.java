package dev.operators.permissionset.drift;

import dev.operators.permissionset.connection.ConnectionKey;
import java.util.Objects;

/**
 * What one drift check covers: a permission set of an instance, seen through a connection. Every settled resource
 * of that permission set shares the check, so the calls grow with permission sets, not with resources.
 */
public record DriftGroup(ConnectionKey connection, String instanceId, String permissionSetId) {

  public DriftGroup {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(permissionSetId, "permissionSetId");
  }
}
