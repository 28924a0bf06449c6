package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl explain shows the schema's descriptions: every field of the committed CRD must have one. */
class KubectlExplainTest {

  static JsonNode schema() throws IOException {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(CrdIsCommittedTest.COMMITTED.toFile());
    return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
  }

  @Test
  void everyFieldHasADescription() throws IOException {
    List<String> fields = new ArrayList<>();
    List<String> undescribed = new ArrayList<>();
    walk("permissionsetprovisionings", schema(), fields, undescribed);

    assertThat(fields).contains("permissionsetprovisionings.spec.targetId",
        "permissionsetprovisionings.status.conditions", "permissionsetprovisionings.status.conditions[].reason");
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
