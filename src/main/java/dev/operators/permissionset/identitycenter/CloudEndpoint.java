package dev.operators.permissionset.identitycenter;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a connection's calls go, and which servers it trusts there.
 *
 * @param url the http or https URL of the cloud's API, with a port and a path prefix if needed
 * @param caBundle PEM certificates trusted besides the JVM's own CAs, for private endpoints and TLS-inspecting
 *     proxies; text around the certificates (such as the comments of a ca-bundle file) is ignored
 * @param insecureHttpAllowed whether a plain http URL may be used; calls to one are refused otherwise, as they
 *     would send the signed requests unencrypted
 * @throws IllegalArgumentException naming {@code url} or {@code caBundle} and what is wrong with it
 */
public record CloudEndpoint(URI url, Optional<String> caBundle, boolean insecureHttpAllowed) {

  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");
  private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");

  public CloudEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(caBundle, "caBundle");
    checkUrl(url);
    caBundle.ifPresent(CloudEndpoint::certificates);
  }

  /** Whether calls go over plain http. */
  public boolean plainHttp() {
    return "http".equals(url.getScheme().toLowerCase(Locale.ROOT));
  }

  /** The certificates of {@link #caBundle()}, none without one. */
  public List<X509Certificate> caCertificates() {
    return caBundle.map(CloudEndpoint::certificates).orElse(List.of());
  }

  private static void checkUrl(URI url) {
    if (url.getRawAuthority() != null && url.getRawAuthority().contains("@")) {
      throw new IllegalArgumentException("url must not contain user information; credentials come from the "
          + "credentials Secret");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("url must be an http or https URL with a host, such as "
          + "https://identitycenter.myhuaweicloud.com, got '" + url + "'");
    }
    if (url.getPort() == 0 || url.getPort() > 65535) {
      throw new IllegalArgumentException("url must have a port from 1 to 65535, got '" + url + "'");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("url must not have a query or a fragment, got '" + url + "'");
    }
  }

  private static List<X509Certificate> certificates(String pem) {
    if (PRIVATE_KEY.matcher(pem).find()) {
      throw new IllegalArgumentException("caBundle holds a private key; it must hold only the CA certificates to "
          + "trust, and the key must be kept secret");
    }
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JVM reads no X.509 certificates", e);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (int begin = pem.indexOf(BEGIN); begin >= 0; begin = pem.indexOf(BEGIN, begin + BEGIN.length())) {
      int number = certificates.size() + 1;
      int end = pem.indexOf(END, begin);
      String base64 = end < 0 ? "" : pem.substring(begin + BEGIN.length(), end);
      if (end < 0 || base64.contains(BEGIN) || !BASE64.matcher(base64).matches()) {
        throw new IllegalArgumentException("caBundle: certificate " + number + " has no " + END + " line, or "
            + "characters other than base64 before it");
      }
      try {
        byte[] der = Base64.getMimeDecoder().decode(base64);
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (IllegalArgumentException | CertificateException e) {
        throw new IllegalArgumentException("caBundle: certificate " + number + " is not a readable X.509 "
            + "certificate (" + e.getMessage() + ")");
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("caBundle holds no PEM certificate; it must hold one or more blocks from "
          + BEGIN + " to " + END);
    }
    return List.copyOf(certificates);
  }
}
