package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.reconciler.SpecValidator;
import dev.operators.permissionset.testing.RandomSpecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random specs, from well-formed to absurd, through the operator's own validation and through the CRD's schema and
 * rules as the API server applies them: the operator never throws, names a spec field in every problem, and never
 * refuses a spec the API server accepts (or the resource would stall although kubectl said it was fine).
 */
class SpecValidatorPropertiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static CrdValidator crd;

  @BeforeContainer
  static void loadCrd() throws IOException {
    crd = CrdValidator.load(Path.of("crds", CrdIsCommittedTest.FILE), PermissionSetProvisioning.VERSION);
  }

  @Property(tries = 500)
  void theOperatorAcceptsWhatTheApiServerAcceptsAndExplainsWhatItRefuses(
      @ForAll("specs") PermissionSetProvisioningSpec spec) {
    Optional<String> problem = SpecValidator.problem(spec);
    List<Violation> violations = crd.validateCreate(resource(spec));

    problem.ifPresent(text -> assertThat(text).as("the problem names the field").contains("spec."));
    // deliberately stricter: a blank name can never match a permission set, and the operator says so at once
    boolean blankName = spec.getPermissionSetName() != null && spec.getPermissionSetName().isBlank();
    if (violations.isEmpty() && !blankName) {
      assertThat(problem).as("the operator refuses a spec the API server accepts").isEmpty();
    } else {
      assertThat(problem).as("the operator accepts a spec the API server refuses: %s", violations).isPresent();
    }
  }

  @Example
  void noSpecAtAllIsAProblemNotACrash() {
    assertThat(SpecValidator.problem(null)).hasValueSatisfying(text -> assertThat(text).contains("spec."));
    assertThat(SpecValidator.problem(new PermissionSetProvisioningSpec()))
        .hasValueSatisfying(text -> assertThat(text).contains("spec.instanceId"));
  }

  private static JsonNode resource(PermissionSetProvisioningSpec spec) {
    ObjectNode resource = JSON.createObjectNode();
    resource.put("apiVersion", PermissionSetProvisioning.GROUP + "/" + PermissionSetProvisioning.VERSION);
    resource.put("kind", "PermissionSetProvisioning");
    resource.putObject("metadata").put("name", "fuzzed").put("namespace", "default");
    resource.set("spec", JSON.valueToTree(spec));
    return resource;
  }

  @Provide
  Arbitrary<PermissionSetProvisioningSpec> specs() {
    return RandomSpecs.specs();
  }
}
