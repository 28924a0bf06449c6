package dev.operators.permissionset.identitycenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.config.ConfigurationException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentProxySelectorTest {

  private static final String HTTPS_PROXY = "http://secure-proxy.corp:3128";
  private static final String HTTP_PROXY = "http://plain-proxy.corp:8080";

  /** The proxy host and port a URL goes through, or DIRECT. */
  private static String route(Map<String, String> env, String url) {
    List<Proxy> proxies = EnvironmentProxySelector.fromEnvironment(env).select(URI.create(url));
    assertThat(proxies).hasSize(1);
    Proxy proxy = proxies.get(0);
    if (proxy.type() == Proxy.Type.DIRECT) {
      return "DIRECT";
    }
    assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP);
    InetSocketAddress address = (InetSocketAddress) proxy.address();
    assertThat(address.isUnresolved()).as("resolved when connecting, not when configured").isTrue();
    return address.getHostString() + ":" + address.getPort();
  }

  private static Map<String, String> proxiesWithNoProxy(String noProxy) {
    Map<String, String> env = new HashMap<>(Map.of("HTTPS_PROXY", HTTPS_PROXY, "HTTP_PROXY", HTTP_PROXY));
    env.put("NO_PROXY", noProxy);
    return env;
  }

  @ParameterizedTest(name = "NO_PROXY=''{0}'': {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "''                          | https://identitycenter.example        | secure-proxy.corp:3128",
      "''                          | http://identitycenter.example         | plain-proxy.corp:8080",
      "''                          | https://identitycenter.example:8443/x | secure-proxy.corp:3128",
      "*                           | https://identitycenter.example        | DIRECT",
      "' * '                       | http://10.0.0.1                       | DIRECT",
      "identitycenter.example      | https://identitycenter.example        | DIRECT",
      "identitycenter.example      | https://api.identitycenter.example    | DIRECT",
      "identitycenter.example      | https://otheridentitycenter.example   | secure-proxy.corp:3128",
      "IdentityCenter.Example      | https://IDENTITYCENTER.example        | DIRECT",
      ".example                    | https://identitycenter.example        | DIRECT",
      ".example                    | https://example                       | DIRECT",
      "*.example                   | https://identitycenter.example        | DIRECT",
      "*.example                   | https://identitycenter.example.com    | secure-proxy.corp:3128",
      "'corp.internal, example'    | https://identitycenter.example        | DIRECT",
      "',,example,'                | https://identitycenter.example        | DIRECT",
      "example:443                 | https://identitycenter.example        | DIRECT",
      "example:443                 | https://identitycenter.example:8443   | secure-proxy.corp:3128",
      "example:8443                | https://identitycenter.example:8443   | DIRECT",
      "example:80                  | http://identitycenter.example         | DIRECT",
      "10.1.2.3                    | http://10.1.2.3:8080                  | DIRECT",
      "10.1.2.3                    | http://10.1.2.4:8080                  | plain-proxy.corp:8080",
      "10.1.2.3:8080               | http://10.1.2.3:8080                  | DIRECT",
      "10.1.2.3:9090               | http://10.1.2.3:8080                  | plain-proxy.corp:8080",
      "10.0.0.0/8                  | https://10.200.3.4                    | DIRECT",
      "10.0.0.0/8                  | https://11.0.0.1                      | secure-proxy.corp:3128",
      "192.168.4.0/22              | https://192.168.7.255                 | DIRECT",
      "192.168.4.0/22              | https://192.168.8.1                   | secure-proxy.corp:3128",
      "fd00::/8                    | https://[fd12::1]                     | DIRECT",
      "fd00::/8                    | https://[fe80::1]                     | secure-proxy.corp:3128",
      "2001:db8::1                 | https://[2001:db8::1]:8443            | DIRECT",
      "[2001:db8::1]:8443          | https://[2001:db8::1]:8443            | DIRECT",
      "[2001:db8::1]:443           | https://[2001:db8::1]:8443            | secure-proxy.corp:3128",
      "10.1.2.3                    | https://10.1.2.3.example              | secure-proxy.corp:3128",
      "example                     | https://10.1.2.3                      | secure-proxy.corp:3128",
      "''                          | https://localhost:8443                | DIRECT",
      "''                          | http://127.0.0.1:8080                 | DIRECT",
      "''                          | http://127.8.9.1:8080                 | DIRECT",
      "''                          | http://[::1]:8080                     | DIRECT"})
  void choosesTheProxyOfTheSchemeUnlessNoProxyNamesTheHost(String noProxy, String url, String expected) {
    assertThat(route(proxiesWithNoProxy(noProxy), url)).isEqualTo(expected);
  }

  @Test
  void upperCaseNamesGoFirstAndLowerCaseOnesCountToo() {
    assertThat(route(Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY", "http://upper:2"),
        "https://identitycenter.example")).isEqualTo("upper:2");
    assertThat(route(Map.of("https_proxy", "http://lower:1"), "https://identitycenter.example"))
        .isEqualTo("lower:1");
    assertThat(route(Map.of("http_proxy", "http://lower:1", "no_proxy", "example"),
        "http://identitycenter.example")).isEqualTo("DIRECT");
    assertThat(route(Map.of("HTTPS_PROXY", " ", "https_proxy", "http://lower:1"),
        "https://identitycenter.example")).isEqualTo("lower:1");
  }

  @Test
  void eachSchemeHasOnlyItsOwnProxy() {
    assertThat(route(Map.of("HTTP_PROXY", HTTP_PROXY), "https://identitycenter.example")).isEqualTo("DIRECT");
    assertThat(route(Map.of("HTTPS_PROXY", HTTPS_PROXY), "http://identitycenter.example")).isEqualTo("DIRECT");
    assertThat(route(Map.of(), "https://identitycenter.example")).isEqualTo("DIRECT");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://proxy.corp:3128   | proxy.corp:3128",
      "http://proxy.corp:3128/  | proxy.corp:3128",
      "HTTP://Proxy.Corp:3128   | Proxy.Corp:3128",
      "proxy.corp:3128          | proxy.corp:3128",
      "http://proxy.corp        | proxy.corp:80",
      "http://10.0.0.7:3128     | 10.0.0.7:3128",
      "http://[fd00::7]:3128    | fd00::7:3128"})
  void readsProxyUrlsAsGoDoes(String proxy, String expected) {
    assertThat(route(Map.of("HTTPS_PROXY", proxy), "https://identitycenter.example")).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://operator:hunter2@proxy.corp:3128", "operator:hunter2@proxy.corp:3128",
      "http://operator:hunter2 with space@proxy.corp:3128", "socks5://operator:hunter2@proxy.corp:1080"})
  void refusesProxyCredentialsWithoutShowingThem(String proxy) {
    assertThatThrownBy(() -> EnvironmentProxySelector.fromEnvironment(Map.of("https_proxy", proxy)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("https_proxy ")
        .hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://proxy.corp:3128   | HTTPS_PROXY='https://proxy.corp:3128' must be an http:// proxy URL",
      "socks5://proxy.corp:1080  | HTTPS_PROXY='socks5://proxy.corp:1080' must be an http:// proxy URL",
      "http://proxy.corp:99999   | HTTPS_PROXY='http://proxy.corp:99999' is not a proxy URL",
      "http://proxy corp:3128    | HTTPS_PROXY='http://proxy corp:3128' is not a proxy URL",
      "http://:3128              | HTTPS_PROXY='http://:3128' is not a proxy URL"})
  void refusesOtherProxiesNamingTheVariable(String proxy, String problem) {
    assertThatThrownBy(() -> EnvironmentProxySelector.fromEnvironment(Map.of("HTTPS_PROXY", proxy)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(problem);
  }
}
