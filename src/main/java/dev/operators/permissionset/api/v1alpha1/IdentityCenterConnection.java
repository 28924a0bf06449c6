package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

@Group(PermissionSetProvisioning.GROUP)
@Version(PermissionSetProvisioning.VERSION)
@ShortNames("icconn")
@SchemaCustomizer(value = SchemaCustomizer.MergePatchCustomizer.class, input = "{\"description\":"
    + "\"IdentityCenterConnection holds which IAM Identity Center a namespace's PermissionSetProvisionings reach and the credentials to reach it with (a Secret in the same namespace). Only resources of its own namespace may use it.\"}")
@SchemaCustomizer(value = JsonMergePatchCustomizer.class, input = IdentityCenterConnectionStatus.CONDITION_DESCRIPTIONS)
@SchemaCustomizer(value = JsonMergePatchCustomizer.class, input = AllowedNamespaces.DESCRIPTIONS)
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..conditions[?(@.type==\"Ready\")].status",
    getDescription = "True when the cloud accepted the credentials and resources may use the connection.")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..status.conditions[?(@.type==\"Ready\")].reason",
    getDescription = "Why the connection is or is not Ready, in one CamelCase word.")
@AdditionalPrinterColumn(name = "Resources", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = "..status.resources",
    getDescription = "PermissionSetProvisionings that use the connection.")
@AdditionalPrinterColumn(name = "Message", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = "..status['conditions'][?(@.type==\"Ready\")].message",
    getDescription = "What the check found and, when something is wrong, what to do.")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp", format = PrinterColumnFormat.NONE)
public class IdentityCenterConnection
    extends CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus> implements Namespaced {

  @Override
  @Required
  // the operator's own AWS identity serves cluster connections only: a namespace must not borrow it
  @ValidationRule(value = "!has(self.aws) || has(self.aws.credentialsSecretRef)",
      message = "spec.aws.credentialsSecretRef is required on an IdentityCenterConnection; only a "
          + "ClusterIdentityCenterConnection may call AWS as the operator's own identity")
  @JsonPropertyDescription("The cloud, its endpoint and the credentials Secret.")
  public IdentityCenterConnectionSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator found when it checked the connection.")
  public IdentityCenterConnectionStatus getStatus() {
    return super.getStatus();
  }
}
