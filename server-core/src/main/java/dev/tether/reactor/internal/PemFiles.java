package dev.tether.reactor.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files for TLS: X.509 certificates ({@code BEGIN CERTIFICATE}) and unencrypted PKCS#8
 * private keys ({@code BEGIN PRIVATE KEY}, RSA or EC). Every failure is an {@link
 * IllegalArgumentException} naming the file and what was expected, so a bad option fails where
 * the options are built, not in a handshake. Any thread.
 */
public final class PemFiles {
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PRIVATE_KEY = "PRIVATE KEY";

  private PemFiles() {}

  /**
   * The certificates of {@code file}, in file order (leaf first for a chain).
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no valid certificate
   */
  public static List<X509Certificate> certificates(Path file) {
    List<byte[]> blocks = blocks(file, CERTIFICATE);
    if (blocks.isEmpty()) {
      throw bad(file, "no -----BEGIN CERTIFICATE----- block", null);
    }
    List<X509Certificate> certificates = new ArrayList<>(blocks.size());
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks) {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw bad(file, "a certificate that is not valid X.509: " + e.getMessage(), e);
    }
    return certificates;
  }

  /**
   * The PKCS#8 private key of {@code file} (RSA or EC).
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no such key (a PKCS#1
   *     {@code BEGIN RSA PRIVATE KEY} file must be converted: {@code openssl pkcs8 -topk8
   *     -nocrypt})
   */
  public static PrivateKey privateKey(Path file) {
    List<byte[]> blocks = blocks(file, PRIVATE_KEY);
    if (blocks.size() != 1) {
      throw bad(file, blocks.size() + " -----BEGIN PRIVATE KEY----- blocks (expected: 1, an"
          + " unencrypted PKCS#8 key; convert others with openssl pkcs8 -topk8 -nocrypt)", null);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(blocks.get(0));
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw bad(file, "a key that is neither an RSA nor an EC PKCS#8 key", last);
  }

  /** The decoded bodies of the {@code BEGIN <type>} blocks of {@code file}. */
  private static List<byte[]> blocks(Path file, String type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw bad(file, "no such file", e);
    } catch (IOException | UncheckedIOException e) {
      throw bad(file, "unreadable: " + e, e);
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    List<byte[]> blocks = new ArrayList<>();
    int from = 0;
    for (;;) {
      int start = text.indexOf(begin, from);
      if (start < 0) {
        return blocks;
      }
      int stop = text.indexOf(end, start);
      if (stop < 0) {
        throw bad(file, "a " + begin + " block without its " + end, null);
      }
      String body = text.substring(start + begin.length(), stop).replaceAll("\\s", "");
      try {
        blocks.add(Base64.getDecoder().decode(body));
      } catch (IllegalArgumentException e) {
        throw bad(file, "a " + type + " block that is not base64: " + e.getMessage(), e);
      }
      from = stop + end.length();
    }
  }

  private static IllegalArgumentException bad(Path file, String found, Throwable cause) {
    return new IllegalArgumentException("PEM file " + file + ": " + found, cause);
  }
}
