package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

/**
 * The offline validator behaves as the API server where CrdSchemaTest relies on it: rules are type-checked against
 * the schema, transition rules wait for an old value, defaults come before rules, patterns are RE2.
 */
class CrdValidatorTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  private static final String SCHEMA = """
      type: object
      properties:
        spec:
          type: object
          properties:
            name:
              type: string
              x-kubernetes-validations:
              - rule: self == oldSelf
                message: name is immutable
            size:
              type: integer
              default: 3
            labels:
              type: array
              items:
                type: string
          x-kubernetes-validations:
          - rule: self.size < 10
          - rule: "!has(self.labels) || self.labels.all(l, l.startsWith('x-'))"
            message: labels start with x-
      """;

  @Test
  void aRuleThatNamesAFieldTheSchemaLacksIsRefused() {
    String schema = SCHEMA.replace("self.size < 10", "self.sise < 10");

    assertThatThrownBy(() -> new CrdValidator(yaml(schema)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spec: rule 'self.sise < 10' does not compile")
        .hasMessageContaining("undefined field 'sise'");
  }

  @Test
  void aRuleThatComparesAcrossTypesIsRefused() {
    String schema = SCHEMA.replace("self.size < 10", "self.size < 'ten'");

    assertThatThrownBy(() -> new CrdValidator(yaml(schema)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not compile");
  }

  @Test
  void aRuleThatIsNotBooleanIsRefused() {
    String schema = SCHEMA.replace("self.size < 10", "self.size + 1");

    assertThatThrownBy(() -> new CrdValidator(yaml(schema)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not bool");
  }

  @Test
  void aRuleWithoutAMessageIsReportedByItsText() {
    CrdValidator validator = new CrdValidator(yaml(SCHEMA));

    assertThat(validator.validateCreate(yaml("spec: {name: a, size: 12}"))).containsExactly(
        new Violation("spec", Violation.VALIDATION_RULE, "failed rule: self.size < 10"));
  }

  @Test
  void rulesSeeDefaultedValues() {
    String schema = SCHEMA.replace("self.size < 10", "self.size == 3");

    assertThat(new CrdValidator(yaml(schema)).validateCreate(yaml("spec: {name: a}"))).isEmpty();
  }

  @Test
  void macrosOverListsAreEvaluated() {
    CrdValidator validator = new CrdValidator(yaml(SCHEMA));

    assertThat(validator.validateCreate(yaml("spec: {name: a, labels: [x-a, x-b]}"))).isEmpty();
    assertThat(validator.validateCreate(yaml("spec: {name: a, labels: [x-a, b]}"))).containsExactly(
        new Violation("spec", Violation.VALIDATION_RULE, "labels start with x-"));
  }

  @Test
  void aTransitionRuleAppliesOnlyToUpdatesOfAnExistingValue() {
    CrdValidator validator = new CrdValidator(yaml(SCHEMA));

    assertThat(validator.validateCreate(yaml("spec: {name: a}"))).isEmpty();
    assertThat(validator.validateUpdate(yaml("spec: {size: 1}"), yaml("spec: {name: a}"))).isEmpty();
    assertThat(validator.validateUpdate(yaml("spec: {name: a}"), yaml("spec: {name: a, size: 1}"))).isEmpty();
    assertThat(validator.validateUpdate(yaml("spec: {name: a}"), yaml("spec: {name: b}"))).containsExactly(
        new Violation("spec.name", Violation.VALIDATION_RULE, "name is immutable"));
  }

  @Test
  void rulesAreNotEvaluatedWhenAValueHasTheWrongType() {
    CrdValidator validator = new CrdValidator(yaml(SCHEMA));

    assertThat(validator.validateCreate(yaml("spec: {name: a, size: twelve}")))
        .extracting(Violation::field, Violation::keyword)
        .containsExactlyInAnyOrder(tuple("spec.size", "type"), tuple("<root>", Violation.VALIDATION_RULE));
  }

  @Test
  void patternsAreRe2LikeTheApiServers() {
    String lookahead = """
        type: object
        properties:
          name:
            type: string
            pattern: "^(?!kube-)"
        """;

    assertThatThrownBy(() -> new CrdValidator(yaml(lookahead)).validateCreate(yaml("name: a")))
        .hasStackTraceContaining("(?!");
  }

  @Test
  void aKubernetesExtensionWhoseMeaningIsNotModelledIsRefused() {
    String listType = SCHEMA.replace("labels:\n        type: array", "labels:\n        type: array\n"
        + "        x-kubernetes-list-type: set");
    assertThat(listType).isNotEqualTo(SCHEMA);

    assertThatThrownBy(() -> new CrdValidator(yaml(listType)))
        .hasStackTraceContaining("x-kubernetes-list-type");
  }

  private static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
