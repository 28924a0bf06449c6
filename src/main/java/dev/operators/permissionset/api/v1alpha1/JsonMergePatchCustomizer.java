package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A JSON merge patch (RFC 7386) applied to the generated schema at build time by the CRD generator. Unlike the
 * generator's own MergePatchCustomizer, it merges nested objects, so it can add a description deep inside the schema
 * without restating the rest.
 */
public class JsonMergePatchCustomizer implements SchemaCustomizer.Customizer {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public JSONSchemaProps apply(JSONSchemaProps schema, String patch, KubernetesSerialization serialization) {
    try {
      JsonNode merged = merge(JSON.readTree(serialization.asJson(schema)), JSON.readTree(patch));
      return serialization.unmarshal(JSON.writeValueAsString(merged), JSONSchemaProps.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON merge patch: " + patch, e);
    }
  }

  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JSON.createObjectNode();
    patch.properties().forEach(entry -> {
      if (entry.getValue().isNull()) {
        result.remove(entry.getKey());
      } else {
        result.set(entry.getKey(), merge(result.get(entry.getKey()), entry.getValue()));
      }
    });
    return result;
  }
}
