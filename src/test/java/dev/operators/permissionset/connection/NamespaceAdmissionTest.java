package dev.operators.permissionset.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NamespaceAdmissionTest {

  private static final Map<String, String> TEAM_A = Map.of("team", "a", "env", "prod");

  record Row(String name, AllowedNamespaces allowed, String namespace, Map<String, String> labels, boolean admitted) {

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
        new Row("nothing set admits nothing", null, "platform", TEAM_A, false),
        new Row("an empty list admits nothing", allowed(List.of(), null), "platform", TEAM_A, false),
        new Row("an empty selector admits nothing", allowed(List.of(), new LabelSelector()), "platform", TEAM_A,
            false),
        new Row("a listed name", allowed(List.of("platform"), null), "platform", Map.of(), true),
        new Row("an unlisted name", allowed(List.of("platform"), null), "payments", Map.of(), false),
        new Row("matching labels", allowed(List.of(), selector(Map.of("team", "a"))), "x", TEAM_A, true),
        new Row("labels that differ", allowed(List.of(), selector(Map.of("team", "b"))), "x", TEAM_A, false),
        new Row("a label that is missing", allowed(List.of(), selector(Map.of("tier", "1"))), "x", TEAM_A, false),
        new Row("In", allowed(List.of(), expression("env", "In", "prod", "stage")), "x", TEAM_A, true),
        new Row("In, another value", allowed(List.of(), expression("env", "In", "dev")), "x", TEAM_A, false),
        new Row("NotIn", allowed(List.of(), expression("env", "NotIn", "dev")), "x", TEAM_A, true),
        new Row("NotIn, a listed value", allowed(List.of(), expression("env", "NotIn", "prod")), "x", TEAM_A, false),
        new Row("Exists", allowed(List.of(), expression("team", "Exists")), "x", TEAM_A, true),
        new Row("Exists, missing", allowed(List.of(), expression("owner", "Exists")), "x", TEAM_A, false),
        new Row("DoesNotExist", allowed(List.of(), expression("owner", "DoesNotExist")), "x", TEAM_A, true),
        new Row("DoesNotExist, present", allowed(List.of(), expression("team", "DoesNotExist")), "x", TEAM_A, false),
        new Row("an unknown operator admits nothing", allowed(List.of(), expression("team", "Like", "a")), "x",
            TEAM_A, false),
        new Row("a name or the labels", allowed(List.of("other"), selector(Map.of("team", "a"))), "x", TEAM_A, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void admits(Row row) {
    assertThat(NamespaceAdmission.admits(row.allowed(), row.namespace(), row.labels())).isEqualTo(row.admitted());
  }

  private static AllowedNamespaces allowed(List<String> names, LabelSelector selector) {
    AllowedNamespaces allowed = new AllowedNamespaces();
    allowed.setNames(names);
    allowed.setSelector(selector);
    return allowed;
  }

  private static LabelSelector selector(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(labels).build();
  }

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator)
        .withValues(values).endMatchExpression().build();
  }
}
