package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.connection.ConnectionValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRDs of IdentityCenterConnection and ClusterIdentityCenterConnection, validated offline as the API
 * server would (see {@link CrdSchemaTest}). A fixture goes through the CRD of its own kind; each rejection is pinned
 * to its field and reason.
 */
class ConnectionCrdSchemaTest {

  private static final Path EXAMPLES = Path.of("examples");
  private static final Path FIXTURES = Path.of("src/test/resources/crd-fixtures/connections");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String NAMESPACED = "IdentityCenterConnection";
  private static final String CLUSTER = "ClusterIdentityCenterConnection";

  // what the user sees, word for word
  private static final String ONE_CLOUD_BLOCK = "set exactly one cloud block: spec.huaweiCloud or spec.aws";
  private static final String EXTERNAL_ID_NEEDS_ROLE = "spec.aws.externalId is only sent when assuming a role: set "
      + "spec.aws.roleArn, or remove externalId";
  private static final String OWN_IDENTITY_CLUSTER_ONLY = "spec.aws.credentialsSecretRef is required on an "
      + "IdentityCenterConnection; only a ClusterIdentityCenterConnection may call AWS as the operator's own identity";

  private static Map<String, CrdValidator> validators;

  @BeforeAll
  static void loadCrds() throws IOException {
    validators = Map.of(
        NAMESPACED, CrdValidator.load(CrdIsCommittedTest.COMMITTED_FOLDER.resolve(CrdIsCommittedTest.CONNECTION_FILE),
            PermissionSetProvisioning.VERSION),
        CLUSTER, CrdValidator.load(CrdIsCommittedTest.COMMITTED_FOLDER.resolve(
            CrdIsCommittedTest.CLUSTER_CONNECTION_FILE), PermissionSetProvisioning.VERSION));
  }

  private static CrdValidator validatorFor(JsonNode resource) {
    String kind = resource.path("kind").asText();
    assertThat(validators).as("a connection kind").containsKey(kind);
    return validators.get(kind);
  }

  private static JsonNode crd(String file) {
    try {
      return YAML.readTree(CrdIsCommittedTest.COMMITTED_FOLDER.resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode specSchema(String file) {
    return crd(file).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema").path("properties")
        .path("spec");
  }

  @Test
  void everyRuleOfTheCrdsIsCompiled() {
    // exactly one cloud block; an external ID only with a role; (namespaced) no AWS without a Secret
    assertThat(validators.get(NAMESPACED).rules().ruleCount()).isEqualTo(3);
    assertThat(validators.get(CLUSTER).rules().ruleCount()).isEqualTo(2);
  }

  @Test
  void bothKindsShareOneSpecAndDifferInScope() {
    JsonNode namespaced = crd(CrdIsCommittedTest.CONNECTION_FILE);
    JsonNode cluster = crd(CrdIsCommittedTest.CLUSTER_CONNECTION_FILE);

    ObjectNode namespacedSpec = specSchema(CrdIsCommittedTest.CONNECTION_FILE).deepCopy();
    ObjectNode clusterSpec = specSchema(CrdIsCommittedTest.CLUSTER_CONNECTION_FILE).deepCopy();
    // the namespaced kind adds one rule: its namespace must not borrow the operator's own AWS identity
    assertThat(namespacedSpec.remove("x-kubernetes-validations")).hasSize(3);
    assertThat(clusterSpec.remove("x-kubernetes-validations")).hasSize(2);
    assertThat(namespacedSpec).isEqualTo(clusterSpec);
    assertThat(namespaced.path("spec").path("scope").asText()).isEqualTo("Namespaced");
    assertThat(cluster.path("spec").path("scope").asText()).isEqualTo("Cluster");
    assertThat(namespaced.path("spec").path("names").path("shortNames").get(0).asText()).isEqualTo("icconn");
    assertThat(cluster.path("spec").path("names").path("shortNames").get(0).asText()).isEqualTo("cicconn");
    assertThat(cluster.path("spec").path("names").path("kind").asText())
        .isEqualTo(new ClusterIdentityCenterConnection().getKind());
    for (JsonNode crd : List.of(namespaced, cluster)) {
      assertThat(crd.path("spec").path("versions").get(0).path("subresources").has("status")).isTrue();
    }
  }

  @Test
  void theSecretIsNamedWithoutANamespaceTheConnectionCouldReachInto() {
    JsonNode secretRef = specSchema(CrdIsCommittedTest.CONNECTION_FILE).path("properties").path("huaweiCloud")
        .path("properties").path("credentialsSecretRef");

    assertThat(secretRef.path("properties").properties()).extracting(Map.Entry::getKey).containsExactly("name");
  }

  static Stream<Arguments> examples() throws IOException {
    List<Arguments> connections = new ArrayList<>();
    // the subfolders too: examples/aws/ holds the AWS examples
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          for (JsonNode document : documents.readAll()) {
            if (document.path("apiVersion").asText().equals(PermissionSetProvisioning.GROUP + "/"
                + PermissionSetProvisioning.VERSION) && validators.containsKey(document.path("kind").asText())) {
              connections.add(Arguments.of(EXAMPLES.relativize(file).toString(), document));
            }
          }
        }
      }
    }
    assertThat(connections).as("connection examples in %s", EXAMPLES)
        .extracting(arguments -> ((JsonNode) arguments.get()[1]).path("kind").asText())
        .contains(NAMESPACED, CLUSTER);
    return connections.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsAccepted(String file, JsonNode connection) {
    assertThat(validatorFor(connection).validateCreate(connection)).isEmpty();
  }

  static Stream<String> validFixtures() throws IOException {
    try (Stream<Path> files = Files.list(FIXTURES.resolve("valid"))) {
      List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
      assertThat(names).hasSizeGreaterThanOrEqualTo(6);
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFixtures")
  void everyAllowedShapeIsAcceptedByTheCrdAndTheOperator(String file) {
    JsonNode connection = fixture("valid/" + file);

    assertThat(validatorFor(connection).validateCreate(connection)).isEmpty();
    assertThat(ConnectionValidator.problem(YAML.convertValue(connection.path("spec"),
        IdentityCenterConnectionSpec.class), connection.path("kind").asText().equals(CLUSTER))).isEmpty();
  }

  /** Each invalid fixture with the exact violations the API server would report: "FIELD KEYWORD", "FIELD: MESSAGE". */
  static Stream<Arguments> invalidFixtures() {
    return Stream.of(
        rejected("missing-spec", "spec required"),
        rejected("no-cloud-block", "spec: " + ONE_CLOUD_BLOCK),
        rejected("unknown-cloud-block", "spec.azure additionalProperties", "spec: " + ONE_CLOUD_BLOCK),
        rejected("cloud-block-as-string", "spec.huaweiCloud type", "<root>: " + CrdValidator.RULES_NOT_CHECKED),
        rejected("endpoint-without-scheme", "spec.huaweiCloud.endpoint pattern"),
        rejected("endpoint-ftp", "spec.huaweiCloud.endpoint pattern"),
        rejected("endpoint-with-query", "spec.huaweiCloud.endpoint pattern"),
        rejected("endpoint-with-space", "spec.huaweiCloud.endpoint pattern"),
        rejected("missing-credentials-secret-ref", "spec.huaweiCloud.credentialsSecretRef required"),
        rejected("credentials-secret-ref-without-name", "spec.huaweiCloud.credentialsSecretRef.name required"),
        rejected("credentials-secret-ref-upper-case-name", "spec.huaweiCloud.credentialsSecretRef.name pattern"),
        // the Secret's namespace is the connection's own, or the operator's: never one the spec names
        rejected("credentials-secret-ref-with-namespace",
            "spec.huaweiCloud.credentialsSecretRef.namespace additionalProperties"),
        rejected("empty-domain-id", "spec.huaweiCloud.domainId minLength"),
        rejected("allow-insecure-http-as-string", "spec.huaweiCloud.allowInsecureHttp type",
            "<root>: " + CrdValidator.RULES_NOT_CHECKED),
        rejected("allowed-namespaces-as-list", "spec.allowedNamespaces type",
            "<root>: " + CrdValidator.RULES_NOT_CHECKED),
        rejected("allowed-namespaces-misspelled", "spec.allowedNamespaces.namespaces additionalProperties"),
        rejected("aws-namespaced-connection-own-identity", "spec: " + OWN_IDENTITY_CLUSTER_ONLY),
        rejected("aws-and-huawei-blocks", "spec: " + ONE_CLOUD_BLOCK),
        rejected("aws-without-region", "spec.aws.region required"),
        rejected("aws-region-upper-case", "spec.aws.region pattern"),
        rejected("aws-external-id-without-role", "spec: " + EXTERNAL_ID_NEEDS_ROLE),
        rejected("aws-role-arn-of-a-user", "spec.aws.roleArn pattern"));
  }

  private static Arguments rejected(String fixture, String... violations) {
    return Arguments.of(fixture, List.of(violations));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFixtures")
  void invalidInputIsRejectedNamingTheField(String fixture, List<String> expected) {
    JsonNode connection = fixture("invalid/" + fixture + ".yaml");

    List<String> violations = validatorFor(connection).validateCreate(connection).stream()
        .map(ConnectionCrdSchemaTest::describe)
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
  void theEndpointDefaultsToHuaweiCloudsPublicOne() {
    JsonNode connection = fixture("valid/namespaced-connection.yaml");

    JsonNode defaulted = StructuralDefaulting.apply(crd(CrdIsCommittedTest.CONNECTION_FILE).path("spec")
        .path("versions").get(0).path("schema").path("openAPIV3Schema"), connection);

    assertThat(defaulted.path("spec").path("huaweiCloud").path("endpoint").asText())
        .isEqualTo("https://identitycenter.myhuaweicloud.com");
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
