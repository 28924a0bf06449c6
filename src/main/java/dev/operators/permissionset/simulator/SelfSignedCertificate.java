package dev.operators.permissionset.simulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * An X.509 v3 certificate signed by its own EC P-256 key, encoded by hand in DER: the JDK has no public API that
 * issues certificates, and the simulator needs no library for this one shape.
 */
final class SelfSignedCertificate {

  private static final byte[] ECDSA_WITH_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
  private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
  private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
  private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
  private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$");
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final Instant GENERALIZED_TIME_FROM = Instant.parse("2050-01-01T00:00:00Z");

  private SelfSignedCertificate() {
  }

  /**
   * @param names the DNS names and IP addresses the certificate is for; the first is also its common name
   */
  static X509Certificate issue(KeyPair keys, Collection<String> names, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException {
    byte[] name = sequence(set(sequence(COMMON_NAME, tlv(0x0c, names.iterator().next()
        .getBytes(StandardCharsets.UTF_8)))));
    byte[] algorithm = sequence(ECDSA_WITH_SHA256);
    ByteArrayOutputStream alternatives = new ByteArrayOutputStream();
    for (String alternative : names) {
      alternatives.writeBytes(IP_LITERAL.matcher(alternative).matches()
          ? tlv(0x87, ipAddress(alternative))
          : tlv(0x82, alternative.getBytes(StandardCharsets.US_ASCII)));
    }
    byte[] extensions = tlv(0xa3, sequence(
        sequence(BASIC_CONSTRAINTS, tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, sequence(tlv(0x01,
            new byte[] {(byte) 0xff})))),
        sequence(SUBJECT_ALT_NAME, tlv(0x04, tlv(0x30, alternatives.toByteArray())))));
    byte[] tbs = sequence(
        tlv(0xa0, integer(BigInteger.TWO)),
        integer(new BigInteger(63, new SecureRandom())),
        algorithm,
        name,
        sequence(time(notBefore), time(notAfter)),
        name,
        keys.getPublic().getEncoded(),
        extensions);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1];
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] certificate = sequence(tbs, algorithm, tlv(0x03, bits));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate));
  }

  /** UTCTime before 2050 and GeneralizedTime from then on, as RFC 5280 requires. */
  private static byte[] time(Instant instant) {
    return instant.isBefore(GENERALIZED_TIME_FROM)
        ? tlv(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] ipAddress(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + literal + "' is no IP address", e);
    }
  }

  private static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  private static byte[] sequence(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, concat(parts));
  }

  private static byte[] oid(int... arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int arc = arcs[i];
      int shift = 28;
      while (shift > 0 && (arc >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        out.write(0x80 | ((arc >>> shift) & 0x7f));
      }
      out.write(arc & 0x7f);
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
