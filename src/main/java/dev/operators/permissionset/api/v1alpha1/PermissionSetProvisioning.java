package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

@Group(PermissionSetProvisioning.GROUP)
@Version(PermissionSetProvisioning.VERSION)
@ShortNames("psprov")
@SchemaCustomizer(value = SchemaCustomizer.MergePatchCustomizer.class, input = "{\"description\":"
    + "\"PermissionSetProvisioning declares that a permission set of an IAM Identity Center instance must be "
    + "provisioned to an account (or re-provisioned to every account it is already provisioned to). The operator "
    + "calls the cloud's provision API once per spec generation, follows the request until it SUCCEEDED or FAILED "
    + "and reports the outcome in status. Deleting the resource removes nothing in the cloud: provisioning has no inverse.\"}")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp", format = PrinterColumnFormat.NONE)
public class PermissionSetProvisioning
    extends CustomResource<PermissionSetProvisioningSpec, PermissionSetProvisioningStatus> implements Namespaced {

  public static final String GROUP = "identitycenter.operators.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @Required
  @JsonPropertyDescription("What to provision: the Identity Center instance, the permission set and the target.")
  public PermissionSetProvisioningSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator observed: the provisioning request, its outcome and the conditions.")
  public PermissionSetProvisioningStatus getStatus() {
    return super.getStatus();
  }
}
