package dev.operators.permissionset.simulator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.testing.AwsDemoWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fixture of cloud: aws holds ARNs and 12-digit accounts, and says which entry does not. */
class AwsSimulatorFixtureTest {

  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";

  @TempDir
  Path directory;

  private SimulatorFixture load(String yaml) throws IOException {
    Path file = directory.resolve("fixture.yaml");
    Files.writeString(file, yaml);
    return SimulatorFixture.load(file);
  }

  @Test
  void theAwsDemoWorldHasArnsAndGeneratesArns() {
    SimulatorFixture demo = SimulatorFixture.demoAws();

    assertThat(demo.cloud()).isEqualTo(Cloud.AWS);
    assertThat(demo.region()).isEqualTo(AwsDemoWorld.REGION);
    assertThat(demo.instances()).singleElement().satisfies(instance -> {
      assertThat(instance.id()).isEqualTo(AwsDemoWorld.INSTANCE);
      assertThat(instance.permissionSets()).hasSize(143)
          .allSatisfy(set -> assertThat(set.id()).matches(AwsPatterns.PERMISSION_SET_ARN));
      assertThat(instance.permissionSets().get(3).id()).isEqualTo(AwsDemoWorld.TEAM_001);
      assertThat(instance.accounts()).allSatisfy(account -> assertThat(account.id()).matches("\\d{12}"));
    });
    assertThat(SimulatorFixture.demo().cloud()).isEqualTo(Cloud.HUAWEI);
  }

  @Test
  void theRegionDefaultsToUsEast1() throws IOException {
    assertThat(load("cloud: aws\ninstances: [{id: '" + INSTANCE + "'}]\n").region()).isEqualTo("us-east-1");
  }

  @Test
  void namesTheEntryWhoseIdIsNotOfTheCloudsForm() {
    assertThatThrownBy(() -> load("cloud: aws\ninstances: [{id: ins-4f1d2c3b4a596870}]\n"))
        .hasMessageContaining("instances[0].id 'ins-4f1d2c3b4a596870' is not of the form "
            + "arn:aws:sso:::instance/ssoins-<16 characters>");
    assertThatThrownBy(() -> load("cloud: aws\ninstances:\n  - id: '" + INSTANCE + "'\n    permissionSets: "
        + "[{id: 'arn:aws:sso:::permissionSet/ssoins-ffffffffffffffff/ps-0000000000000001', name: X}]\n"))
        .hasMessageContaining("instances[0].permissionSets[0].id")
        .hasMessageContaining("another instance");
    assertThatThrownBy(() -> load("cloud: aws\ninstances:\n  - id: '" + INSTANCE + "'\n    accounts: "
        + "[{id: '111122223333'}, {id: 5146d03d8aaaaaaaaaaaabbae60620a5}]\n"))
        .hasMessageContaining("instances[0].accounts[1].id '5146d03d8aaaaaaaaaaaabbae60620a5'");
    assertThatThrownBy(() -> load("cloud: aws\ncredentials: [{accessKey: A, secretKey: S, instances: [ins-1]}]\n"))
        .hasMessageContaining("credentials[0].instances[0] 'ins-1'");
    assertThatThrownBy(() -> load("cloud: aws\nregion: moon\n")).hasMessageContaining("region 'moon'");
  }

  @Test
  void awsOnlyFieldsAreRefusedInAHuaweiFixture() {
    assertThatThrownBy(() -> load("credentials: [{accessKey: A, secretKey: S, expired: true}]\n"))
        .hasMessageContaining("credentials[0].expired is for cloud: aws only");
    assertThatThrownBy(() -> load("instances: [{id: '" + INSTANCE + "'}]\n"))
        .hasMessageContaining("instances[0].id").hasMessageContaining("set cloud: aws");
    assertThatThrownBy(() -> load("region: us-east-1\n")).hasMessageContaining("region is for cloud: aws only");
  }
}
