package dev.operators.permissionset.identitycenter;

import java.util.Objects;
import java.util.Optional;

/** Where a permission set is provisioned: one account, or every account it is already provisioned to. */
public record ProvisioningTarget(Type type, Optional<String> accountId) {

  public enum Type {
    ACCOUNT,
    ALL_PROVISIONED_ACCOUNTS
  }

  public ProvisioningTarget {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(accountId, "accountId");
    if (type == Type.ACCOUNT && accountId.isEmpty()) {
      throw new IllegalArgumentException("an ACCOUNT target needs an account ID");
    }
    if (type == Type.ALL_PROVISIONED_ACCOUNTS && accountId.isPresent()) {
      throw new IllegalArgumentException("an ALL_PROVISIONED_ACCOUNTS target takes no account ID");
    }
  }

  public static ProvisioningTarget account(String accountId) {
    return new ProvisioningTarget(Type.ACCOUNT, Optional.of(accountId));
  }

  public static ProvisioningTarget allProvisionedAccounts() {
    return new ProvisioningTarget(Type.ALL_PROVISIONED_ACCOUNTS, Optional.empty());
  }
}
