package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.JsonMergePatchCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class JsonMergePatchCustomizerTest {

  @Test
  void nestedObjectsAreMergedNotReplacedAndNullRemoves() {
    JSONSchemaProps schema = new JSONSchemaPropsBuilder().withType("object").withDescription("root")
        .addToProperties("a", new JSONSchemaPropsBuilder().withType("object")
            .addToProperties("b", new JSONSchemaPropsBuilder().withType("string").withPattern("^x$").build())
            .addToProperties("c", new JSONSchemaPropsBuilder().withType("integer").build())
            .build())
        .build();

    JSONSchemaProps patched = new JsonMergePatchCustomizer().apply(schema,
        "{\"properties\": {\"a\": {\"properties\": {\"b\": {\"description\": \"the b\"}, \"c\": null}}}}",
        new KubernetesSerialization());

    JSONSchemaProps b = patched.getProperties().get("a").getProperties().get("b");
    assertThat(b.getDescription()).isEqualTo("the b");
    assertThat(b.getType()).isEqualTo("string");
    assertThat(b.getPattern()).isEqualTo("^x$");
    assertThat(patched.getProperties().get("a").getProperties()).containsOnlyKeys("b");
    assertThat(patched.getDescription()).isEqualTo("root");
  }
}
