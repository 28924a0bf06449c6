package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD, validated offline as the API server would validate resources against it (no API server runs
 * here, and the mock server validates nothing): the OpenAPI schema with networknt's validator, the CEL rules with
 * CEL-Java. Each rejection is pinned to its field and reason, so a loosened schema fails a test.
 */
class CrdSchemaTest {

  private static final Path CRD = Path.of("crds", CrdIsCommittedTest.FILE);
  private static final Path EXAMPLES = Path.of("examples");
  private static final Path FIXTURES = Path.of("src/test/resources/crd-fixtures");
  private static final YAMLMapper YAML = new YAMLMapper();

  // what the user sees, word for word
  private static final String ONE_PERMISSION_SET = "set exactly one of spec.permissionSetId and spec.permissionSetName";
  private static final String TARGET_ID_REQUIRED = "spec.targetId is required when spec.targetType is ACCOUNT; "
      + "set it to the account ID";
  private static final String TARGET_ID_FORBIDDEN = "spec.targetId must be omitted when spec.targetType is "
      + "ALL_PROVISIONED_ACCOUNTS";
  private static final String INSTANCE_ID_IMMUTABLE = "spec.instanceId is immutable; create a new resource instead";

  private static CrdValidator validator;

  @BeforeAll
  static void loadCrd() throws IOException {
    validator = CrdValidator.load(CRD, PermissionSetProvisioning.VERSION);
  }

  @Test
  void everyRuleOfTheCrdIsCompiled() {
    // one-of, targetId required for ACCOUNT, targetId forbidden for ALL_PROVISIONED_ACCOUNTS, immutable instanceId
    assertThat(validator.rules().ruleCount()).isEqualTo(4);
  }

  static Stream<Arguments> examples() throws IOException {
    List<Arguments> resources = new ArrayList<>();
    // the subfolders too: examples/aws/ holds the AWS examples
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          for (JsonNode document : documents.readAll()) {
            if (isPermissionSetProvisioning(document)) {
              resources.add(Arguments.of(EXAMPLES.relativize(file).toString(), document));
            }
          }
        }
      }
    }
    assertThat(resources).as("PermissionSetProvisioning examples in %s", EXAMPLES).hasSizeGreaterThanOrEqualTo(5);
    return resources.stream();
  }

  private static boolean isPermissionSetProvisioning(JsonNode document) {
    return document.path("apiVersion").asText().equals(PermissionSetProvisioning.GROUP + "/"
        + PermissionSetProvisioning.VERSION) && document.path("kind").asText().equals("PermissionSetProvisioning");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsAccepted(String file, JsonNode resource) {
    assertThat(validator.validateCreate(resource)).isEmpty();
  }

  static Stream<String> validFixtures() throws IOException {
    try (Stream<Path> files = Files.list(FIXTURES.resolve("valid"))) {
      List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
      assertThat(names).hasSizeGreaterThanOrEqualTo(10);
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFixtures")
  void everyAllowedShapeIsAccepted(String file) {
    assertThat(validator.validateCreate(fixture("valid/" + file))).isEmpty();
  }

  /** Each invalid fixture with the exact violations the API server would report: "FIELD KEYWORD", "FIELD: MESSAGE". */
  static Stream<Arguments> invalidFixtures() {
    return Stream.of(
        rejected("missing-spec", "spec required"),
        rejected("missing-instance-id", "spec.instanceId required"),
        rejected("empty-instance-id", "spec.instanceId minLength", "spec.instanceId pattern"),
        // 65 characters: the pattern bounds a Huawei ID, as maxLength leaves room for an AWS ARN
        rejected("instance-id-too-long", "spec.instanceId pattern"),
        rejected("instance-arn-of-another-service", "spec.instanceId pattern"),
        rejected("permission-set-arn-with-short-id", "spec.permissionSetId pattern"),
        rejected("instance-id-with-slash", "spec.instanceId pattern"),
        rejected("instance-id-not-a-string", "spec.instanceId type", "<root>: " + CrdValidator.RULES_NOT_CHECKED),
        rejected("both-permission-set-id-and-name", "spec: " + ONE_PERMISSION_SET),
        rejected("neither-permission-set-id-nor-name", "spec: " + ONE_PERMISSION_SET),
        rejected("permission-set-id-with-space", "spec.permissionSetId pattern"),
        rejected("permission-set-name-too-long", "spec.permissionSetName maxLength"),
        rejected("account-without-target-id", "spec: " + TARGET_ID_REQUIRED),
        rejected("defaulted-account-without-target-id", "spec: " + TARGET_ID_REQUIRED),
        rejected("all-provisioned-accounts-with-target-id", "spec: " + TARGET_ID_FORBIDDEN),
        rejected("unknown-target-type", "spec.targetType enum"),
        rejected("lower-case-target-type", "spec.targetType enum"),
        rejected("target-id-with-leading-dash", "spec.targetId pattern"),
        rejected("misspelled-target-id", "spec.targetID additionalProperties", "spec: " + TARGET_ID_REQUIRED),
        rejected("connection-ref-without-name", "spec.connectionRef.name required"),
        rejected("connection-ref-without-kind", "spec.connectionRef.kind required"),
        rejected("connection-ref-to-a-secret", "spec.connectionRef.kind enum"),
        rejected("connection-ref-lower-case-kind", "spec.connectionRef.kind enum"),
        rejected("connection-ref-upper-case-name", "spec.connectionRef.name pattern"),
        rejected("connection-ref-as-string", "spec.connectionRef type", "<root>: " + CrdValidator.RULES_NOT_CHECKED),
        // credentials come from a connection now; the field is gone, not ignored
        rejected("credentials-secret-ref", "spec.credentialsSecretRef additionalProperties"));
  }

  private static Arguments rejected(String fixture, String... violations) {
    return Arguments.of(fixture, List.of(violations));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFixtures")
  void invalidInputIsRejectedNamingTheField(String fixture, List<String> expected) {
    List<String> violations = validator.validateCreate(fixture("invalid/" + fixture + ".yaml")).stream()
        .map(CrdSchemaTest::describe)
        .toList();

    assertThat(violations).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyInvalidFixtureIsInTheTable() throws IOException {
    try (Stream<Path> files = Files.list(FIXTURES.resolve("invalid"))) {
      List<String> tabled = invalidFixtures().map(a -> a.get()[0] + ".yaml").toList();
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(tabled);
    }
  }

  @Test
  void changingTheInstanceIsRejected() {
    JsonNode stored = fixture("valid/permission-set-id-to-account.yaml");

    List<Violation> violations = validator.validateUpdate(stored,
        withSpec(stored, "instanceId", "ins-0000000000000001"));

    assertThat(violations).containsExactly(
        new Violation("spec.instanceId", Violation.VALIDATION_RULE, INSTANCE_ID_IMMUTABLE));
  }

  @Test
  void changingTheTargetIsAccepted() {
    JsonNode stored = fixture("valid/permission-set-id-to-account.yaml");

    assertThat(validator.validateUpdate(stored, withSpec(stored, "targetId", "9a8b7c6d5e4f30211203f4e5d6c7b8a9")))
        .isEmpty();
  }

  @Test
  void switchingFromPermissionSetIdToAllProvisionedAccountsByNameIsAccepted() {
    JsonNode stored = fixture("valid/permission-set-id-to-account.yaml");

    assertThat(validator.validateUpdate(stored, fixture("valid/permission-set-name-to-all-provisioned-accounts.yaml")))
        .isEmpty();
  }

  @Test
  void anUpdateIsStillCheckedByTheRulesThatApplyToNewResources() {
    JsonNode stored = fixture("valid/permission-set-id-to-account.yaml");
    ObjectNode updated = withSpec(stored, "instanceId", "ins-0000000000000001");
    ((ObjectNode) updated.get("spec")).remove("targetId");

    assertThat(validator.validateUpdate(stored, updated)).containsExactlyInAnyOrder(
        new Violation("spec.instanceId", Violation.VALIDATION_RULE, INSTANCE_ID_IMMUTABLE),
        new Violation("spec", Violation.VALIDATION_RULE, TARGET_ID_REQUIRED));
  }

  private static ObjectNode withSpec(JsonNode resource, String field, String value) {
    ObjectNode copy = resource.deepCopy();
    ((ObjectNode) copy.get("spec")).put(field, value);
    return copy;
  }

  private static String describe(Violation violation) {
    return violation.keyword().equals(Violation.VALIDATION_RULE)
        ? violation.field() + ": " + violation.message()
        : violation.field() + " " + violation.keyword();
  }

  private static JsonNode fixture(String name) {
    try {
      return YAML.readTree(FIXTURES.resolve(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
