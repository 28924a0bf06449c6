package dev.operators.permissionset.testing;

import static dev.operators.permissionset.testing.RandomValues.DIGITS;
import static dev.operators.permissionset.testing.RandomValues.LETTERS;
import static dev.operators.permissionset.testing.RandomValues.LOWERCASE;
import static dev.operators.permissionset.testing.RandomValues.anyText;
import static dev.operators.permissionset.testing.RandomValues.between;
import static dev.operators.permissionset.testing.RandomValues.chance;
import static dev.operators.permissionset.testing.RandomValues.pick;
import static dev.operators.permissionset.testing.RandomValues.string;
import static dev.operators.permissionset.testing.RandomValues.weighted;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Random specs for property tests: valid ones, valid ones with one field made wrong (too long, a bad character,
 * blank, missing, another script), and ones that are wrong everywhere. Each sample is a new object.
 */
public final class RandomSpecs {

  private static final String EMOJI = "\ud83d\ude00";
  private static final String CJK = RandomValues.range('\u4e00', '\u9fff');
  private static final int EDGE_ONE_IN = 4;
  private static final List<String> EDGE_IDS = List.of("a", "Z", "0", "9", "a" + "-".repeat(63),
      "z" + "_".repeat(63));
  private static final List<String> EDGE_NAMES = List.of("a", EMOJI, "x".repeat(32), EMOJI.repeat(32),
      "\u4e00".repeat(32), "-._");
  private static final List<String> ODD_IDS = List.of("", " ", "-leading", "_leading", "with space", "a/b",
      "ünïcödé", "ins-\n", "x".repeat(64), "x".repeat(65), "x".repeat(10_000), "null", "\u0000", "a.b",
      "ps-" + EMOJI);
  private static final List<String> ODD_NAMES = List.of("", " ", "\t", "x".repeat(33), "x".repeat(100_000),
      "Upper.Case");

  private RandomSpecs() {
  }

  /**
   * Permission sets, ID to name, that the valid specs name often (their edge values): a fake cloud that holds them
   * lets a good share of the specs get as far as provisioning.
   */
  public static Map<String, String> oftenNamedPermissionSets() {
    Map<String, String> permissionSets = new LinkedHashMap<>();
    for (int i = 0; i < EDGE_IDS.size(); i++) {
      permissionSets.put(EDGE_IDS.get(i), EDGE_NAMES.get(i));
    }
    return permissionSets;
  }

  /** The fields of a spec, so that one can be replaced before the spec is built. */
  private record Fields(String instanceId, String permissionSetId, String permissionSetName, TargetType targetType,
      String targetId, Kind connectionKind, String connectionName) {

    PermissionSetProvisioningSpec toSpec() {
      PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
      spec.setInstanceId(instanceId);
      spec.setPermissionSetId(permissionSetId);
      spec.setPermissionSetName(permissionSetName);
      spec.setTargetType(targetType);
      spec.setTargetId(targetId);
      spec.setConnectionRef(connectionKind == null ? null : new ConnectionReference(connectionKind, connectionName));
      return spec;
    }

    Fields with(int field, Object value) {
      return switch (field) {
        case 0 -> new Fields((String) value, permissionSetId, permissionSetName, targetType, targetId, connectionKind,
            connectionName);
        case 1 -> new Fields(instanceId, (String) value, permissionSetName, targetType, targetId, connectionKind,
            connectionName);
        case 2 -> new Fields(instanceId, permissionSetId, (String) value, targetType, targetId, connectionKind,
            connectionName);
        case 3 -> new Fields(instanceId, permissionSetId, permissionSetName, (TargetType) value, targetId,
            connectionKind, connectionName);
        case 4 -> new Fields(instanceId, permissionSetId, permissionSetName, targetType, (String) value, connectionKind,
            connectionName);
        default -> new Fields(instanceId, permissionSetId, permissionSetName, targetType, targetId,
            connectionKind == null ? Kind.IdentityCenterConnection : connectionKind, (String) value);
      };
    }
  }

  public static PermissionSetProvisioningSpec spec(RandomGenerator random) {
    Fields fields = switch (weighted(random, 3, 5, 2)) {
      case 0 -> valid(random);
      case 1 -> oneFieldWrong(random);
      default -> new Fields(anyId(random), anyId(random), anyName(random), targetType(random), anyId(random),
          random.nextBoolean() ? null : pick(random, Kind.class), anyName(random));
    };
    return fields.toSpec();
  }

  private static Fields oneFieldWrong(RandomGenerator random) {
    int field = random.nextInt(6);
    Object value = switch (field) {
      case 2, 5 -> anyName(random);
      case 3 -> targetType(random);
      default -> anyId(random);
    };
    return valid(random).with(field, value);
  }

  private static Fields valid(RandomGenerator random) {
    boolean byId = random.nextBoolean();
    TargetType type = targetType(random);
    boolean allAccounts = type == TargetType.ALL_PROVISIONED_ACCOUNTS;
    Kind connectionKind = chance(random, 0.6) ? null : pick(random, Kind.class);
    return new Fields(id(random), byId ? id(random) : null, byId ? null : validName(random), type,
        allAccounts ? null : id(random), connectionKind,
        connectionKind == null ? null : string(random, LOWERCASE, 1, 20));
  }

  /** A valid ID: 1 to 64 letters, digits, '-' or '_', not starting with '-' or '_'; often the shortest or longest. */
  private static String id(RandomGenerator random) {
    if (random.nextInt(EDGE_ONE_IN) == 0) {
      return pick(random, EDGE_IDS);
    }
    return string(random, LETTERS + DIGITS, 1, 1) + string(random, LOWERCASE + DIGITS + "-_", 0, 63);
  }

  /** A valid name: 1 to 32 characters of any script, emoji included; often the shortest or longest. */
  private static String validName(RandomGenerator random) {
    if (random.nextInt(EDGE_ONE_IN) == 0) {
      return pick(random, EDGE_NAMES);
    }
    return switch (random.nextInt(3)) {
      case 0 -> string(random, LETTERS + DIGITS + "-._", 1, 32);
      case 1 -> string(random, CJK, 1, 32);
      default -> EMOJI.repeat(between(random, 1, 32));
    };
  }

  /** IDs right, nearly right and wrong: lengths around 64, bad characters, blank, missing, huge. */
  private static String anyId(RandomGenerator random) {
    return switch (weighted(random, 2, 3, 3, 2)) {
      case 0 -> null;
      case 1 -> id(random);
      case 2 -> pick(random, ODD_IDS);
      default -> anyText(random, 80);
    };
  }

  /** Names of every length around the limit of 32, in every script, blank or not, and missing. */
  private static String anyName(RandomGenerator random) {
    return switch (weighted(random, 2, 3, 2, 2, 1)) {
      case 0 -> null;
      case 1 -> validName(random);
      case 2 -> EMOJI.repeat(between(random, 33, 40));
      case 3 -> pick(random, ODD_NAMES);
      default -> anyText(random, 40);
    };
  }

  private static TargetType targetType(RandomGenerator random) {
    return chance(random, 0.3) ? null : pick(random, TargetType.class);
  }
}
