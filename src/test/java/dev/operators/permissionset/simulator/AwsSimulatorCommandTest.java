package dev.operators.permissionset.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.testing.AwsDemoWorld;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;

/** The standalone simulator serves AWS's protocol for {@code --cloud aws} or a fixture of cloud: aws. */
class AwsSimulatorCommandTest {

  @TempDir
  Path directory;

  @Test
  void servesTheAwsDemoWorldForCloudAws() {
    SimulatorCommand.Settings settings = SimulatorCommand.Settings.parse(new String[] {"--cloud", "aws", "--port",
        "0"});
    SimulatorFixture fixture = SimulatorCommand.fixture(settings);
    assertThat(fixture.cloud()).isEqualTo(Cloud.AWS);

    try (IdentityCenterSimulator simulator = SimulatorCommand.start(settings, fixture, Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        SsoAdminClient sdk = SsoAdminClient.builder().endpointOverride(simulator.endpoint())
            .region(Region.of(AwsDemoWorld.REGION))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsDemoWorld.ACCESS_KEY,
                AwsDemoWorld.SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      assertThat(sdk.listInstances(b -> { }).instances()).singleElement()
          .satisfies(instance -> assertThat(instance.instanceArn()).isEqualTo(AwsDemoWorld.INSTANCE));
    }
  }

  @Test
  void refusesAFixtureOfAnotherCloudThanAskedFor() throws IOException {
    Path huawei = directory.resolve("huawei.yaml");
    Files.writeString(huawei, "instances: [{id: ins-4f1d2c3b4a596870}]\n");
    SimulatorCommand.Settings settings = SimulatorCommand.Settings.parse(new String[] {"--cloud", "aws",
        "--fixture", huawei.toString()});

    assertThatThrownBy(() -> SimulatorCommand.fixture(settings))
        .hasMessageContaining("--cloud aws, but " + huawei + " is a fixture of cloud: huawei");
    assertThat(SimulatorCommand.fixture(SimulatorCommand.Settings.parse(new String[] {"--fixture",
        huawei.toString()})).cloud()).isEqualTo(Cloud.HUAWEI);
    assertThat(SimulatorCommand.fixture(SimulatorCommand.Settings.parse(new String[0])).cloud())
        .isEqualTo(Cloud.HUAWEI);
  }
}
