package dev.operators.permissionset.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the API server does to a custom resource before it validates it: it drops null values of fields that are not
 * nullable, then fills absent fields that declare a default, descending into defaulted values too. Validation, CEL
 * rules included, sees the result.
 */
final class StructuralDefaulting {

  private StructuralDefaulting() {
  }

  /** A defaulted copy; the argument is not changed. */
  static JsonNode apply(JsonNode schema, JsonNode value) {
    JsonNode copy = value.deepCopy();
    visit(schema, copy);
    return copy;
  }

  private static void visit(JsonNode schema, JsonNode value) {
    if (value.isObject()) {
      ObjectNode object = (ObjectNode) value;
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        visitField(object, property.getKey(), property.getValue());
      }
      if (schema.path("additionalProperties").isObject()) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        names.removeIf(name -> schema.path("properties").has(name));
        names.forEach(name -> visitField(object, name, schema.get("additionalProperties")));
      }
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(item -> visit(schema.get("items"), item));
    }
  }

  private static void visitField(ObjectNode object, String name, JsonNode fieldSchema) {
    if (object.has(name) && object.get(name).isNull() && !fieldSchema.path("nullable").asBoolean(false)) {
      object.remove(name);
    }
    if (!object.has(name) && fieldSchema.has("default")) {
      object.set(name, fieldSchema.get("default").deepCopy());
    }
    if (object.has(name)) {
      visit(fieldSchema, object.get(name));
    }
  }
}
