package dev.operators.permissionset.identitycenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.simulator.TlsIdentity;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEndpointTest {

  private static final URI HTTPS = URI.create("https://identitycenter.example");
  private static final String PEM = TlsIdentity.selfSigned(List.of("identitycenter.example"), Clock.systemUTC())
      .chainPem();
  private static final String OTHER_PEM = TlsIdentity.selfSigned(List.of(), Clock.systemUTC()).chainPem();

  private static CloudEndpoint withBundle(String pem) {
    return new CloudEndpoint(HTTPS, Optional.of(pem), false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://identitycenter.myhuaweicloud.com", "HTTPS://identitycenter.example:8443/prefix/",
      "http://127.0.0.1:8080", "http://[::1]:8080"})
  void takesHttpAndHttpsUrlsWithAHost(String url) {
    assertThat(new CloudEndpoint(URI.create(url), Optional.empty(), false).url()).isEqualTo(URI.create(url));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "identitycenter.example           | url must be an http or https URL with a host",
      "ftp://identitycenter.example     | url must be an http or https URL with a host",
      "https:///v1                      | url must be an http or https URL with a host",
      "https://identitycenter.example:0 | url must have a port from 1 to 65535",
      "https://identitycenter.example/?x=1 | url must not have a query or a fragment",
      "https://identitycenter.example/#top | url must not have a query or a fragment",
      "https://user:hunter2@identitycenter.example | url must not contain user information",
      "https://user:hunter2@under_score.example    | url must not contain user information"})
  void refusesOtherUrlsNamingTheProblem(String url, String problem) {
    assertThatThrownBy(() -> new CloudEndpoint(URI.create(url), Optional.empty(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(problem)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void plainHttpIsTold() {
    assertThat(new CloudEndpoint(URI.create("HTTP://127.0.0.1:8080"), Optional.empty(), true).plainHttp()).isTrue();
    assertThat(new CloudEndpoint(HTTPS, Optional.empty(), false).plainHttp()).isFalse();
  }

  @Test
  void aBundleHoldsOneOrMoreCertificatesAmongComments() {
    String bundle = "# private CA\n" + PEM + "\n# TLS-inspecting proxy\n" + OTHER_PEM;

    assertThat(withBundle(PEM).caCertificates()).hasSize(1);
    assertThat(withBundle(bundle).caCertificates()).containsExactly(withBundle(PEM).caCertificates().get(0),
        withBundle(OTHER_PEM).caCertificates().get(0));
    assertThat(new CloudEndpoint(HTTPS, Optional.empty(), false).caCertificates()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                      | caBundle holds no PEM certificate",
      "not a certificate       | caBundle holds no PEM certificate",
      "-----BEGIN CERTIFICATE-----\\nMIIB | caBundle: certificate 1 has no -----END CERTIFICATE----- line",
      "-----BEGIN CERTIFICATE-----\\nMIIB!!\\n-----END CERTIFICATE----- | caBundle: certificate 1 has no",
      "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE----- | caBundle: certificate 1 is not a readable",
      "-----BEGIN PRIVATE KEY-----\\nc2VjcmV0\\n-----END PRIVATE KEY----- | caBundle holds a private key",
      "-----BEGIN EC PRIVATE KEY-----\\nc2VjcmV0\\n-----END EC PRIVATE KEY----- | caBundle holds a private key"})
  void refusesABundleThatIsNoCertificatesNamingTheProblem(String bundle, String problem) {
    assertThatThrownBy(() -> withBundle(bundle.replace("\\n", "\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(problem)
        .hasMessageNotContaining("c2VjcmV0");
  }

  @Test
  void aBrokenCertificateIsNamedByItsPlaceInTheBundle() {
    String broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

    assertThatThrownBy(() -> withBundle(PEM + broken + OTHER_PEM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("caBundle: certificate 2 is not a readable X.509 certificate");
  }
}
