package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import java.net.URI;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CloudIdsTest {

  private static final CloudEndpoint ENDPOINT = new CloudEndpoint(URI.create("https://example.com"),
      Optional.empty(), false);
  private static final CloudAccess AWS = new CloudAccess.Aws(ENDPOINT, "eu-west-1", Optional.empty(),
      Optional.empty());
  private static final CloudAccess HUAWEI = new CloudAccess.Huawei(ENDPOINT, CloudCredentials.of("AK", "SK"));
  private static final String INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
  private static final String SET_ARN = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef";

  /** @param problem a part of the problem's text, or null when the IDs suit the cloud */
  record Row(String name, CloudAccess access, String instanceId, String permissionSetId, TargetType targetType,
      String targetId, String problem) {

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
        new Row("AWS ARNs and an account", AWS, INSTANCE_ARN, SET_ARN, TargetType.ACCOUNT, "111122223333", null),
        new Row("AWS by name to all accounts", AWS, INSTANCE_ARN, null, TargetType.ALL_PROVISIONED_ACCOUNTS, null,
            null),
        new Row("a Huawei instance ID on AWS", AWS, "ins-4f1d2c3b4a596870", SET_ARN, TargetType.ACCOUNT,
            "111122223333", "spec.instanceId 'ins-4f1d2c3b4a596870' is not an instance ARN, and "
                + "ClusterIdentityCenterConnection/default reaches AWS"),
        new Row("a Huawei permission set ID on AWS", AWS, INSTANCE_ARN, "ps-8603aaaaaaaa14bd", TargetType.ACCOUNT,
            "111122223333", "spec.permissionSetId 'ps-8603aaaaaaaa14bd' is not a permission set ARN"),
        new Row("a permission set of another instance", AWS, INSTANCE_ARN,
            "arn:aws:sso:::permissionSet/ssoins-fedcba0987654321/ps-1234567890abcdef", TargetType.ACCOUNT,
            "111122223333", "spec.permissionSetId belongs to instance ssoins-fedcba0987654321, not to "
                + "spec.instanceId's ssoins-1234567890abcdef"),
        new Row("a Huawei account ID on AWS", AWS, INSTANCE_ARN, SET_ARN, TargetType.ACCOUNT,
            "5146d03d8aaaaaaaaaaaabbae60620a5", "spec.targetId '5146d03d8aaaaaaaaaaaabbae60620a5' is not an AWS "
                + "account ID"),
        new Row("Huawei IDs", HUAWEI, "ins-4f1d2c3b4a596870", "ps-8603aaaaaaaa14bd", TargetType.ACCOUNT,
            "5146d03d8aaaaaaaaaaaabbae60620a5", null),
        new Row("an AWS instance ARN on Huawei Cloud", HUAWEI, INSTANCE_ARN, "ps-8603aaaaaaaa14bd",
            TargetType.ACCOUNT, "5146d03d8aaaaaaaaaaaabbae60620a5", "spec.instanceId '" + INSTANCE_ARN
                + "' is an AWS ARN, and ClusterIdentityCenterConnection/default reaches Huawei Cloud"),
        new Row("an AWS permission set ARN on Huawei Cloud", HUAWEI, "ins-4f1d2c3b4a596870", SET_ARN,
            TargetType.ACCOUNT, "5146d03d8aaaaaaaaaaaabbae60620a5", "spec.permissionSetId '" + SET_ARN
                + "' is an AWS ARN"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void checksTheIdsAgainstTheConnectionsCloud(Row row) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(row.instanceId());
    spec.setPermissionSetId(row.permissionSetId());
    spec.setPermissionSetName(row.permissionSetId() == null ? "ReadOnlyAccess" : null);
    spec.setTargetType(row.targetType());
    spec.setTargetId(row.targetId());

    Optional<String> problem = CloudIds.problem(row.access(), spec, ConnectionKey.cluster("default"));

    if (row.problem() == null) {
      assertThat(problem).isEmpty();
    } else {
      assertThat(problem).hasValueSatisfying(text -> assertThat(text).contains(row.problem()));
    }
  }
}
