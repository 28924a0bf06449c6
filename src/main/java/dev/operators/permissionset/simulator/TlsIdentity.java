package dev.operators.permissionset.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The private key and certificate chain the simulator serves HTTPS with: read from PEM files, or generated and
 * signed by itself for the names a client will connect to.
 *
 * @param chain the server's certificate first, then the ones that issued it
 */
public record TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {

  private static final Pattern PEM_PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
  private static final char[] NO_PASSWORD = new char[0];

  public TlsIdentity {
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a TLS identity needs at least its own certificate");
    }
  }

  /**
   * A new EC P-256 key and a certificate it signs itself, valid from a day before now for 825 days.
   *
   * @param names the DNS names and IP addresses clients connect to; localhost, 127.0.0.1 and ::1 are always added
   */
  public static TlsIdentity selfSigned(Collection<String> names, Clock clock) {
    LinkedHashSet<String> all = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    all.addAll(names);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      var keys = generator.generateKeyPair();
      Instant now = clock.instant();
      X509Certificate certificate = SelfSignedCertificate.issue(keys, all, now.minus(Duration.ofDays(1)),
          now.plus(SELF_SIGNED_VALIDITY));
      return new TlsIdentity(keys.getPrivate(), List.of(certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
  }

  /**
   * @param certificates PEM certificates, the server's first (as in a Kubernetes TLS Secret's {@code tls.crt})
   * @param privateKey an unencrypted PKCS#8 PEM key ({@code -----BEGIN PRIVATE KEY-----}); convert others with
   *     {@code openssl pkcs8 -topk8 -nocrypt -in key.pem}
   * @throws IllegalArgumentException when a file cannot be read or holds no such thing
   */
  public static TlsIdentity fromPem(Path certificates, Path privateKey) {
    List<X509Certificate> chain = new ArrayList<>();
    try (var in = Files.newInputStream(certificates)) {
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) certificate);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(certificates + " holds no PEM certificates: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(certificates + " holds no PEM certificates");
    }
    String pem;
    try {
      pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + privateKey + ": " + e.getMessage(), e);
    }
    Matcher matcher = PEM_PRIVATE_KEY.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException(privateKey + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
          + "convert it with: openssl pkcs8 -topk8 -nocrypt -in " + privateKey);
    }
    byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
    String algorithm = chain.get(0).getPublicKey().getAlgorithm();
    try {
      return new TlsIdentity(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)),
          chain);
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(privateKey + " holds no " + algorithm + " key for the certificate in "
          + certificates, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read " + algorithm + " keys: " + e.getMessage(), e);
    }
  }

  /** The chain as PEM, for a client to trust (for a self-signed identity, its one certificate). */
  public String chainPem() {
    StringBuilder pem = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    for (X509Certificate certificate : chain) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate has an encoding", e);
      }
    }
    return pem.toString();
  }

  /** Writes {@link #chainPem()} to the file, for a client to trust. */
  public void writeChainPem(Path file) {
    try {
      Files.writeString(file, chainPem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  SSLContext sslContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("simulator", privateKey, NO_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot serve TLS with this key and certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TlsIdentity{subject=" + chain.get(0).getSubjectX500Principal().getName() + ", privateKey=<redacted>}";
  }
}
