package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection, as resources name it: its kind, its namespace (none for the cluster-scoped kind) and its name.
 *
 * @param namespace the connection's namespace, empty for a ClusterIdentityCenterConnection
 */
public record ConnectionKey(Kind kind, Optional<String> namespace, String name) {

  /** The ClusterIdentityCenterConnection resources use when they name none. */
  public static final String DEFAULT_NAME = "default";

  public ConnectionKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static ConnectionKey cluster(String name) {
    return new ConnectionKey(Kind.ClusterIdentityCenterConnection, Optional.empty(), name);
  }

  public static ConnectionKey namespaced(String namespace, String name) {
    return new ConnectionKey(Kind.IdentityCenterConnection, Optional.of(namespace), name);
  }

  /**
   * The connection the resource uses: the one it names, or the default cluster connection. A reference without a
   * name (which the schema refuses, and the spec validation stalls) names the connection with an empty name, which
   * cannot exist.
   */
  public static ConnectionKey of(PermissionSetProvisioning resource) {
    ConnectionReference reference = resource.getSpec() == null ? null : resource.getSpec().getConnectionRef();
    if (reference == null) {
      return cluster(DEFAULT_NAME);
    }
    String name = Objects.requireNonNullElse(reference.getName(), "");
    return reference.getKind() == Kind.IdentityCenterConnection
        ? namespaced(resource.getMetadata().getNamespace(), name)
        : cluster(name);
  }

  /** The key of a connection object of either kind. */
  public static ConnectionKey of(HasMetadata connection) {
    if (connection instanceof IdentityCenterConnection) {
      return namespaced(connection.getMetadata().getNamespace(), connection.getMetadata().getName());
    }
    if (connection instanceof ClusterIdentityCenterConnection) {
      return cluster(connection.getMetadata().getName());
    }
    throw new IllegalArgumentException("not a connection: " + connection.getKind());
  }

  public ResourceID resourceId() {
    return new ResourceID(name, namespace.orElse(null));
  }

  /** As kubectl names it: {@code ClusterIdentityCenterConnection/default}, {@code IdentityCenterConnection/ns/x}. */
  @Override
  public String toString() {
    return kind + "/" + namespace.map(ns -> ns + "/").orElse("") + name;
  }
}
