package dev.operators.permissionset.identitycenter;

import java.util.Objects;
import java.util.Optional;

public record PermissionSet(String id, String name, Optional<String> description) {

  public PermissionSet {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
  }
}
