package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudAccess;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of a spec's IDs against the cloud its connection reaches, which the CRD cannot make: it admits a Huawei
 * ID or an AWS ARN in the same field. Each problem names the field and the form the cloud wants.
 */
final class CloudIds {

  private static final Pattern HUAWEI_ID = Pattern.compile(PermissionSetProvisioningSpec.ID_PATTERN);
  private static final Pattern AWS_INSTANCE = Pattern.compile(
      "^" + PermissionSetProvisioningSpec.AWS_INSTANCE_ARN + "$");
  private static final Pattern AWS_PERMISSION_SET = Pattern.compile(
      "^" + PermissionSetProvisioningSpec.AWS_PERMISSION_SET_ARN + "$");
  private static final Pattern AWS_ACCOUNT = Pattern.compile(PermissionSetProvisioningSpec.AWS_ACCOUNT_ID);
  /** The instance's own ID inside an instance ARN or a permission set ARN. */
  private static final Pattern INSTANCE_PART = Pattern.compile("(?:instance|permissionSet)/((?:sso)?ins-[^/]+)");

  private CloudIds() {
  }

  /** @param connection the connection the resource reaches the cloud through, for messages */
  static Optional<String> problem(CloudAccess access, PermissionSetProvisioningSpec spec, ConnectionKey connection) {
    return access instanceof CloudAccess.Aws ? aws(spec, connection) : huawei(spec, connection);
  }

  private static Optional<String> aws(PermissionSetProvisioningSpec spec, ConnectionKey connection) {
    String reaches = connection + " reaches AWS";
    if (!AWS_INSTANCE.matcher(spec.getInstanceId()).matches()) {
      return Optional.of("spec.instanceId '" + spec.getInstanceId() + "' is not an instance ARN, and " + reaches
          + ": use the instance's ARN, such as arn:aws:sso:::instance/ssoins-1234567890abcdef (aws sso-admin "
          + "list-instances shows it)");
    }
    String permissionSetId = spec.getPermissionSetId();
    if (permissionSetId != null) {
      if (!AWS_PERMISSION_SET.matcher(permissionSetId).matches()) {
        return Optional.of("spec.permissionSetId '" + permissionSetId + "' is not a permission set ARN, and "
            + reaches + ": use the permission set's ARN, such as "
            + "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef, or spec.permissionSetName");
      }
      String instance = instancePart(spec.getInstanceId());
      String ofPermissionSet = instancePart(permissionSetId);
      if (!instance.equals(ofPermissionSet)) {
        return Optional.of("spec.permissionSetId belongs to instance " + ofPermissionSet + ", not to spec.instanceId's "
            + instance + ": name a permission set of the instance");
      }
    }
    if (spec.effectiveTargetType() == TargetType.ACCOUNT && !AWS_ACCOUNT.matcher(spec.getTargetId()).matches()) {
      return Optional.of("spec.targetId '" + spec.getTargetId() + "' is not an AWS account ID, and " + reaches
          + ": use the 12-digit account ID");
    }
    return Optional.empty();
  }

  private static Optional<String> huawei(PermissionSetProvisioningSpec spec, ConnectionKey connection) {
    String reaches = connection + " reaches Huawei Cloud";
    if (!HUAWEI_ID.matcher(spec.getInstanceId()).matches()) {
      return Optional.of("spec.instanceId '" + spec.getInstanceId() + "' is an AWS ARN, and " + reaches
          + ": use the instance ID, such as ins-6c7aaaaaaaaa0a46, or a connection to AWS");
    }
    if (spec.getPermissionSetId() != null && !HUAWEI_ID.matcher(spec.getPermissionSetId()).matches()) {
      return Optional.of("spec.permissionSetId '" + spec.getPermissionSetId() + "' is an AWS ARN, and " + reaches
          + ": use the permission set ID, such as ps-8603aaaaaaaa14bd, or a connection to AWS");
    }
    return Optional.empty();
  }

  private static String instancePart(String arn) {
    Matcher matcher = INSTANCE_PART.matcher(arn);
    return matcher.find() ? matcher.group(1) : arn;
  }
}
