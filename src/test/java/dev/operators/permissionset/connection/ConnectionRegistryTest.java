package dev.operators.permissionset.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

  private static final CloudEndpoint ENDPOINT = new CloudEndpoint(URI.create("https://sso.eu-west-1.amazonaws.com"),
      Optional.empty(), false);
  private static final ConnectionKey FIRST = ConnectionKey.cluster("first");
  private static final ConnectionKey SECOND = ConnectionKey.namespaced("team", "second");

  private final ConnectionRegistry registry = new ConnectionRegistry();

  private static ConnectionState usable(ConnectionKey key, String region) {
    return new ConnectionState.Usable(new ReadyConnection(key, new CloudAccess.Aws(ENDPOINT, region,
        Optional.empty(), Optional.empty())));
  }

  private static CloudAccess accessIn(String region) {
    return new CloudAccess.Aws(ENDPOINT, region, Optional.empty(), Optional.empty());
  }

  @Test
  void anAccessNoConnectionUsesAnyMoreIsReportedForRelease() {
    assertThat(registry.put(FIRST, usable(FIRST, "eu-west-1"))).isEmpty();
    assertThat(registry.put(FIRST, usable(FIRST, "eu-west-1"))).as("the same access again").isEmpty();

    assertThat(registry.put(FIRST, usable(FIRST, "us-east-1"))).contains(accessIn("eu-west-1"));
    assertThat(registry.put(FIRST, new ConnectionState.Unusable("InvalidCredentials", "rejected", true)))
        .contains(accessIn("us-east-1"));
    assertThat(registry.remove(FIRST)).as("an unusable connection holds no access").isEmpty();
  }

  @Test
  void anAccessAnotherConnectionStillUsesIsKept() {
    registry.put(FIRST, usable(FIRST, "eu-west-1"));
    registry.put(SECOND, usable(SECOND, "eu-west-1"));

    assertThat(registry.remove(FIRST)).isEmpty();
    assertThat(registry.remove(SECOND)).contains(accessIn("eu-west-1"));
    assertThat(registry.size()).isZero();
  }
}
