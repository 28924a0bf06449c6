package dev.operators.permissionset.simulator;

import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.Instance;
import dev.operators.permissionset.simulator.aws.AwsPatterns;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Checks that a fixture's IDs have the form of its cloud, naming the entry that does not. */
final class FixtureIds {

  private static final String INSTANCE_FORM = "arn:aws:sso:::instance/ssoins-<16 characters>";
  private static final String PERMISSION_SET_FORM = "arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16>";

  private FixtureIds() {
  }

  static boolean isAwsInstanceArn(String id) {
    return AwsPatterns.INSTANCE_ARN.matcher(id).matches();
  }

  static String permissionSetArnPrefix(String instanceArn) {
    return AwsPatterns.permissionSetArnPrefix(instanceArn);
  }

  static void validate(Cloud cloud, List<Credential> credentials, List<Instance> instances) {
    for (int c = 0; c < credentials.size(); c++) {
      Credential credential = credentials.get(c);
      if (cloud == Cloud.HUAWEI && credential.expired()) {
        throw new IllegalArgumentException("credentials[" + c + "].expired is for cloud: aws only");
      }
      if (cloud == Cloud.AWS) {
        for (int n = 0; n < credential.instances().size(); n++) {
          require(AwsPatterns.INSTANCE_ARN, credential.instances().get(n),
              "credentials[" + c + "].instances[" + n + "]", INSTANCE_FORM);
        }
      }
    }
    for (int i = 0; i < instances.size(); i++) {
      Instance instance = instances.get(i);
      String entry = "instances[" + i + "]";
      if (cloud == Cloud.HUAWEI) {
        if (isAwsInstanceArn(instance.id())) {
          throw new IllegalArgumentException(entry + ".id '" + instance.id() + "' is an AWS instance ARN, in a "
              + "fixture of cloud: huawei; set cloud: aws");
        }
        continue;
      }
      validateAws(instance, entry);
    }
  }

  private static void validateAws(Instance instance, String entry) {
    require(AwsPatterns.INSTANCE_ARN, instance.id(), entry + ".id", INSTANCE_FORM);
    String prefix = permissionSetArnPrefix(instance.id());
    for (int p = 0; p < instance.permissionSets().size(); p++) {
      String id = instance.permissionSets().get(p).id();
      String field = entry + ".permissionSets[" + p + "].id";
      require(AwsPatterns.PERMISSION_SET_ARN, id, field, PERMISSION_SET_FORM);
      if (!id.startsWith(prefix)) {
        throw new IllegalArgumentException(field + " '" + id + "' is a permission set of another instance than "
            + instance.id());
      }
    }
    for (int a = 0; a < instance.accounts().size(); a++) {
      require(AwsPatterns.ACCOUNT_ID, instance.accounts().get(a).id(), entry + ".accounts[" + a + "].id",
          "12 digits");
    }
    Set<String> sets = instance.permissionSets().stream().map(SimulatorFixture.PermissionSet::id)
        .collect(Collectors.toSet());
    Set<String> accounts = instance.accounts().stream().map(SimulatorFixture.Account::id)
        .collect(Collectors.toSet());
    for (Map.Entry<String, List<String>> provisioned : instance.provisioned().entrySet()) {
      String field = entry + ".provisioned['" + provisioned.getKey() + "']";
      if (!sets.contains(provisioned.getKey())) {
        throw new IllegalArgumentException(field + " names no permission set of the instance");
      }
      provisioned.getValue().stream().filter(account -> !accounts.contains(account)).findFirst()
          .ifPresent(account -> {
            throw new IllegalArgumentException(field + " lists '" + account + "', no account of the instance");
          });
    }
  }

  private static void require(Pattern pattern, String value, String field, String form) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " '" + value + "' is not of the form " + form
          + ", as cloud: aws needs");
    }
  }
}
