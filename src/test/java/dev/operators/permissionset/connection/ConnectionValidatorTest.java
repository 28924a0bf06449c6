package dev.operators.permissionset.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import dev.operators.permissionset.api.v1alpha1.AwsConnection;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionValidatorTest {

  /** @param problem a part of the problem's text, or null when the spec is valid */
  record Row(String name, boolean clusterScoped, Consumer<IdentityCenterConnectionSpec> change, String problem) {

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
        new Row("a valid namespaced connection", false, spec -> { }, null),
        new Row("the default endpoint when none is given", false, spec -> spec.getHuaweiCloud().setEndpoint(null),
            null),
        new Row("no cloud block", false, spec -> spec.setHuaweiCloud(null), "spec.huaweiCloud"),
        new Row("plain http without the opt-in", false,
            spec -> spec.getHuaweiCloud().setEndpoint("http://127.0.0.1:8443"), "allowInsecureHttp"),
        new Row("plain http with the opt-in", false, spec -> {
          spec.getHuaweiCloud().setEndpoint("http://127.0.0.1:8443");
          spec.getHuaweiCloud().setAllowInsecureHttp(true);
        }, null),
        new Row("another scheme", false, spec -> spec.getHuaweiCloud().setEndpoint("ftp://example.com"), "https"),
        new Row("no host", false, spec -> spec.getHuaweiCloud().setEndpoint("https:///v1"), "host"),
        new Row("not a URL", false, spec -> spec.getHuaweiCloud().setEndpoint("https://exa mple"), "not a URL"),
        new Row("no Secret", false, spec -> spec.getHuaweiCloud().setCredentialsSecretRef(null),
            "credentialsSecretRef.name is required"),
        new Row("a Secret name that cannot be", false,
            spec -> spec.getHuaweiCloud().setCredentialsSecretRef(new SecretReference("Not_A_Name")),
            "is not a Secret name"),
        new Row("allowed namespaces on a namespaced connection", false,
            spec -> spec.setAllowedNamespaces(names("a")), "ClusterIdentityCenterConnection only"),
        new Row("allowed namespaces on a cluster connection", true, spec -> spec.setAllowedNamespaces(names("a")),
            null),
        new Row("AWS with a Secret", false, spec -> toAws(spec, "eu-west-1", "aws-credentials"), null),
        new Row("AWS as the operator's own identity, cluster-scoped", true, spec -> toAws(spec, "eu-west-1", null),
            null),
        new Row("AWS as the operator's own identity, namespaced", false, spec -> toAws(spec, "eu-west-1", null),
            "spec.aws.credentialsSecretRef is required on an IdentityCenterConnection"),
        new Row("both clouds", true, spec -> {
          toAws(spec, "eu-west-1", null);
          spec.setHuaweiCloud(new HuaweiCloudConnection());
        }, "set exactly one cloud block: spec.huaweiCloud or spec.aws"),
        new Row("AWS without a region", true, spec -> toAws(spec, null, null), "spec.aws.region is required"),
        new Row("AWS in a region that cannot be", true, spec -> toAws(spec, "Europe", null),
            "spec.aws.region 'Europe' is not an AWS region"),
        new Row("AWS over http without the opt-in", true, spec -> {
          toAws(spec, "eu-west-1", null);
          spec.getAws().setEndpoint("http://127.0.0.1:8443");
        }, "spec.aws.allowInsecureHttp: true"),
        new Row("AWS with an assumed role and an external ID", true, spec -> {
          toAws(spec, "eu-west-1", null);
          spec.getAws().setRoleArn("arn:aws:iam::111122223333:role/provisioner");
          spec.getAws().setExternalId("tenant-7");
        }, null),
        new Row("AWS with a role ARN that is a user's", true, spec -> {
          toAws(spec, "eu-west-1", null);
          spec.getAws().setRoleArn("arn:aws:iam::111122223333:user/alice");
        }, "spec.aws.roleArn 'arn:aws:iam::111122223333:user/alice' is not an IAM role ARN"),
        new Row("AWS with an external ID but no role", true, spec -> {
          toAws(spec, "eu-west-1", null);
          spec.getAws().setExternalId("tenant-7");
        }, "spec.aws.externalId is only sent when assuming a role"));
  }

  private static void toAws(IdentityCenterConnectionSpec spec, String region, String secretName) {
    AwsConnection aws = new AwsConnection();
    aws.setRegion(region);
    aws.setCredentialsSecretRef(secretName == null ? null : new SecretReference(secretName));
    spec.setHuaweiCloud(null);
    spec.setAws(aws);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void validates(Row row) {
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    HuaweiCloudConnection huawei = new HuaweiCloudConnection();
    huawei.setEndpoint("https://identitycenter.myhuaweicloud.com");
    huawei.setCredentialsSecretRef(new SecretReference("identity-center"));
    spec.setHuaweiCloud(huawei);
    row.change().accept(spec);

    if (row.problem() == null) {
      assertThat(ConnectionValidator.problem(spec, row.clusterScoped())).isEmpty();
    } else {
      assertThat(ConnectionValidator.problem(spec, row.clusterScoped())).hasValueSatisfying(problem ->
          assertThat(problem).contains(row.problem()));
    }
  }

  private static AllowedNamespaces names(String... names) {
    AllowedNamespaces allowed = new AllowedNamespaces();
    allowed.setNames(List.of(names));
    return allowed;
  }
}
