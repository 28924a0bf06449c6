package dev.operators.permissionset.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * Validates custom resources against one version of a CRD offline, in the order the API server does: drop nulls and
 * apply defaults, check the OpenAPI v3 schema, then evaluate the CEL rules. As in the API server, the rules are not
 * evaluated when a value has the wrong type, since they could not be evaluated meaningfully.
 */
final class CrdValidator {

  static final String RULES_NOT_CHECKED = "some validation rules were not checked because the object was invalid; "
      + "correct the existing errors to complete validation";

  private final JsonNode openApiV3Schema;
  private final OpenApiSchemaValidation schema;
  private final CelValidationRules rules;

  CrdValidator(JsonNode openApiV3Schema) {
    this.openApiV3Schema = openApiV3Schema;
    this.schema = new OpenApiSchemaValidation(openApiV3Schema);
    this.rules = new CelValidationRules(openApiV3Schema);
  }

  /** The validator for a version of the CRD in a YAML file. */
  static CrdValidator load(Path crdFile, String version) throws IOException {
    JsonNode crd = new YAMLMapper().readTree(crdFile.toFile());
    JsonNode versionNode = StreamSupport.stream(crd.path("spec").path("versions").spliterator(), false)
        .filter(v -> version.equals(v.path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(crdFile + " has no version " + version));
    JsonNode openApiV3Schema = versionNode.path("schema").path("openAPIV3Schema");
    if (!openApiV3Schema.isObject()) {
      throw new IllegalArgumentException(crdFile + " has no schema.openAPIV3Schema for version " + version);
    }
    return new CrdValidator(openApiV3Schema);
  }

  CelValidationRules rules() {
    return rules;
  }

  /** Why the API server would reject creating the resource; empty when it would accept it. */
  List<Violation> validateCreate(JsonNode resource) {
    return validate(StructuralDefaulting.apply(openApiV3Schema, resource), null);
  }

  /** Why the API server would reject replacing the stored {@code oldResource} with {@code resource}. */
  List<Violation> validateUpdate(JsonNode oldResource, JsonNode resource) {
    return validate(StructuralDefaulting.apply(openApiV3Schema, resource),
        StructuralDefaulting.apply(openApiV3Schema, oldResource));
  }

  private List<Violation> validate(JsonNode resource, JsonNode oldResource) {
    List<Violation> violations = new ArrayList<>(schema.validate(resource));
    if (violations.stream().anyMatch(v -> v.keyword().equals("type"))) {
      violations.add(new Violation("<root>", Violation.VALIDATION_RULE, RULES_NOT_CHECKED));
    } else {
      violations.addAll(rules.validate(resource, oldResource));
    }
    return violations;
  }
}
