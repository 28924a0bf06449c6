package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
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
import java.util.regex.Pattern;

/**
 * What the simulated Identity Center holds at start: which cloud's protocol it speaks, instances with their permission
 * sets and accounts, the key pairs it accepts, and how long a provisioning takes. Read from YAML or JSON.
 *
 * <pre>
 * cloud: huawei                            # or aws: instance and permission set ARNs, 12-digit accounts
 * region: us-east-1                        # aws only: the region SigV4 signatures must be scoped to
 * provisioningLatency: 3s
 * credentials:
 *   - {accessKey: AK..., secretKey: SK..., domainId: d..., securityToken: optional, instances: [ins-...]}
 *   - {accessKey: ASIA..., secretKey: ..., securityToken: ..., expired: true}   # aws: an expired session
 * instances:
 *   - id: ins-...
 *     permissionSets: [{id: ps-..., name: ReadOnlyAccess, description: ...}]
 *     generatedPermissionSets: 140          # Team-001 .. Team-140, to make lookups page
 *     accounts: [{id: 5146..., name: payments}, {id: 9a8b..., failureReason: "The account ... is suspended."}]
 *     provisioned: {ps-...: [5146...]}      # accounts a permission set is already provisioned to
 *     outOfDate: {ps-...: [5146...]}        # of those, accounts holding an out-of-date copy: the set changed since
 * </pre>
 */
public record SimulatorFixture(Cloud cloud, String region,
    @JsonDeserialize(using = FlexibleDurationDeserializer.class) Duration provisioningLatency,
    List<Credential> credentials, List<Instance> instances) {

  private static final String DEMO_RESOURCE = "/simulator/demo-fixture.yaml";
  private static final String AWS_DEMO_RESOURCE = "/simulator/demo-fixture-aws.yaml";
  public static final String DEFAULT_AWS_REGION = "us-east-1";
  private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  /** Whose protocol the simulator speaks. */
  public enum Cloud {
    @JsonProperty("huawei") HUAWEI,
    @JsonProperty("aws") AWS
  }

  @JsonCreator
  public SimulatorFixture {
    cloud = cloud == null ? Cloud.HUAWEI : cloud;
    if (cloud == Cloud.AWS) {
      region = region == null ? DEFAULT_AWS_REGION : region;
      if (!AWS_REGION.matcher(region).matches()) {
        throw new IllegalArgumentException("region '" + region + "' is no AWS region, such as us-east-1");
      }
    } else if (region != null) {
      throw new IllegalArgumentException("region is for cloud: aws only");
    }
    provisioningLatency = provisioningLatency == null ? Duration.ofSeconds(3) : provisioningLatency;
    credentials = credentials == null ? List.of() : List.copyOf(credentials);
    instances = instances == null ? List.of() : List.copyOf(instances);
    FixtureIds.validate(cloud, credentials, instances);
    for (int i = 0; i < instances.size(); i++) {
      validateOutOfDate(instances.get(i), "instances[" + i + "]");
    }
  }

  /** Only an account a permission set is provisioned to can hold an out-of-date copy of it. */
  private static void validateOutOfDate(Instance instance, String entry) {
    instance.outOfDate().forEach((permissionSetId, accountIds) -> {
      String field = entry + ".outOfDate['" + permissionSetId + "']";
      List<String> provisioned = instance.provisioned().get(permissionSetId);
      if (provisioned == null) {
        throw new IllegalArgumentException(field + ": the permission set is provisioned to no account; list the "
            + "accounts under " + entry + ".provisioned['" + permissionSetId + "'] first");
      }
      accountIds.stream().filter(accountId -> !provisioned.contains(accountId)).findFirst().ifPresent(accountId -> {
        throw new IllegalArgumentException(field + " lists '" + accountId + "', which is not in " + entry
            + ".provisioned['" + permissionSetId + "']: only an account the set is provisioned to can be out of date");
      });
    });
  }

  /** A Huawei Cloud fixture. */
  public SimulatorFixture(Duration provisioningLatency, List<Credential> credentials, List<Instance> instances) {
    this(Cloud.HUAWEI, null, provisioningLatency, credentials, instances);
  }

  /**
   * A key pair, and the instances it may act on (it gets 403, on AWS AccessDeniedException, on every other).
   *
   * @param securityToken the session token temporary credentials must send, or null for a long-term key pair
   * @param expired AWS only: the session has expired, every call answers ExpiredTokenException
   */
  public record Credential(String accessKey, String secretKey, String securityToken, String domainId,
      List<String> instances, boolean expired) {

    public Credential {
      Objects.requireNonNull(accessKey, "credentials[].accessKey");
      Objects.requireNonNull(secretKey, "credentials[].secretKey");
      instances = instances == null ? List.of() : List.copyOf(instances);
    }

    public Credential(String accessKey, String secretKey, String securityToken, String domainId,
        List<String> instances) {
      this(accessKey, secretKey, securityToken, domainId, instances, false);
    }

    @Override
    public String toString() {
      return "Credential{accessKey=<redacted>, instances=" + instances + "}";
    }
  }

  /**
   * An instance. Its generated permission sets ({@code Team-001} ...) have IDs of the instance's form: {@code ps-f...}
   * beside a Huawei instance ID, a permission set ARN beside an AWS instance ARN.
   *
   * @param provisioned permission set → the accounts it is provisioned to at start
   * @param outOfDate permission set → those of its accounts that hold an out-of-date copy at start: it changed after
   *     they were provisioned
   */
  public record Instance(String id, List<PermissionSet> permissionSets, int generatedPermissionSets,
      List<Account> accounts, Map<String, List<String>> provisioned, Map<String, List<String>> outOfDate) {

    @JsonCreator
    public Instance {
      Objects.requireNonNull(id, "instances[].id");
      List<PermissionSet> sets = new ArrayList<>(permissionSets == null ? List.of() : permissionSets);
      String prefix = FixtureIds.isAwsInstanceArn(id) ? FixtureIds.permissionSetArnPrefix(id) : "";
      for (int i = 1; i <= generatedPermissionSets; i++) {
        sets.add(new PermissionSet(prefix + String.format("ps-f%015x", i), String.format("Team-%03d", i),
            "Generated permission set " + i, null));
      }
      permissionSets = List.copyOf(sets);
      accounts = accounts == null ? List.of() : List.copyOf(accounts);
      provisioned = provisioned == null ? Map.of() : Map.copyOf(provisioned);
      outOfDate = outOfDate == null ? Map.of() : Map.copyOf(outOfDate);
    }

    /** An instance whose accounts all hold the latest copy of every permission set. */
    public Instance(String id, List<PermissionSet> permissionSets, int generatedPermissionSets,
        List<Account> accounts, Map<String, List<String>> provisioned) {
      this(id, permissionSets, generatedPermissionSets, accounts, provisioned, Map.of());
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
    return resource(DEMO_RESOURCE);
  }

  /** The AWS demo world, {@code cloud: aws}: the Huawei one's counterpart with ARNs and 12-digit accounts. */
  public static SimulatorFixture demoAws() {
    return resource(AWS_DEMO_RESOURCE);
  }

  private static SimulatorFixture resource(String name) {
    try (InputStream in = SimulatorFixture.class.getResourceAsStream(name)) {
      return read(Objects.requireNonNull(in, name), name);
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
