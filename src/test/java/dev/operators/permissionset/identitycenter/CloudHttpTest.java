package dev.operators.permissionset.identitycenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.security.cert.CertificateExpiredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What every cloud's clients share besides the OkHttpClient: bounded maps, refusals and failures in words. */
class CloudHttpTest {

  @Test
  void theLeastRecentlyUsedEntryIsHandedOverWhenForgotten() {
    List<String> evicted = new ArrayList<>();
    Map<String, String> map = CloudHttp.leastRecentlyUsed(2, evicted::add);
    map.put("a", "value-a");
    map.put("b", "value-b");
    map.get("a");

    map.put("c", "value-c");

    assertThat(evicted).containsExactly("value-b");
    assertThat(map).containsOnlyKeys("a", "c");
  }

  @Test
  void plainHttpIsRefusedNamingTheConnectionsBlockUnlessAllowed() {
    URI url = URI.create("http://sso.example:8080");

    assertThat(CloudHttp.plainHttpProblem(new CloudEndpoint(url, Optional.empty(), false), "aws")).hasValueSatisfying(
        problem -> assertThat(problem).contains("spec.aws.endpoint", "spec.aws.allowInsecureHttp: true"));
    assertThat(CloudHttp.plainHttpProblem(new CloudEndpoint(url, Optional.empty(), true), "aws")).isEmpty();
    assertThat(CloudHttp.plainHttpProblem(new CloudEndpoint(URI.create("https://sso.example"), Optional.empty(),
        false), "aws")).isEmpty();
  }

  @Test
  void aFailedCallIsDescribedWithoutTheJvmsInternals() {
    IOException expired = new SSLHandshakeException("PKIX path validation failed");
    expired.initCause(new CertificateExpiredException("NotAfter: ..."));

    assertThat(CloudHttp.noAnswer("sso.example:443", new ConnectException("Connection refused"), "aws"))
        .isEqualTo("no answer from sso.example:443 (ConnectException: Connection refused)");
    assertThat(CloudHttp.noAnswer("sso.example:443", expired, "aws"))
        .isEqualTo("the TLS certificate of sso.example:443 has expired or is not valid yet");
  }
}
