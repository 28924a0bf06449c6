package dev.operators.permissionset.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo, run the way a person runs it, over every file in examples/ and examples/aws/. */
class DemoTest {

  /** What the demo printed over examples/, run once for the tests that read it. */
  private static String examplesRun;

  @BeforeAll
  static void runTheExamples() {
    examplesRun = run(Path.of("examples"), 0);
  }

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
    String output = examplesRun;

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
        .containsPattern("(?m)^  ClusterIdentityCenterConnection/aws +AWS +Ready=True \\(Valid\\), used by 6 "
            + "resource\\(s\\)");
  }

  @Test
  void aTouchedPermissionSetIsReportedOutOfDateByManualAndProvisionedAgainByAutomatic() {
    String output = examplesRun;

    assertThat(output)
        .containsPattern("(?m)^NAME +EXPECTED +CONNECTION +READY +UPTODATE +STATUS +REQUEST ID +REASON$")
        .containsPattern("(?m)^Touched permission set ps-8603aaaaaaaa14bd in the Huawei Cloud simulator, .*: 2 "
            + "account\\(s\\) hold an out-of-date copy now")
        .containsPattern("(?m)^Touched permission set arn:aws:sso:::permissionSet/ssoins-72230d1e4f5a6b7c/"
            + "ps-8603aaaaaaaa14bd in the AWS simulator")
        // the live table shows both outcomes
        .containsPattern("(?m)^readonly-to-payments +Ready, then OutOfDate +\\S+ +True +False +SUCCEEDED +\\S+ +"
            + "PermissionSetChanged: ")
        .containsPattern("(?m)^readonly-to-analytics-automatic +Ready, then Repaired +\\S+ +True +True +SUCCEEDED "
            + "+\\S+ +Provisioned again \\(requestTrigger Drift\\)$");
    assertThat(output)
        .containsPattern("(?m)^  ok   readonly-to-payments +expected OutOfDate +last provisioned by request \\S+ "
            + "\\(requestTrigger Spec\\); UpToDate=False \\(PermissionSetChanged\\): Permission set "
            + "ps-8603aaaaaaaa14bd changed after it was provisioned: account 5146d03d8aaaaaaaaaaaabbae60620a5 holds an "
            + "out-of-date copy\\. Provision it again with kubectl annotate ")
        .containsPattern("(?m)^  ok   readonly-to-analytics-automatic +expected Repaired +last provisioned by "
            + "request \\S+ \\(requestTrigger Drift\\); UpToDate=True \\(LatestPermissionSet\\)")
        .containsPattern("(?m)^  ok   aws-readonly-to-payments +expected OutOfDate .*\\(requestTrigger Spec\\); "
            + "UpToDate=False \\(PermissionSetChanged\\): .* account 111122223333 holds an out-of-date copy")
        .containsPattern("(?m)^  ok   aws-readonly-to-analytics-automatic +expected Repaired .*"
            + "\\(requestTrigger Drift\\); UpToDate=True \\(LatestPermissionSet\\)")
        // exactly one provision more on each cloud: the Automatic resource's, none for the Manual ones
        .containsPattern("(?m)^The Huawei Cloud simulator accepted 6 provision\\(s\\), 1 of them after the touch,")
        .containsPattern("(?m)^The AWS simulator accepted 6 provision\\(s\\), 1 of them after the touch,")
        .contains("Every example reached the outcome it expects.");
  }

  @Test
  void aPromiseForAfterTheTouchIsForExamplesThatExpectReady(@TempDir Path folder) throws IOException {
    Files.writeString(folder.resolve("failed-then-repaired.yaml"), """
        apiVersion: identitycenter.operators.dev/v1alpha1
        kind: PermissionSetProvisioning
        metadata:
          name: failed-then-repaired
          namespace: platform
          annotations:
            demo.identitycenter.operators.dev/expected: Failed
            demo.identitycenter.operators.dev/after-touch: Repaired
        spec:
          instanceId: ins-4f1d2c3b4a596870
          permissionSetId: ps-8603aaaaaaaa14bd
          targetId: 9a8b7c6d5e4f30211203f4e5d6c7b8a9
        """);

    assertThatThrownBy(() -> Example.examples(folder, new KubernetesSerialization()))
        .hasMessageContaining("failed-then-repaired.yaml: annotation demo.identitycenter.operators.dev/after-touch "
            + "is for examples that expect Ready");
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
