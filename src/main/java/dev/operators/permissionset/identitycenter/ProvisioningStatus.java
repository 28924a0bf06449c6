package dev.operators.permissionset.identitycenter;

/** Where a provisioning request stands. Anything the cloud says that we do not know is still in progress. */
public enum ProvisioningStatus {
  IN_PROGRESS,
  SUCCEEDED,
  FAILED;

  public static ProvisioningStatus fromWire(String value) {
    if ("SUCCEEDED".equals(value)) {
      return SUCCEEDED;
    }
    if ("FAILED".equals(value)) {
      return FAILED;
    }
    return IN_PROGRESS;
  }

  public boolean finished() {
    return this != IN_PROGRESS;
  }
}
