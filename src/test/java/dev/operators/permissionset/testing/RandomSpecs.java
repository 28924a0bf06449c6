package dev.operators.permissionset.testing;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random specs for property tests: valid ones, valid ones with one field made wrong (too long, a bad character,
 * blank, missing, another script), and ones that are wrong everywhere. Each sample is a new object.
 */
public final class RandomSpecs {

  private RandomSpecs() {
  }

  /** The fields of a spec, so that one can be replaced before the spec is built. */
  private record Fields(String instanceId, String permissionSetId, String permissionSetName, TargetType targetType,
      String targetId, String secretName, boolean hasSecretRef) {

    PermissionSetProvisioningSpec toSpec() {
      PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
      spec.setInstanceId(instanceId);
      spec.setPermissionSetId(permissionSetId);
      spec.setPermissionSetName(permissionSetName);
      spec.setTargetType(targetType);
      spec.setTargetId(targetId);
      spec.setCredentialsSecretRef(hasSecretRef ? new SecretReference(secretName) : null);
      return spec;
    }

    Fields with(int field, Object value) {
      return switch (field) {
        case 0 -> new Fields((String) value, permissionSetId, permissionSetName, targetType, targetId, secretName,
            hasSecretRef);
        case 1 -> new Fields(instanceId, (String) value, permissionSetName, targetType, targetId, secretName,
            hasSecretRef);
        case 2 -> new Fields(instanceId, permissionSetId, (String) value, targetType, targetId, secretName,
            hasSecretRef);
        case 3 -> new Fields(instanceId, permissionSetId, permissionSetName, (TargetType) value, targetId,
            secretName, hasSecretRef);
        case 4 -> new Fields(instanceId, permissionSetId, permissionSetName, targetType, (String) value, secretName,
            hasSecretRef);
        default -> new Fields(instanceId, permissionSetId, permissionSetName, targetType, targetId, (String) value,
            true);
      };
    }
  }

  public static Arbitrary<PermissionSetProvisioningSpec> specs() {
    Arbitrary<Fields> oneFieldWrong = Combinators.combine(valid(), Arbitraries.integers().between(0, 5),
        anyId(), anyName(), targetTypes()).as((fields, field, id, name, type) -> fields.with(field,
            switch (field) {
              case 2 -> name;
              case 3 -> type;
              case 5 -> name;
              default -> id;
            }));
    Arbitrary<Fields> wrongEverywhere = Combinators.combine(anyId(), anyId(), anyName(), targetTypes(), anyId(),
        anyName(), Arbitraries.of(true, false)).as(Fields::new);
    return Arbitraries.frequencyOf(
        Tuple.of(3, valid()),
        Tuple.of(5, oneFieldWrong),
        Tuple.of(2, wrongEverywhere))
        .map(fields -> ((Fields) fields).toSpec());
  }

  private static Arbitrary<Fields> valid() {
    return Combinators.combine(id(), id(), validName(), Arbitraries.of(true, false), targetTypes(), id(),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20).injectNull(0.6))
        .as((instance, permissionSetId, name, byId, type, account, secret) -> {
          boolean allAccounts = type == TargetType.ALL_PROVISIONED_ACCOUNTS;
          return new Fields(instance, byId ? permissionSetId : null, byId ? null : name, type,
              allAccounts ? null : account, secret, secret != null);
        });
  }

  /** A valid ID: 1 to 64 letters, digits, '-' or '_', not starting with '-' or '_'. */
  private static Arbitrary<String> id() {
    return Combinators.combine(
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').ofLength(1),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-', '_').ofMaxLength(63))
        .as(String::concat);
  }

  /** A valid name: 1 to 32 characters of any script, emoji included. */
  private static Arbitrary<String> validName() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars('-', '.', '_').ofMinLength(1).ofMaxLength(32),
        Arbitraries.strings().withCharRange('\u4e00', '\u9fff').ofMinLength(1).ofMaxLength(32),
        Arbitraries.integers().between(1, 32).map("\ud83d\ude00"::repeat));
  }

  /** IDs right, nearly right and wrong: lengths around 64, bad characters, blank, missing, huge. */
  private static Arbitrary<String> anyId() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(null)),
        Tuple.of(3, id()),
        Tuple.of(3, Arbitraries.of("", " ", "-leading", "_leading", "with space", "a/b", "ünïcödé", "ins-\n",
            "x".repeat(64), "x".repeat(65), "x".repeat(10_000), "null", "\u0000", "a.b", "ps-\ud83d\ude00")),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(80)))
        .map(value -> (String) value);
  }

  /** Names of every length around the limit of 32, in every script, blank or not, and missing. */
  private static Arbitrary<String> anyName() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(null)),
        Tuple.of(3, validName()),
        Tuple.of(2, Arbitraries.integers().between(33, 40).map("\ud83d\ude00"::repeat)),
        Tuple.of(2, Arbitraries.of("", " ", "\t", "x".repeat(33), "x".repeat(100_000), "Upper.Case")),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(40)))
        .map(value -> (String) value);
  }

  private static Arbitrary<TargetType> targetTypes() {
    return Arbitraries.of(TargetType.class).injectNull(0.3);
  }
}
