package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** The connection a PermissionSetProvisioning reaches the cloud through. */
public class ConnectionReference {

  /** The kinds a reference may name. */
  public enum Kind {
    IdentityCenterConnection,
    ClusterIdentityCenterConnection
  }

  @Required
  @JsonPropertyDescription("IdentityCenterConnection (in the resource's own namespace) or "
      + "ClusterIdentityCenterConnection (cluster-scoped, usable from the namespaces it admits).")
  private Kind kind;

  @Required
  @Size(min = 1, max = SecretReference.NAME_MAX_LENGTH)
  @Pattern(SecretReference.NAME_PATTERN)
  @JsonPropertyDescription("Name of the connection.")
  private String name;

  public ConnectionReference() {
  }

  public ConnectionReference(Kind kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  public Kind getKind() {
    return kind;
  }

  public void setKind(Kind kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionReference other && kind == other.kind && Objects.equals(name, other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name);
  }

  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
