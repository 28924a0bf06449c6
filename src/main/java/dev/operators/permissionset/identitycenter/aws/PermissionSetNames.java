package dev.operators.permissionset.identitycenter.aws;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.PermissionSet;
import java.util.Map;
import java.util.Optional;

/**
 * The permission sets already described, by ARN, per connection and instance. ListPermissionSets gives only ARNs,
 * and a permission set's name never changes (UpdatePermissionSet takes none), so a set described once need not be
 * described again to be found by its name. The description is the one read then.
 */
final class PermissionSetNames {

  /** Several instances at the default quota of 3500 permission sets each; a bound against a flood of them. */
  static final int MAX_PERMISSION_SETS = 20_000;

  private final Map<Key, PermissionSet> described = CloudHttp.leastRecentlyUsed(MAX_PERMISSION_SETS, any -> { });

  Optional<PermissionSet> described(CloudAccess.Aws access, String instanceArn, String permissionSetArn) {
    synchronized (described) {
      return Optional.ofNullable(described.get(new Key(access, instanceArn, permissionSetArn)));
    }
  }

  void remember(CloudAccess.Aws access, String instanceArn, PermissionSet permissionSet) {
    synchronized (described) {
      described.put(new Key(access, instanceArn, permissionSet.id()), permissionSet);
    }
  }

  /** Forgets what was read through the connection, whose credentials may be gone. */
  void forget(CloudAccess.Aws access) {
    synchronized (described) {
      described.keySet().removeIf(key -> key.access().equals(access));
    }
  }

  private record Key(CloudAccess.Aws access, String instanceArn, String permissionSetArn) {
  }
}
