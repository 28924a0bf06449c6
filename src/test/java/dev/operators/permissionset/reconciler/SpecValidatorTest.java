package dev.operators.permissionset.reconciler;

import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static PermissionSetProvisioningSpec spec(Consumer<PermissionSetProvisioningSpec> change) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetId(PAYMENTS);
    change.accept(spec);
    return spec;
  }

  @Test
  void acceptsWhatTheSchemaAccepts() {
    assertThat(SpecValidator.problem(spec(s -> { }))).isEmpty();
    assertThat(SpecValidator.problem(spec(s -> {
      s.setPermissionSetId(null);
      s.setPermissionSetName("Read Only Access");
    }))).isEmpty();
    assertThat(SpecValidator.problem(spec(s -> {
      s.setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS);
      s.setTargetId(null);
    }))).isEmpty();
  }

  @Test
  void eachProblemNamesItsField() {
    assertThat(SpecValidator.problem(null)).hasValueSatisfying(p -> assertThat(p).contains("spec"));
    assertThat(SpecValidator.problem(spec(s -> s.setInstanceId(null))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.instanceId is required"));
    assertThat(SpecValidator.problem(spec(s -> s.setInstanceId("ins 1"))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.instanceId", "'ins 1'"));
    assertThat(SpecValidator.problem(spec(s -> s.setPermissionSetName("ReadOnly"))))
        .hasValueSatisfying(p -> assertThat(p).contains("exactly one of spec.permissionSetId and "
            + "spec.permissionSetName"));
    assertThat(SpecValidator.problem(spec(s -> s.setPermissionSetId(null))))
        .hasValueSatisfying(p -> assertThat(p).contains("exactly one"));
    assertThat(SpecValidator.problem(spec(s -> {
      s.setPermissionSetId(null);
      s.setPermissionSetName("x".repeat(33));
    }))).hasValueSatisfying(p -> assertThat(p).contains("spec.permissionSetName"));
    assertThat(SpecValidator.problem(spec(s -> s.setTargetId(null))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.targetId is required when spec.targetType is ACCOUNT"));
    assertThat(SpecValidator.problem(spec(s -> s.setTargetType(TargetType.ALL_PROVISIONED_ACCOUNTS))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.targetId must be omitted"));
  }

  @Test
  void aNameIsCountedInCharactersAsTheApiServerCountsThem() {
    assertThat(SpecValidator.problem(spec(s -> {
      s.setPermissionSetId(null);
      s.setPermissionSetName("\ud83d\ude00".repeat(32));
    }))).isEmpty();
    assertThat(SpecValidator.problem(spec(s -> {
      s.setPermissionSetId(null);
      s.setPermissionSetName("\ud83d\ude00".repeat(33));
    }))).hasValueSatisfying(p -> assertThat(p).contains("spec.permissionSetName"));
  }

  @Test
  void aConnectionRefNeedsAKindAndAResourceName() {
    assertThat(SpecValidator.problem(spec(s -> s.setConnectionRef(
        new ConnectionReference(Kind.IdentityCenterConnection, "team-a.connection"))))).isEmpty();
    assertThat(SpecValidator.problem(spec(s -> s.setConnectionRef(
        new ConnectionReference(Kind.ClusterIdentityCenterConnection, "default"))))).isEmpty();
    assertThat(SpecValidator.problem(spec(s -> s.setConnectionRef(new ConnectionReference(null, "team-a")))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.connectionRef.kind is required"));
    assertThat(SpecValidator.problem(spec(s -> s.setConnectionRef(
        new ConnectionReference(Kind.IdentityCenterConnection, null)))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.connectionRef.name is required"));
    assertThat(SpecValidator.problem(spec(s -> s.setConnectionRef(
        new ConnectionReference(Kind.IdentityCenterConnection, "Team_A")))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.connectionRef.name 'Team_A'"));
  }

  @Test
  void hugeValuesAreShortenedInTheMessage() {
    String huge = "a".repeat(10_000) + "!";

    assertThat(SpecValidator.problem(spec(s -> s.setTargetId(huge))))
        .hasValueSatisfying(p -> assertThat(p).contains("spec.targetId").hasSizeLessThan(300));
  }
}
