package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.operators.permissionset.testing.Kubectl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code kubectl get} shows: the CRDs' columns in reading order, each evaluated by kubectl's own JSONPath on
 * resources as the operator writes them (deploy/argocd/testdata, deploy/argocd/connections/testdata). The API
 * server's table takes a column's first result.
 */
class PrinterColumnsTest {

  private static final Path TESTDATA = Path.of("deploy/argocd/testdata");
  private static final Path CONNECTION_TESTDATA = Path.of("deploy/argocd/connections/testdata");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<JsonNode> columns() throws IOException {
    return columns(CrdIsCommittedTest.FILE);
  }

  private static List<JsonNode> columns(String crdFile) throws IOException {
    JsonNode crd = KubectlExplainTest.crd(crdFile);
    return StreamSupport.stream(crd.path("spec").path("versions").get(0).path("additionalPrinterColumns")
        .spliterator(), false).toList();
  }

  @Test
  void columnsComeInReadingOrderWithTheDetailsInWideOutput() throws IOException {
    List<String> names = columns().stream().map(column -> column.path("name").asText()).toList();
    List<String> wide = columns().stream().filter(column -> column.path("priority").asInt() > 0)
        .map(column -> column.path("name").asText()).toList();

    assertThat(names).containsExactly("Ready", "UpToDate", "Status", "Permission Set", "Target", "Reason",
        "Request ID", "Message", "Age");
    assertThat(wide).containsExactly("Request ID", "Message");
  }

  @Test
  void aProvisionedResourceShowsItsOutcomeAtAGlance() throws Exception {
    assertThat(row("provisioned.yaml")).containsExactly(
        "True", "Unknown", "SUCCEEDED", "ps-8603aaaaaaaa14bd", "5146d03d8aaaaaaaaaaaabbae60620a5", "Provisioned",
        status("provisioned.yaml", "requestId"), readyMessage("provisioned.yaml"),
        metadata("provisioned.yaml", "creationTimestamp"));
  }

  @Test
  void aPermissionSetNamedForAllAccountsShowsTheNameAndTheTargetType() throws Exception {
    assertThat(row("provisioned-to-all-accounts.yaml")).startsWith(
        "True", "Unknown", "SUCCEEDED", "Team-137", "ALL_PROVISIONED_ACCOUNTS", "Provisioned");
  }

  @Test
  void aFailedRequestShowsWhy() throws Exception {
    assertThat(row("failed.yaml")).startsWith("False", null, "FAILED", "ps-8603aaaaaaaa14bd",
        "9a8b7c6d5e4f30211203f4e5d6c7b8a9", "ProvisioningFailed");
    assertThat(row("failed.yaml").get(7)).contains("is suspended and cannot be provisioned");
  }

  @Test
  void aResourceWithoutStatusShowsItsSpecOnly() throws Exception {
    List<String> row = row("no-status.yaml");

    assertThat(row).containsExactly(null, null, null, "ps-8603aaaaaaaa14bd", "5146d03d8aaaaaaaaaaaabbae60620a5",
        null, null, null, metadata("no-status.yaml", "creationTimestamp"));
  }

  @Test
  void aProvisionedResourceFoundUpToDateShowsIt() throws Exception {
    assertThat(row("up-to-date.yaml")).startsWith("True", "True", "SUCCEEDED", "ps-8603aaaaaaaa14bd",
        "5146d03d8aaaaaaaaaaaabbae60620a5", "Provisioned");
  }

  @Test
  void aProvisionedResourceWhosePermissionSetChangedSinceShowsItIsOutOfDate() throws Exception {
    // Ready stays about the generation's provisioning; UpToDate tells that the target holds an old copy
    assertThat(row("out-of-date.yaml")).startsWith("True", "False", "SUCCEEDED", "ps-8603aaaaaaaa14bd",
        "5146d03d8aaaaaaaaaaaabbae60620a5", "Provisioned");
  }

  @ParameterizedTest
  @ValueSource(strings = {CrdIsCommittedTest.CONNECTION_FILE, CrdIsCommittedTest.CLUSTER_CONNECTION_FILE})
  void connectionsShowWhetherTheyWorkAndHowManyResourcesUseThem(String crdFile) throws IOException {
    List<String> names = columns(crdFile).stream().map(column -> column.path("name").asText()).toList();
    List<String> wide = columns(crdFile).stream().filter(column -> column.path("priority").asInt() > 0)
        .map(column -> column.path("name").asText()).toList();

    assertThat(names).containsExactly("Ready", "Reason", "Resources", "Message", "Age");
    assertThat(wide).containsExactly("Message");
  }

  @Test
  void aConnectionThatWorksShowsItsUsers() throws Exception {
    assertThat(connectionRow(CrdIsCommittedTest.CLUSTER_CONNECTION_FILE, "valid.yaml")).containsExactly(
        "True", "Valid", "4", "Identity Center at https://identitycenter.myhuaweicloud.com accepted the credentials "
            + "of Secret permission-set-operator/identity-center.", "2026-11-23T08:46:14Z");
  }

  @Test
  void aConnectionTheCloudRefusedShowsWhy() throws Exception {
    List<String> row = connectionRow(CrdIsCommittedTest.CONNECTION_FILE, "invalid-credentials.yaml");

    assertThat(row).startsWith("False", "InvalidCredentials", "2");
    assertThat(row.get(3)).contains("rejected the credentials", "HTTP 401");
  }

  @Test
  void aConnectionBeingCheckedShowsUnknown() throws Exception {
    assertThat(connectionRow(CrdIsCommittedTest.CONNECTION_FILE, "checking.yaml")).startsWith("Unknown", "Checking",
        "0");
  }

  @Test
  void aConnectionWithoutStatusShowsItsAgeOnly() throws Exception {
    assertThat(connectionRow(CrdIsCommittedTest.CONNECTION_FILE, "no-status.yaml"))
        .containsExactly(null, null, null, null, "2026-11-23T08:46:14Z");
  }

  /** Each column's first result, as kubectl's JSONPath finds it; null where there is none (an empty cell). */
  private static List<String> row(String file) throws Exception {
    return row(columns(), TESTDATA.resolve(file));
  }

  private static List<String> connectionRow(String crdFile, String file) throws Exception {
    return row(columns(crdFile), CONNECTION_TESTDATA.resolve(file));
  }

  private static List<String> row(List<JsonNode> columns, Path file) throws Exception {
    List<String> cells = new ArrayList<>();
    for (JsonNode column : columns) {
      JsonNode results = JSON.readTree(kubectlJsonPath(file, column.path("jsonPath").asText()));
      cells.add(results.isEmpty() ? null : results.get(0).asText());
    }
    return cells;
  }

  private static String kubectlJsonPath(Path file, String jsonPath) throws Exception {
    Kubectl.assumeOnPath();
    // label --local evaluates the output template on the file without a cluster
    Process kubectl = new ProcessBuilder("kubectl", "label", "--local", "-f", file.toString(), "printer=columns",
        "-o", "jsonpath-as-json={" + jsonPath + "}").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    kubectl.getOutputStream().close();
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kubectl.exitValue()).as("kubectl jsonpath %s on %s", jsonPath, file).isZero();
    return output;
  }

  private static Map<String, Object> resource(String file) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readValue(TESTDATA.resolve(file).toFile(),
        new TypeReference<LinkedHashMap<String, Object>>() { });
  }

  @SuppressWarnings("unchecked")
  private static String status(String file, String field) throws IOException {
    return (String) ((Map<String, Object>) resource(file).get("status")).get(field);
  }

  @SuppressWarnings("unchecked")
  private static String metadata(String file, String field) throws IOException {
    return (String) ((Map<String, Object>) resource(file).get("metadata")).get(field);
  }

  @SuppressWarnings("unchecked")
  private static String readyMessage(String file) throws IOException {
    List<Map<String, Object>> conditions =
        (List<Map<String, Object>>) ((Map<String, Object>) resource(file).get("status")).get("conditions");
    return conditions.stream().filter(condition -> "Ready".equals(condition.get("type")))
        .map(condition -> (String) condition.get("message")).findFirst().orElseThrow();
  }
}
