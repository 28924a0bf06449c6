package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl explain shows the schema's descriptions: every field of the committed CRDs must have one. */
class KubectlExplainTest {

  static JsonNode crd(String file) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(CrdIsCommittedTest.COMMITTED_FOLDER.resolve(file).toFile());
  }

  static JsonNode schema(String file) throws IOException {
    return crd(file).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
  }

  private static List<String> undescribed(String plural, String file, List<String> fields) throws IOException {
    List<String> undescribed = new ArrayList<>();
    walk(plural, schema(file), fields, undescribed);
    return undescribed;
  }

  @Test
  void everyFieldOfPermissionSetProvisioningHasADescription() throws IOException {
    List<String> fields = new ArrayList<>();
    List<String> undescribed = undescribed("permissionsetprovisionings", CrdIsCommittedTest.FILE, fields);

    assertThat(fields).contains("permissionsetprovisionings.spec.targetId",
        "permissionsetprovisionings.spec.connectionRef.kind", "permissionsetprovisionings.status.conditions",
        "permissionsetprovisionings.status.conditions[].reason");
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  @Test
  void everyFieldOfIdentityCenterConnectionHasADescription() throws IOException {
    List<String> fields = new ArrayList<>();
    List<String> undescribed = undescribed("identitycenterconnections", CrdIsCommittedTest.CONNECTION_FILE, fields);

    assertThat(fields).contains("identitycenterconnections.spec.huaweiCloud.endpoint",
        "identitycenterconnections.spec.huaweiCloud.credentialsSecretRef.name",
        "identitycenterconnections.status.resources", "identitycenterconnections.status.conditions[].reason");
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  @Test
  void everyFieldOfClusterIdentityCenterConnectionHasADescription() throws IOException {
    List<String> fields = new ArrayList<>();
    List<String> undescribed = undescribed("clusteridentitycenterconnections",
        CrdIsCommittedTest.CLUSTER_CONNECTION_FILE, fields);

    assertThat(fields).contains("clusteridentitycenterconnections.spec.allowedNamespaces.names",
        "clusteridentitycenterconnections.spec.allowedNamespaces.selector.matchLabels",
        "clusteridentitycenterconnections.status.lastCheckedAt");
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  private static void walk(String path, JsonNode schema, List<String> fields, List<String> undescribed) {
    fields.add(path);
    if (schema.path("description").asText().isBlank()) {
      undescribed.add(path);
    }
    schema.path("properties").properties().forEach(property ->
        walk(path + "." + property.getKey(), property.getValue(), fields, undescribed));
    if (schema.has("items")) {
      walk(path + "[]", schema.get("items"), fields, undescribed);
    }
  }
}
