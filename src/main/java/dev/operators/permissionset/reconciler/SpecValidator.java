package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks the CRD schema makes, made again: a resource can reach the operator without them (an API server
 * without CEL, a CRD installed from an older release, a test client). Each problem names the field and the fix.
 */
public final class SpecValidator {

  private static final Pattern ID = Pattern.compile(PermissionSetProvisioningSpec.ID_PATTERN);
  private static final Pattern INSTANCE = Pattern.compile(PermissionSetProvisioningSpec.INSTANCE_PATTERN);
  private static final Pattern PERMISSION_SET = Pattern.compile(PermissionSetProvisioningSpec.PERMISSION_SET_PATTERN);
  private static final Pattern NAME = Pattern.compile(SecretReference.NAME_PATTERN);

  private SpecValidator() {
  }

  public static Optional<String> problem(PermissionSetProvisioningSpec spec) {
    if (spec == null) {
      return Optional.of("spec is missing; set spec.instanceId, spec.permissionSetId or spec.permissionSetName, "
          + "and spec.targetId");
    }
    Optional<String> instance = idOrArn("spec.instanceId", spec.getInstanceId(), INSTANCE,
        "arn:aws:sso:::instance/ssoins-1234567890abcdef");
    if (instance.isPresent()) {
      return instance;
    }
    boolean byId = spec.getPermissionSetId() != null;
    boolean byName = spec.getPermissionSetName() != null;
    if (byId == byName) {
      return Optional.of("set exactly one of spec.permissionSetId and spec.permissionSetName");
    }
    if (byId) {
      Optional<String> permissionSet = idOrArn("spec.permissionSetId", spec.getPermissionSetId(), PERMISSION_SET,
          "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef");
      if (permissionSet.isPresent()) {
        return permissionSet;
      }
    } else if (spec.getPermissionSetName().isBlank() || characters(spec.getPermissionSetName()) > 32) {
      return Optional.of("spec.permissionSetName must be 1 to 32 characters long");
    }
    if (spec.effectiveTargetType() == TargetType.ACCOUNT) {
      Optional<String> target = id("spec.targetId", spec.getTargetId())
          .map(problem -> spec.getTargetId() == null
              ? "spec.targetId is required when spec.targetType is ACCOUNT; set it to the account ID" : problem);
      if (target.isPresent()) {
        return target;
      }
    } else if (spec.getTargetId() != null) {
      return Optional.of("spec.targetId must be omitted when spec.targetType is ALL_PROVISIONED_ACCOUNTS");
    }
    return connection(spec.getConnectionRef());
  }

  private static Optional<String> connection(ConnectionReference reference) {
    if (reference == null) {
      return Optional.empty();
    }
    if (reference.getKind() == null) {
      return Optional.of("spec.connectionRef.kind is required: IdentityCenterConnection or "
          + "ClusterIdentityCenterConnection");
    }
    String name = reference.getName();
    if (name == null) {
      return Optional.of("spec.connectionRef.name is required; name the connection, or remove spec.connectionRef "
          + "to use the ClusterIdentityCenterConnection named default");
    }
    if (name.length() > SecretReference.NAME_MAX_LENGTH || !NAME.matcher(name).matches()) {
      return Optional.of("spec.connectionRef.name '" + shown(name) + "' is not a resource name: use lower-case "
          + "letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  /** Characters as the API server counts them for maxLength: code points, so an emoji is one, not two. */
  private static int characters(String value) {
    return value.codePointCount(0, value.length());
  }

  private static Optional<String> idOrArn(String field, String value, Pattern pattern, String arnExample) {
    if (value == null) {
      return Optional.of(field + " is required");
    }
    if (value.length() > PermissionSetProvisioningSpec.ARN_MAX_LENGTH || !pattern.matcher(value).matches()) {
      return Optional.of(field + " '" + shown(value) + "' is neither a Huawei Cloud ID (1 to 64 letters, digits, "
          + "'-' or '_') nor an AWS ARN such as " + arnExample);
    }
    return Optional.empty();
  }

  private static String shown(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }

  private static Optional<String> id(String field, String value) {
    if (value == null) {
      return Optional.of(field + " is required");
    }
    if (value.isEmpty() || value.length() > 64 || !ID.matcher(value).matches()) {
      return Optional.of(field + " '" + shown(value) + "' is not a valid ID: use 1 to 64 letters, digits, '-' or '_'");
    }
    return Optional.empty();
  }
}
