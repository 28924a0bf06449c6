package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the simulated Identity Center holds at start: instances with their permission sets and accounts, the key
 * pairs it accepts, and how long a provisioning takes. Read from YAML or JSON.
 *
 * <pre>
 * provisioningLatency: 3s
 * credentials:
 *   - {accessKey: AK..., secretKey: SK..., domainId: d..., securityToken: optional, instances: [ins-...]}
 * instances:
 *   - id: ins-...
 *     permissionSets: [{id: ps-..., name: ReadOnlyAccess, description: ...}]
 *     generatedPermissionSets: 140          # Team-001 .. Team-140, to make lookups page
 *     accounts: [{id: 5146..., name: payments}, {id: 9a8b..., failureReason: "The account ... is suspended."}]
 *     provisioned: {ps-...: [5146...]}      # accounts a permission set is already provisioned to
 * </pre>
 */
public record SimulatorFixture(
    @JsonDeserialize(using = FlexibleDurationDeserializer.class) Duration provisioningLatency, List<Credential> credentials, List<Instance> instances) {

  private static final String DEMO_RESOURCE = "/simulator/demo-fixture.yaml";

  public SimulatorFixture {
    provisioningLatency = provisioningLatency == null ? Duration.ofSeconds(3) : provisioningLatency;
    credentials = credentials == null ? List.of() : List.copyOf(credentials);
    instances = instances == null ? List.of() : List.copyOf(instances);
  }

  /** A key pair, and the instances it may act on (it gets 403 on every other). */
  public record Credential(String accessKey, String secretKey, String securityToken, String domainId,
      List<String> instances) {

    public Credential {
      Objects.requireNonNull(accessKey, "credentials[].accessKey");
      Objects.requireNonNull(secretKey, "credentials[].secretKey");
      instances = instances == null ? List.of() : List.copyOf(instances);
    }

    @Override
    public String toString() {
      return "Credential{accessKey=<redacted>, instances=" + instances + "}";
    }
  }

  public record Instance(String id, List<PermissionSet> permissionSets, int generatedPermissionSets,
      List<Account> accounts, Map<String, List<String>> provisioned) {

    public Instance {
      Objects.requireNonNull(id, "instances[].id");
      List<PermissionSet> sets = new ArrayList<>(permissionSets == null ? List.of() : permissionSets);
      for (int i = 1; i <= generatedPermissionSets; i++) {
        sets.add(new PermissionSet(String.format("ps-f%015x", i), String.format("Team-%03d", i),
            "Generated permission set " + i, null));
      }
      permissionSets = List.copyOf(sets);
      accounts = accounts == null ? List.of() : List.copyOf(accounts);
      provisioned = provisioned == null ? Map.of() : Map.copyOf(provisioned);
    }
  }

  public record PermissionSet(String id, String name, String description, Long createdDate) {

    public PermissionSet {
      Objects.requireNonNull(id, "permissionSets[].id");
      Objects.requireNonNull(name, "permissionSets[].name");
      createdDate = createdDate == null ? 1_677_175_760_379L : createdDate;
    }
  }

  /** An account of the organization; provisioning to it FAILS with {@code failureReason} when one is set. */
  public record Account(String id, String name, String failureReason) {

    public Account {
      Objects.requireNonNull(id, "accounts[].id");
    }
  }

  private static ObjectMapper yaml() {
    return new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static SimulatorFixture load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the simulator fixture " + file + ": " + e.getMessage(), e);
    }
  }

  /** The demo world of the README and {@code examples/}. */
  public static SimulatorFixture demo() {
    try (InputStream in = SimulatorFixture.class.getResourceAsStream(DEMO_RESOURCE)) {
      return read(Objects.requireNonNull(in, DEMO_RESOURCE), DEMO_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SimulatorFixture read(InputStream in, String source) throws IOException {
    try {
      return yaml().readValue(in, SimulatorFixture.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException(source + " is not a valid fixture: " + e.getMessage(), e);
    }
  }
}
