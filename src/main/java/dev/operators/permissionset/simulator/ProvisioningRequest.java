package dev.operators.permissionset.simulator;

import java.time.Instant;

/**
 * A provisioning request; its status is a function of the time.
 *
 * @param targetType {@link #ACCOUNT} or {@link #ALL_PROVISIONED_ACCOUNTS}, whatever a protocol calls them
 * @param accountId the target account, null for {@link #ALL_PROVISIONED_ACCOUNTS}
 * @param inFlight how many requests for its permission set were in progress when it was accepted, itself included
 */
public record ProvisioningRequest(long seq, String requestId, String instanceId, String permissionSetId,
    String targetType, String accountId, Instant createdAt, Instant completesAt, String failureReason, int inFlight) {

  public static final String IN_PROGRESS = "IN_PROGRESS";
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String ACCOUNT = "ACCOUNT";
  public static final String ALL_PROVISIONED_ACCOUNTS = "ALL_PROVISIONED_ACCOUNTS";

  public String status(Instant now) {
    if (now.isBefore(completesAt)) {
      return IN_PROGRESS;
    }
    return failureReason == null ? SUCCEEDED : FAILED;
  }
}
