package dev.operators.permissionset.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo, run the way a person runs it, over every file in examples/ and examples/aws/. */
class DemoTest {

  private static String run(Path examples, int expectedExitCode) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode = Demo.run(examples, Duration.ofSeconds(1), Duration.ofSeconds(60), false,
        new PrintStream(output, true, StandardCharsets.UTF_8));
    String text = output.toString(StandardCharsets.UTF_8);
    assertThat(exitCode).as(text).isEqualTo(expectedExitCode);
    return text;
  }

  @Test
  void everyExampleReachesTheOutcomeItPromises() {
    String output = run(Path.of("examples"), 0);

    assertThat(output)
        .contains("Every example reached the outcome it expects.")
        .contains("ok   readonly-to-payments")
        .contains("ok   billing-to-suspended-account")
        .contains("is suspended and cannot be provisioned")
        .contains("ok   unknown-permission-set-name")
        .contains("spec.permissionSetName")
        .doesNotContainPattern("(?m)^ +FAIL ")
        .containsPattern("Huawei Cloud at https://127\\.0\\.0\\.1:\\d+, AWS at https://127\\.0\\.0\\.1:\\d+")
        .containsPattern("(?m)^  ok   readonly-to-payments .* via ClusterIdentityCenterConnection/default ")
        .containsPattern("(?m)^  ok   admin-by-name-to-analytics .* via IdentityCenterConnection/platform/"
            + "platform-team ")
        .containsPattern("(?m)^  ClusterIdentityCenterConnection/default +Huawei Cloud +Ready=True \\(Valid\\)")
        .containsPattern("(?m)^  IdentityCenterConnection/platform/platform-team +Huawei Cloud +Ready=True "
            + "\\(Valid\\)");
    // the AWS examples, in the same run, through the AWS simulator
    assertThat(output)
        .containsPattern("(?m)^  ok   aws-readonly-to-payments +expected ready +via "
            + "ClusterIdentityCenterConnection/aws +Provisioned")
        .containsPattern("(?m)^  ok   aws-admin-by-name-to-analytics +expected ready +via "
            + "ClusterIdentityCenterConnection/aws +Provisioned")
        .containsPattern("(?m)^  ok   aws-readonly-to-all-provisioned-accounts +expected ready +via "
            + "ClusterIdentityCenterConnection/aws +Provisioned")
        .containsPattern("(?m)^  ok   aws-billing-to-suspended-account .* expected failed .* ProvisioningFailed: .*"
            + "The account 444455556666 is suspended")
        .containsPattern("(?m)^  ok   aws-huawei-id-on-aws-connection .* expected stalled .* InvalidSpec: "
            + "spec.instanceId 'ins-4f1d2c3b4a596870' is not an instance ARN")
        .containsPattern("(?m)^  ClusterIdentityCenterConnection/aws +AWS +Ready=True \\(Valid\\), used by 5 "
            + "resource\\(s\\)")
        .containsPattern("(?m)^The AWS simulator accepted 4 provision\\(s\\)")
        .containsPattern("(?m)^The Huawei Cloud simulator accepted [1-9]\\d* provision\\(s\\)");
  }

  @Test
  void anExampleThatMissesItsPromiseFailsTheDemo(@TempDir Path folder) throws IOException {
    Files.writeString(folder.resolve("wrong-promise.yaml"), """
        apiVersion: identitycenter.operators.dev/v1alpha1
        kind: PermissionSetProvisioning
        metadata:
          name: wrong-promise
          namespace: platform
          annotations:
            demo.identitycenter.operators.dev/expected: Ready
        spec:
          instanceId: ins-4f1d2c3b4a596870
          permissionSetId: ps-8603aaaaaaaa14bd
          targetId: 9a8b7c6d5e4f30211203f4e5d6c7b8a9
        """);

    String output = run(folder, 1);

    assertThat(output).contains("FAIL wrong-promise").contains("1 example(s) did not reach the outcome they expect.");
  }
}
