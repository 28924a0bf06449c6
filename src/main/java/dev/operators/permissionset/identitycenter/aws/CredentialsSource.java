package dev.operators.permissionset.identitycenter.aws;

import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The credentials of one connection, which mark every failure to obtain them as a {@link Failure}: the SDK reports
 * such a failure as it reports a call that got no answer, and only the mark tells a rejected role or an empty
 * default chain from an unreachable Identity Center.
 */
final class CredentialsSource implements AwsCredentialsProvider {

  private final AwsCredentialsProvider delegate;
  private final String description;

  /** @param description where the credentials come from, for messages; never a secret */
  CredentialsSource(AwsCredentialsProvider delegate, String description) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.description = Objects.requireNonNull(description, "description");
  }

  @Override
  public AwsCredentials resolveCredentials() {
    try {
      return delegate.resolveCredentials();
    } catch (RuntimeException e) {
      throw new Failure(description, e);
    }
  }

  @Override
  public String toString() {
    return "CredentialsSource{" + description + "}";
  }

  /** The credentials could not be obtained; the cause says why. */
  static final class Failure extends RuntimeException {

    private final String source;

    Failure(String source, RuntimeException cause) {
      super("the AWS credentials could not be obtained from " + source, cause);
      this.source = source;
    }

    String source() {
      return source;
    }
  }
}
