package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.connection.ConnectionRegistry;
import dev.operators.permissionset.connection.ConnectionState;
import dev.operators.permissionset.connection.NamespaceAdmission;
import dev.operators.permissionset.connection.ReadyConnection;
import dev.operators.permissionset.reconciler.Facts.ConnectionProblem;
import java.util.Map;
import java.util.Optional;

/**
 * The connection a resource may call the cloud through, or why it may not: the connection must exist, a cluster
 * connection must admit the resource's namespace, and its last check must have found it Ready.
 */
final class ConnectionLookup {

  /** What a resource finds. */
  sealed interface Found {

    record Usable(ReadyConnection connection) implements Found {
    }

    record Refused(ConnectionProblem problem) implements Found {
    }
  }

  /** What the cluster shows: the connections' specs and the namespaces' labels, from the operator's caches. */
  interface Cluster {

    Optional<IdentityCenterConnectionSpec> connection(ConnectionKey key);

    Map<String, String> namespaceLabels(String namespace);
  }

  private final ConnectionRegistry registry;
  private final Cluster cluster;

  ConnectionLookup(ConnectionRegistry registry, Cluster cluster) {
    this.registry = registry;
    this.cluster = cluster;
  }

  Found find(PermissionSetProvisioning resource) {
    ConnectionKey key = ConnectionKey.of(resource);
    String namespace = resource.getMetadata().getNamespace();
    Optional<IdentityCenterConnectionSpec> spec = cluster.connection(key);
    if (spec.isEmpty()) {
      return refused(ConditionReason.CONNECTION_NOT_READY_NEEDS_PERSON, resource.getSpec().getConnectionRef() == null
          ? "The resource names no connection (spec.connectionRef), and there is no ClusterIdentityCenterConnection "
              + "named default: create one that admits namespace " + namespace + ", or set spec.connectionRef."
          : key + " (spec.connectionRef) does not exist; create it, or name another connection.");
    }
    if (key.kind() == Kind.ClusterIdentityCenterConnection && !NamespaceAdmission.admits(
        spec.get().getAllowedNamespaces(), namespace, cluster.namespaceLabels(namespace))) {
      return refused(ConditionReason.NAMESPACE_NOT_ALLOWED, key + " does not admit namespace " + namespace
          + " (its spec.allowedNamespaces): a cluster admin may add the namespace there, or the resource may use an "
          + "IdentityCenterConnection of its own namespace.");
    }
    Optional<ConnectionState> state = registry.state(key);
    if (state.isEmpty()) {
      return refused(ConditionReason.CONNECTION_NOT_READY, key + " is being checked; the resource goes on once "
          + "it is Ready.");
    }
    if (state.get() instanceof ConnectionState.Unusable unusable) {
      return refused(unusable.personMustAct() ? ConditionReason.CONNECTION_NOT_READY_NEEDS_PERSON
          : ConditionReason.CONNECTION_NOT_READY, key + " is not Ready (" + unusable.reason() + "): "
          + unusable.message());
    }
    return new Found.Usable(((ConnectionState.Usable) state.get()).connection());
  }

  private static Found refused(ConditionReason reason, String message) {
    return new Found.Refused(new ConnectionProblem(reason, message));
  }
}
