package dev.operators.permissionset.testing;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * PermissionSetProvisioning resources as a person would write them, on the demo instance in
 * {@link DemoWorld#NAMESPACE}; change what a test is about on the returned resource's metadata or spec.
 */
public final class Provisionings {

  private Provisionings() {
  }

  /** {@code permissionSetId} to one account. */
  public static PermissionSetProvisioning toAccount(String name, String permissionSetId, String accountId) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(DemoWorld.INSTANCE);
    spec.setPermissionSetId(permissionSetId);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(accountId);
    return of(name, spec);
  }

  /** The permission set named {@code permissionSetName} to one account. */
  public static PermissionSetProvisioning byName(String name, String permissionSetName, String accountId) {
    PermissionSetProvisioning resource = toAccount(name, null, accountId);
    resource.getSpec().setPermissionSetName(permissionSetName);
    return resource;
  }

  /** {@code permissionSetId} again to every account it is already provisioned to. */
  public static PermissionSetProvisioning allProvisionedAccounts(String name, String permissionSetId) {
    PermissionSetProvisioning resource = toAccount(name, permissionSetId, null);
    resource.getSpec().setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS);
    return resource;
  }

  /** A resource with any spec, named {@code name} in {@link DemoWorld#NAMESPACE}. */
  public static PermissionSetProvisioning of(String name, PermissionSetProvisioningSpec spec) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(DemoWorld.NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }
}
