package dev.operators.permissionset.identitycenter.huawei;

import com.fasterxml.jackson.databind.JsonNode;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the JSON bodies of successful Identity Center responses. Tolerant where the API is loose (the type of
 * {@code created_date}, unknown statuses, empty strings), strict where a missing field would make the answer
 * meaningless, which is an {@link ErrorCategory#INVALID_RESPONSE}.
 */
final class HuaweiResponseParser {

  private final String operation;
  private final String requestIdHeader;

  /**
   * @param operation the API operation, named in the exceptions
   * @param requestIdHeader the response's X-Request-Id, or null; named in the exceptions for support
   */
  HuaweiResponseParser(String operation, String requestIdHeader) {
    this.operation = operation;
    this.requestIdHeader = requestIdHeader;
  }

  /** The {@code permission_set_provisioning_status} object of the provision and describe responses. */
  ProvisioningRequest provisioningRequest(JsonNode body) {
    JsonNode status = requiredObject(body, "permission_set_provisioning_status");
    String where = "permission_set_provisioning_status";
    String reportedStatus = requiredText(status, "status", where);
    return new ProvisioningRequest(requiredText(status, "request_id", where),
        ProvisioningStatus.fromWire(reportedStatus), reportedStatus, optionalText(status, "account_id"),
        optionalText(status, "permission_set_id"), optionalText(status, "failure_reason"),
        instant(status.get("created_date")));
  }

  /** The {@code permission_sets_provisioning_status} array and the next marker of a list response. */
  Page<ProvisioningSummary> provisioningSummaries(JsonNode body) {
    String field = "permission_sets_provisioning_status";
    List<ProvisioningSummary> summaries = new ArrayList<>();
    for (JsonNode entry : requiredArray(body, field)) {
      String reportedStatus = requiredText(entry, "status", field + "[]");
      summaries.add(new ProvisioningSummary(requiredText(entry, "request_id", field + "[]"),
          ProvisioningStatus.fromWire(reportedStatus), reportedStatus, instant(entry.get("created_date"))));
    }
    return new Page<>(summaries, nextMarker(body));
  }

  /** The {@code permission_sets} array and the next marker of a list response. */
  Page<PermissionSet> permissionSets(JsonNode body) {
    String field = "permission_sets";
    List<PermissionSet> permissionSets = new ArrayList<>();
    for (JsonNode entry : requiredArray(body, field)) {
      permissionSets.add(new PermissionSet(requiredText(entry, "permission_set_id", field + "[]"),
          requiredText(entry, "name", field + "[]"), optionalText(entry, "description")));
    }
    return new Page<>(permissionSets, nextMarker(body));
  }

  /** The {@code account_ids} array and the next marker of ListAccountsForProvisionedPermissionSet. */
  Page<String> accountIds(JsonNode body) {
    String field = "account_ids";
    List<String> accountIds = new ArrayList<>();
    for (JsonNode entry : requiredArray(body, field)) {
      if (!entry.isTextual() || entry.textValue().isBlank()) {
        throw invalid("the response has an entry of " + field + " that is no account ID");
      }
      accountIds.add(entry.textValue());
    }
    return new Page<>(accountIds, nextMarker(body));
  }

  /** The {@code instance_id}s of ListInstances' {@code instances} array. */
  List<String> instanceIds(JsonNode body) {
    String field = "instances";
    List<String> instanceIds = new ArrayList<>();
    for (JsonNode entry : requiredArray(body, field)) {
      instanceIds.add(requiredText(entry, "instance_id", field + "[]"));
    }
    return instanceIds;
  }

  IdentityCenterException invalid(String problem) {
    return HuaweiErrorTranslator.invalidResponse(operation, problem, requestIdHeader);
  }

  /**
   * A creation time as the API sends it: epoch milliseconds as a JSON number or a string of digits, or an ISO-8601
   * instant. Anything else is no time rather than a failure, since the time is shown and never decided on.
   */
  static Optional<Instant> instant(JsonNode value) {
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? Optional.of(Instant.ofEpochMilli(value.longValue())) : Optional.empty();
    }
    if (!value.isTextual()) {
      return Optional.empty();
    }
    String text = value.textValue().trim();
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(text)));
      } catch (NumberFormatException tooLong) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException notIso) {
      return Optional.empty();
    }
  }

  private Optional<String> nextMarker(JsonNode body) {
    JsonNode pageInfo = body.get("page_info");
    return pageInfo == null ? Optional.empty() : optionalText(pageInfo, "next_marker");
  }

  private JsonNode requiredObject(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    if (value == null || !value.isObject()) {
      throw invalid("the response has no " + field + " object");
    }
    return value;
  }

  private JsonNode requiredArray(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    if (value == null || !value.isArray()) {
      throw invalid("the response has no " + field + " array");
    }
    return value;
  }

  private String requiredText(JsonNode parent, String field, String where) {
    return optionalText(parent, field)
        .orElseThrow(() -> invalid("the response has no " + field + " in " + where));
  }

  /** A string field; missing, null and blank all mean absent, since the API sends "" for "no reason". */
  private static Optional<String> optionalText(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    if (value == null || !value.isValueNode() || value.isNull()) {
      return Optional.empty();
    }
    String text = value.asText();
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }
}
