package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

@Group(PermissionSetProvisioning.GROUP)
@Version(PermissionSetProvisioning.VERSION)
@ShortNames("cicconn")
@SchemaCustomizer(value = SchemaCustomizer.MergePatchCustomizer.class, input = "{\"description\":"
    + "\"ClusterIdentityCenterConnection holds which IAM Identity Center PermissionSetProvisionings reach and the credentials (a Secret in the operator's namespace). It serves the namespaces spec.allowedNamespaces admits; the one named default serves resources that name no connection.\"}")
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
public class ClusterIdentityCenterConnection
    extends CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus> {

  @Override
  @Required
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
