package dev.operators.permissionset.identitycenter;

import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import java.util.Objects;

/** The clients of every cloud the operator reaches, each made by its own cloud's factory. */
public final class CloudClients implements IdentityCenterClientFactory, AutoCloseable {

  private final HuaweiIdentityCenterClientFactory huawei;

  public CloudClients(HuaweiIdentityCenterClientFactory huawei) {
    this.huawei = Objects.requireNonNull(huawei, "huawei");
  }

  @Override
  public IdentityCenterClient forConnection(CloudAccess access) {
    if (access instanceof CloudAccess.Huawei reach) {
      return huawei.forConnection(reach.endpoint(), reach.credentials());
    }
    throw new IllegalArgumentException("AWS is not wired yet");
  }

  @Override
  public void close() {
    huawei.close();
  }
}
