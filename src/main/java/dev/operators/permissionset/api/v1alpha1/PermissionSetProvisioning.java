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
    + "calls the cloud's provision API once per spec generation (and again on request, or by policy when the "
    + "permission set changed in the cloud), follows the request until it SUCCEEDED or FAILED and reports the "
    + "outcome in status. Deleting the resource removes nothing in the cloud: provisioning has no inverse.\"}")
@SchemaCustomizer(value = JsonMergePatchCustomizer.class, input = PermissionSetProvisioning.CONDITION_DESCRIPTIONS)
@SchemaCustomizer(value = JsonMergePatchCustomizer.class, input = "{\"properties\": {\"status\": {\"properties\": "
    + "{\"pendingProvision\": {\"properties\": {\"excludedRequestIds\": {\"items\": "
    + "{\"description\": \"The request_id of a request the call did not make.\"}}}}}}}}")
// The CRD generator orders printer columns by jsonPath, whatever the order here. The recursive (..) forms select the
// same single field as .status.x or .spec.x would (each name occurs once in the object) and sort in reading order
// with AGE last; a union (['a','b']) shows the first field present.
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..conditions[?(@.type==\"Ready\")].status",
    getDescription = "True once the permission set is provisioned for the current generation.")
@AdditionalPrinterColumn(name = "Status", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..provisioningStatus",
    getDescription = "The provisioning request as the cloud reported it: IN_PROGRESS, SUCCEEDED or FAILED.")
@AdditionalPrinterColumn(name = "Permission Set", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..spec['permissionSetId','permissionSetName']",
    getDescription = "The permission set, by ID or by name as the spec gives it.")
@AdditionalPrinterColumn(name = "Target", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..spec['targetId','targetType']",
    getDescription = "The account, or ALL_PROVISIONED_ACCOUNTS.")
@AdditionalPrinterColumn(name = "UpToDate", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..conditions[?(@.type==\"UpToDate\")].status",
    getDescription = "False when the permission set changed after it was provisioned and the target holds an "
        + "out-of-date copy; Unknown while that cannot be checked.")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = "..status.conditions[?(@.type==\"Ready\")].reason",
    getDescription = "Why the resource is or is not Ready, in one CamelCase word.")
@AdditionalPrinterColumn(name = "Request ID", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = "..status.requestId",
    getDescription = "request_id of the latest provisioning request.")
@AdditionalPrinterColumn(name = "Message", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = "..status['conditions'][?(@.type==\"Ready\")].message",
    getDescription = "What happened and, when something is wrong, what to do.")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp", format = PrinterColumnFormat.NONE)
public class PermissionSetProvisioning
    extends CustomResource<PermissionSetProvisioningSpec, PermissionSetProvisioningStatus> implements Namespaced {

  public static final String GROUP = "identitycenter.operators.dev";
  public static final String VERSION = "v1alpha1";
  /**
   * Set to any new value to provision once more without changing the spec (the Flux pattern): the operator records
   * the value in status.lastHandledReprovisionAt when that provisioning finished, and never removes the annotation.
   */
  public static final String REPROVISION_REQUESTED_AT = GROUP + "/reprovision-requested-at";

  /** Descriptions for the fields of Fabric8's Condition, which has none, so that kubectl explain covers them. */
  static final String CONDITION_DESCRIPTIONS = """
      {"properties": {"status": {"properties": {"conditions": {"items": {
        "description": "A condition in the shape of the Kubernetes metav1.Condition.",
        "properties": {
          "type": {"description": "Ready, Reconciling, Stalled or UpToDate."},
          "status": {"description": "True, False or Unknown."},
          "reason": {"description": "Why the condition has its status, in one CamelCase word, for example \
      Provisioned or ProvisioningFailed. The README lists every reason."},
          "message": {"description": "What happened, for people, and what to do when something is wrong."},
          "lastTransitionTime": {"description": "When the condition last changed its status or reason (RFC 3339)."},
          "observedGeneration": {"description": "The metadata.generation the condition was set for."}
        }}}}}}}""";

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
