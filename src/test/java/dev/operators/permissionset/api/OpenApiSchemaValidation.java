package dev.operators.permissionset.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The OpenAPI v3 part of a CRD's validation, as the API server applies it to a custom resource: types, required,
 * enums, lengths and patterns. Patterns are RE2 (Go's regexp, which the API server uses), not java.util.regex.
 * Unknown fields are rejected, as kubectl's default {@code --validate=strict} makes the API server do.
 *
 * <p>Of the Kubernetes extensions, only those whose meaning is modelled are accepted: {@code x-kubernetes-validations}
 * (evaluated by {@link CelValidationRules}), {@code x-kubernetes-preserve-unknown-fields} (keeps an object open) and
 * {@code x-kubernetes-int-or-string}. Any other keyword fails schema loading rather than being silently ignored.
 */
final class OpenApiSchemaValidation {

  static final String PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";

  private static final RegularExpressionFactory RE2 = pattern -> {
    com.google.re2j.Pattern compiled = com.google.re2j.Pattern.compile(pattern);
    return value -> compiled.matcher(value).find();
  };

  private static final JsonMetaSchema KUBERNETES_OPENAPI = JsonMetaSchema.builder(OpenApi30.getInstance())
      .keyword(new NonValidationKeyword(Violation.VALIDATION_RULE))
      .keyword(new NonValidationKeyword(PRESERVE_UNKNOWN_FIELDS))
      .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
      .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
      .build();

  private final JsonSchema schema;

  OpenApiSchemaValidation(JsonNode openApiV3Schema) {
    JsonSchemaFactory factory = JsonSchemaFactory.builder()
        .metaSchema(KUBERNETES_OPENAPI)
        .defaultMetaSchemaIri(KUBERNETES_OPENAPI.getIri())
        .build();
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
        .regularExpressionFactory(RE2)
        .formatAssertionsEnabled(true)
        .build();
    this.schema = factory.getSchema(asKubernetesValidatesIt(openApiV3Schema), config);
  }

  List<Violation> validate(JsonNode resource) {
    Set<ValidationMessage> messages = schema.validate(resource);
    return messages.stream()
        .map(m -> new Violation(field(m), m.getType(), m.getMessage()))
        .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::keyword))
        .toList();
  }

  /**
   * The schema with what the API server adds implicitly: apiVersion, kind and metadata at the root (metadata is
   * checked by the API server itself, not by the CRD), and every object without additionalProperties or
   * x-kubernetes-preserve-unknown-fields closed to unknown fields.
   */
  private static JsonNode asKubernetesValidatesIt(JsonNode openApiV3Schema) {
    ObjectNode root = openApiV3Schema.deepCopy();
    ObjectNode properties = root.withObjectProperty("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties.putObject("metadata").put("type", "object");
    closeObjects(root);
    return root;
  }

  private static void closeObjects(JsonNode schema) {
    if (schema.has("properties") && !schema.has("additionalProperties")
        && !schema.path(PRESERVE_UNKNOWN_FIELDS).asBoolean(false)) {
      ((ObjectNode) schema).set("additionalProperties", JsonNodeFactory.instance.booleanNode(false));
    }
    schema.path("properties").forEach(OpenApiSchemaValidation::closeObjects);
    if (schema.has("items")) {
      closeObjects(schema.get("items"));
    }
    if (schema.path("additionalProperties").isObject()) {
      closeObjects(schema.get("additionalProperties"));
    }
  }

  /** The field as the API server names it: required and unknown fields by their own path, not their parent's. */
  private static String field(ValidationMessage message) {
    String path = path(message.getInstanceLocation());
    String property = message.getProperty();
    if (property == null) {
      return path;
    }
    return path.isEmpty() ? property : path + "." + property;
  }

  private static String path(JsonNodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".").append(element);
      }
    }
    return path.toString();
  }
}
