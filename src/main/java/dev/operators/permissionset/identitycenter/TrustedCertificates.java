package dev.operators.permissionset.identitycenter;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The servers a client trusts: those with a chain to one of these CA certificates. */
public record TrustedCertificates(X509TrustManager trustManager, SSLSocketFactory socketFactory) {

  /**
   * The JVM's own CAs, and these besides: a private endpoint's CA, or the CA of a TLS-inspecting proxy.
   *
   * @throws IllegalArgumentException naming {@code caBundle} when a certificate cannot be trusted
   */
  public static TrustedCertificates jvmCasAnd(List<X509Certificate> extra) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      X509Certificate[] jvmCas = trustManager(null).getAcceptedIssuers();
      for (int i = 0; i < jvmCas.length; i++) {
        store.setCertificateEntry("jvm-" + i, jvmCas[i]);
      }
      for (int i = 0; i < extra.size(); i++) {
        store.setCertificateEntry("ca-bundle-" + i, extra.get(i));
      }
      X509TrustManager trust = trustManager(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, null);
      return new TrustedCertificates(trust, context.getSocketFactory());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("caBundle cannot be trusted: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return Arrays.stream(factory.getTrustManagers())
        .filter(X509TrustManager.class::isInstance)
        .map(X509TrustManager.class::cast)
        .findFirst()
        .orElseThrow(() -> new GeneralSecurityException("the JVM offers no X.509 trust manager"));
  }
}
