package dev.operators.permissionset.identitycenter;

import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.aws.AwsIdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import java.net.ProxySelector;
import java.time.Clock;

/**
 * The clients of every cloud the operator reaches, each made by its own cloud's factory over one shared HTTP stack:
 * one connection pool, one set of timeouts and proxies, one rate limiter per endpoint.
 */
public final class CloudClients implements IdentityCenterClientFactory, AutoCloseable {

  private final CloudHttp http;
  private final HuaweiIdentityCenterClientFactory huawei;
  private final AwsIdentityCenterClientFactory aws;

  public CloudClients(CloudHttp http, Clock clock) {
    this.http = http;
    this.huawei = new HuaweiIdentityCenterClientFactory(http, clock);
    this.aws = new AwsIdentityCenterClientFactory(http, clock);
  }

  /** The clients the operator runs with: timeouts and rate limit from the configuration, proxies as given. */
  public static CloudClients forOperator(OperatorConfig config, ProxySelector proxies, Clock clock) {
    return new CloudClients(CloudHttp.forOperator(config, proxies), clock);
  }

  @Override
  public IdentityCenterClient forConnection(CloudAccess access) {
    if (access instanceof CloudAccess.Huawei huaweiAccess) {
      return huawei.forConnection(huaweiAccess.endpoint(), huaweiAccess.credentials());
    }
    return aws.forConnection((CloudAccess.Aws) access);
  }

  @Override
  public void release(CloudAccess access) {
    if (access instanceof CloudAccess.Aws awsAccess) {
      aws.release(awsAccess);
    }
  }

  @Override
  public void close() {
    aws.close();
    huawei.close();
    http.close();
  }
}
