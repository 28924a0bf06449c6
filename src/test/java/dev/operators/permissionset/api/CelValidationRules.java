package dev.operators.permissionset.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code x-kubernetes-validations} rule of a structural schema, compiled and evaluated with CEL-Java the way
 * the API server does it.
 *
 * <ul>
 *   <li>{@code self} (and {@code oldSelf}) are typed from the schema at the rule's node. Objects with properties are
 *       declared as struct types, so a rule that names a field the schema lacks, or compares a string with a number,
 *       fails to compile, as the API server refuses such a CRD. At run time objects are maps, so {@code has()} tests
 *       whether a field is present.</li>
 *   <li>A rule must be boolean. A rule is evaluated only where its node has a value.</li>
 *   <li>A transition rule (one that references {@code oldSelf}) is evaluated only on update and only where the old
 *       object has a value at the same path; list items are not correlated with old ones.</li>
 *   <li>A failed rule is reported with its message, or "failed rule: RULE" when it has none, at the rule's node.</li>
 * </ul>
 *
 * <p>Only {@code rule} and {@code message} are modelled; a rule using {@code messageExpression}, {@code fieldPath},
 * {@code reason} or {@code optionalOldSelf} fails loading rather than being evaluated differently than in a cluster.
 */
final class CelValidationRules {

  private static final Set<String> MODELLED_RULE_FIELDS = Set.of("rule", "message");
  private static final String CEL_IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";

  private record CompiledRule(String rule, String message, boolean transition, CelRuntime.Program program) {
  }

  private final JsonNode rootSchema;
  private final Map<JsonNode, List<CompiledRule>> rulesBySchemaNode = new IdentityHashMap<>();
  private final Map<String, StructType> structTypes = new HashMap<>();

  CelValidationRules(JsonNode openApiV3Schema) {
    this.rootSchema = openApiV3Schema;
    compileRules(openApiV3Schema, "");
  }

  /** How many rules the schema has, so that a test can tell they were all found. */
  int ruleCount() {
    return rulesBySchemaNode.values().stream().mapToInt(List::size).sum();
  }

  /** Violations of a new object, or of an update when {@code oldObject} is not null. */
  List<Violation> validate(JsonNode object, JsonNode oldObject) {
    List<Violation> violations = new ArrayList<>();
    evaluate(rootSchema, object, oldObject, "", violations);
    return violations;
  }

  private void compileRules(JsonNode schema, String path) {
    if (schema.has(Violation.VALIDATION_RULE)) {
      CelType selfType = typeOf(schema, path);
      Cel cel = CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .setTypeProvider(new StructTypes())
          .addVar("self", selfType)
          .addVar("oldSelf", selfType)
          .build();
      List<CompiledRule> rules = new ArrayList<>();
      for (JsonNode rule : schema.get(Violation.VALIDATION_RULE)) {
        rules.add(compile(cel, rule, path));
      }
      rulesBySchemaNode.put(schema, rules);
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      compileRules(property.getValue(), child(path, property.getKey()));
    }
    if (schema.has("items")) {
      compileRules(schema.get("items"), path + "[]");
    }
    if (schema.path("additionalProperties").isObject()) {
      compileRules(schema.get("additionalProperties"), path + "[*]");
    }
  }

  private static CompiledRule compile(Cel cel, JsonNode ruleNode, String path) {
    ruleNode.fieldNames().forEachRemaining(field -> {
      if (!MODELLED_RULE_FIELDS.contains(field)) {
        throw new IllegalStateException(shown(path) + ": validation rule field '" + field + "' is not modelled by "
            + CelValidationRules.class.getSimpleName() + "; extend it before using the field");
      }
    });
    String rule = ruleNode.path("rule").asText();
    try {
      CelAbstractSyntaxTree ast = cel.compile(rule).getAst();
      if (!ast.getResultType().equals(SimpleType.BOOL)) {
        throw new IllegalStateException(shown(path) + ": rule '" + rule + "' is " + ast.getResultType().name()
            + ", not bool; the API server would reject the CRD");
      }
      String message = ruleNode.has("message") ? ruleNode.get("message").asText() : "failed rule: " + rule;
      return new CompiledRule(rule, message, referencesOldSelf(ast), cel.createProgram(ast));
    } catch (CelValidationException e) {
      throw new IllegalStateException(shown(path) + ": rule '" + rule + "' does not compile; the API server would "
          + "reject the CRD:\n" + e.getMessage(), e);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException(shown(path) + ": rule '" + rule + "' cannot be planned: " + e.getMessage(), e);
    }
  }

  private static boolean referencesOldSelf(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .map(node -> node.expr())
        .anyMatch(expr -> expr.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT
            && expr.ident().name().equals("oldSelf"));
  }

  /** The CEL type the API server declares for a schema node. */
  private CelType typeOf(JsonNode schema, String path) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return SimpleType.DYN;
    }
    String type = schema.path("type").asText("");
    return switch (type) {
      case "object" -> objectType(schema, path);
      case "array" -> ListType.create(typeOf(schema.get("items"), path + "[]"));
      case "string" -> {
        if (schema.has("format") && Set.of("byte", "date", "date-time", "duration").contains(
            schema.get("format").asText())) {
          throw new IllegalStateException(shown(path) + ": format '" + schema.get("format").asText()
              + "' is a distinct CEL type in Kubernetes and is not modelled by "
              + CelValidationRules.class.getSimpleName());
        }
        yield SimpleType.STRING;
      }
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      case "" -> {
        if (schema.path(OpenApiSchemaValidation.PRESERVE_UNKNOWN_FIELDS).asBoolean(false)) {
          yield SimpleType.DYN;
        }
        throw new IllegalStateException(shown(path) + ": a structural schema needs a type");
      }
      default -> throw new IllegalStateException(shown(path) + ": unknown type '" + type + "'");
    };
  }

  private CelType objectType(JsonNode schema, String path) {
    if (schema.has("properties")) {
      Map<String, CelType> fields = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
        if (!property.getKey().matches(CEL_IDENTIFIER)) {
          throw new IllegalStateException(child(path, property.getKey()) + ": Kubernetes escapes this field name "
              + "in CEL; the escaping is not modelled by " + CelValidationRules.class.getSimpleName());
        }
        fields.put(property.getKey(), typeOf(property.getValue(), child(path, property.getKey())));
      }
      // not an identifier, so that no expression can mistake the type's name for a field selection
      String typeName = "object@" + shown(path);
      StructType struct = StructType.create(typeName, ImmutableSet.copyOf(fields.keySet()),
          name -> Optional.ofNullable(fields.get(name)));
      structTypes.put(typeName, struct);
      return struct;
    }
    if (schema.path("additionalProperties").isObject()) {
      return MapType.create(SimpleType.STRING, typeOf(schema.get("additionalProperties"), path + "[*]"));
    }
    return MapType.create(SimpleType.STRING, SimpleType.DYN);
  }

  private final class StructTypes implements CelTypeProvider {
    @Override
    public ImmutableCollection<CelType> types() {
      return ImmutableList.copyOf(structTypes.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return Optional.ofNullable(structTypes.get(typeName));
    }
  }

  private void evaluate(JsonNode schema, JsonNode value, JsonNode oldValue, String path, List<Violation> violations) {
    for (CompiledRule rule : rulesBySchemaNode.getOrDefault(schema, List.of())) {
      if (rule.transition() && oldValue == null) {
        continue;
      }
      Map<String, Object> variables = new HashMap<>();
      variables.put("self", celValue(value));
      if (rule.transition()) {
        variables.put("oldSelf", celValue(oldValue));
      }
      try {
        if (!Boolean.TRUE.equals(rule.program().eval(variables))) {
          violations.add(new Violation(shown(path), Violation.VALIDATION_RULE, rule.message()));
        }
      } catch (CelEvaluationException e) {
        violations.add(new Violation(shown(path), Violation.VALIDATION_RULE,
            "rule '" + rule.rule() + "' could not be evaluated: " + e.getMessage()));
      }
    }
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        JsonNode child = value.get(property.getKey());
        if (child != null) {
          evaluate(property.getValue(), child, oldValue == null ? null : oldValue.get(property.getKey()),
              child(path, property.getKey()), violations);
        }
      }
      if (schema.path("additionalProperties").isObject()) {
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
          if (!schema.path("properties").has(entry.getKey())) {
            evaluate(schema.get("additionalProperties"), entry.getValue(),
                oldValue == null ? null : oldValue.get(entry.getKey()), path + "[" + entry.getKey() + "]",
                violations);
          }
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        evaluate(schema.get("items"), value.get(i), null, path + "[" + i + "]", violations);
      }
    }
  }

  private static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String shown(String path) {
    return path.isEmpty() ? "<root>" : path;
  }

  /** A JSON value as CEL-Java represents it at run time. */
  private static Object celValue(JsonNode value) {
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value.properties().forEach(e -> map.put(e.getKey(), celValue(e.getValue())));
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(celValue(item)));
      return list;
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNull()) {
      return NullValue.NULL_VALUE;
    }
    throw new IllegalArgumentException("no CEL value for JSON " + value.getNodeType());
  }
}
