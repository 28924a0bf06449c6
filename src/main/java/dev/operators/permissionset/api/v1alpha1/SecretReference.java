package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A Secret that a connection reads its credentials from: in the connection's own namespace, or, for a
 * ClusterIdentityCenterConnection, in the operator's namespace.
 */
public class SecretReference {

  /** A DNS-1123 subdomain, as Kubernetes names Secrets. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
  public static final int NAME_MAX_LENGTH = 253;

  @Required
  @Size(min = 1, max = NAME_MAX_LENGTH)
  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription("Name of the Secret: in the connection's namespace, or, for a "
      + "ClusterIdentityCenterConnection, in the operator's namespace. It holds the keys accessKey and secretKey, and "
      + "optionally securityToken (temporary credentials), and must carry the label "
      + "identitycenter.operators.dev/credentials=true: the operator sees no other Secret.")
  private String name;

  public SecretReference() {
  }

  public SecretReference(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretReference other && Objects.equals(name, other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(name);
  }

  @Override
  public String toString() {
    return "SecretReference{name=" + name + "}";
  }
}
