package dev.tether.reactor;

import dev.tether.reactor.internal.PemFiles;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How {@link Connection#startTls(TlsOptions)} runs TLS (EventMachine's {@code start_tls} options):
 * this side's certificate chain and key, whom to trust, whether to verify the peer, SNI, and the
 * enabled protocols and cipher suites. Immutable and safe to share between connections and
 * threads; build it once ({@link #builder()}), since building reads files and makes an {@link
 * SSLContext} (whose session cache the connections then share).
 *
 * <p>Every option is checked by {@link Builder#build()}: a missing or bad PEM file, a key that
 * does not fit the certificate, or an unknown protocol or cipher suite is an {@link
 * IllegalArgumentException} naming the value and what was expected.
 */
public final class TlsOptions {
  private final SSLContext context;
  /** Whether {@link #context} verifies through {@link TlsTrust} (false: a caller's context). */
  private final boolean ownTrust;
  private final Boolean clientMode;
  private final Boolean verifyPeer;
  private final boolean failIfNoPeerCertificate;
  private final String sniHostName;
  private final String[] protocols;
  private final String[] cipherSuites;

  private TlsOptions(Builder b, SSLContext context, boolean ownTrust) {
    this.context = context;
    this.ownTrust = ownTrust;
    this.clientMode = b.clientMode;
    this.verifyPeer = b.verifyPeer;
    this.failIfNoPeerCertificate = b.failIfNoPeerCertificate;
    this.sniHostName = b.sniHostName;
    this.protocols = b.protocols;
    this.cipherSuites = b.cipherSuites;
  }

  /** A builder with the defaults: no certificate, JDK default trust, JDK default protocols. */
  public static Builder builder() {
    return new Builder();
  }

  SSLContext context() {
    return context;
  }

  boolean ownTrust() {
    return ownTrust;
  }

  /** Client mode if set, else {@code outgoing} (client for connect(), server otherwise). */
  boolean clientMode(boolean outgoing) {
    return clientMode != null ? clientMode : outgoing;
  }

  /** Verify the peer: as set, else on for a client and off for a server. */
  boolean verifyPeer(boolean client) {
    return verifyPeer != null ? verifyPeer : client;
  }

  /** A new engine in client or server mode with these options' parameters. */
  SSLEngine createEngine(boolean client) {
    boolean verify = verifyPeer(client);
    SSLEngine engine = client && sniHostName != null
        ? context.createSSLEngine(sniHostName, -1) : context.createSSLEngine();
    engine.setUseClientMode(client);
    SSLParameters parameters = engine.getSSLParameters();
    if (protocols != null) {
      parameters.setProtocols(protocols.clone());
    }
    if (cipherSuites != null) {
      parameters.setCipherSuites(cipherSuites.clone());
    }
    if (client && sniHostName != null) {
      parameters.setServerNames(List.of(new SNIHostName(sniHostName)));
      if (verify) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name must be the cert's
      }
    }
    if (!client && verify) {
      if (failIfNoPeerCertificate) {
        parameters.setNeedClientAuth(true);
      } else {
        parameters.setWantClientAuth(true);
      }
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  String sniHostName() {
    return sniHostName;
  }

  @Override
  public String toString() {
    return "TlsOptions[clientMode=" + clientMode + ", verifyPeer=" + verifyPeer
        + ", failIfNoPeerCertificate=" + failIfNoPeerCertificate + ", sniHostName=" + sniHostName
        + ", protocols=" + Arrays.toString(protocols) + ", cipherSuites="
        + Arrays.toString(cipherSuites) + "]";
  }

  /** Collects options; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private Path certificateFile;
    private Path keyFile;
    private Path trustFile;
    private SSLContext givenContext;
    private Boolean clientMode;
    private Boolean verifyPeer;
    private boolean failIfNoPeerCertificate;
    private String sniHostName;
    private String[] protocols;
    private String[] cipherSuites;

    private Builder() {}

    /**
     * This side's certificate chain (PEM, leaf first; EventMachine's {@code cert_chain_file}) and
     * its unencrypted PKCS#8 private key (PEM {@code BEGIN PRIVATE KEY}, RSA or EC;
     * {@code private_key_file}). A server needs one; a client needs one only for a server that
     * asks for client certificates.
     */
    public Builder certificateChain(Path certificatePem, Path privateKeyPem) {
      this.certificateFile = Objects.requireNonNull(certificatePem, "certificatePem");
      this.keyFile = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      return this;
    }

    /**
     * The CA certificates (PEM) that verify the peer, instead of the JDK's default trust store.
     */
    public Builder trustedCertificates(Path caPem) {
      this.trustFile = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /**
     * Uses {@code context} for keys and trust instead of PEM files. Its own trust managers then
     * verify the peer, and {@link Connection#sslVerifyPeer} is asked once the handshake is done
     * (false closes the connection before {@link Connection#sslHandshakeCompleted()}).
     */
    public Builder sslContext(SSLContext context) {
      this.givenContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /** Forces client ({@code true}) or server mode; by default connect() is a client. */
    public Builder clientMode(boolean client) {
      this.clientMode = client;
      return this;
    }

    /**
     * Whether to verify the peer's certificate (EventMachine's {@code verify_peer}): against the
     * trusted certificates, then by {@link Connection#sslVerifyPeer}. Default: on for a client,
     * off for a server; on for a server, it asks the client for a certificate.
     */
    public Builder verifyPeer(boolean verify) {
      this.verifyPeer = verify;
      return this;
    }

    /**
     * For a server verifying its peer: fail the handshake when the client sends no certificate
     * (EventMachine's {@code fail_if_no_peer_cert}). Default off: the certificate is requested.
     */
    public Builder failIfNoPeerCertificate(boolean fail) {
      this.failIfNoPeerCertificate = fail;
      return this;
    }

    /**
     * The host name a client sends with SNI (EventMachine's {@code sni_hostname}); with peer
     * verification on, the server's certificate must also be for this name.
     */
    public Builder sniHostName(String hostName) {
      this.sniHostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /** The protocols to enable, e.g. "TLSv1.3"; default: the JDK's. */
    public Builder protocols(String... names) {
      this.protocols = nonEmpty("protocols", names);
      return this;
    }

    /** The cipher suites to enable, by their standard names; default: the JDK's. */
    public Builder cipherSuites(String... names) {
      this.cipherSuites = nonEmpty("cipherSuites", names);
      return this;
    }

    /**
     * Reads the files, makes the context and checks every option.
     *
     * @throws IllegalArgumentException naming the file or value at fault
     * @throws IllegalStateException if both PEM files and an SSLContext are given
     */
    public TlsOptions build() {
      if (givenContext != null && (certificateFile != null || trustFile != null)) {
        throw new IllegalStateException("sslContext and PEM files both given (expected: one)");
      }
      if (failIfNoPeerCertificate && Boolean.FALSE.equals(verifyPeer)) {
        throw new IllegalStateException(
            "failIfNoPeerCertificate without verifyPeer (expected: verifyPeer(true))");
      }
      SSLContext context = givenContext != null ? givenContext : makeContext();
      SSLParameters supported = context.getSupportedSSLParameters();
      check("protocols", protocols, supported.getProtocols());
      check("cipherSuites", cipherSuites, supported.getCipherSuites());
      if (sniHostName != null) {
        try {
          new SNIHostName(sniHostName);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("sniHostName : " + sniHostName
              + " (expected: a DNS host name)", e);
        }
      }
      return new TlsOptions(this, context, givenContext == null);
    }

    private SSLContext makeContext() {
      try {
        KeyManager[] keys = null;
        if (certificateFile != null) {
          List<X509Certificate> chain = PemFiles.certificates(certificateFile);
          PrivateKey key = PemFiles.privateKey(keyFile);
          String certAlgorithm = chain.get(0).getPublicKey().getAlgorithm();
          if (!certAlgorithm.equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("PEM file " + keyFile + ": a " + key.getAlgorithm()
                + " key (expected: the " + certAlgorithm + " key of " + certificateFile + ")");
          }
          char[] password = new char[0];
          KeyStore store = KeyStore.getInstance("PKCS12");
          store.load(null, null);
          store.setKeyEntry("tether", key, password, chain.toArray(new X509Certificate[0]));
          KeyManagerFactory factory =
              KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          factory.init(store, password);
          keys = factory.getKeyManagers();
        }
        KeyStore trusted = null;
        if (trustFile != null) {
          trusted = KeyStore.getInstance("PKCS12");
          trusted.load(null, null);
          int i = 0;
          for (X509Certificate ca : PemFiles.certificates(trustFile)) {
            trusted.setCertificateEntry("ca" + i++, ca);
          }
        }
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        X509ExtendedTrustManager pkix = null;
        for (TrustManager manager : factory.getTrustManagers()) {
          if (manager instanceof X509ExtendedTrustManager) {
            pkix = (X509ExtendedTrustManager) manager;
          }
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, new TrustManager[] {new TlsTrust(pkix)}, null);
        return context;
      } catch (GeneralSecurityException | java.io.IOException e) {
        throw new IllegalStateException("cannot make an SSLContext: " + e, e);
      }
    }

    private static String[] nonEmpty(String what, String[] names) {
      if (names.length == 0) {
        throw new IllegalArgumentException(what + " : [] (expected: at least one name)");
      }
      for (String name : names) {
        Objects.requireNonNull(name, what);
      }
      return names.clone();
    }

    private static void check(String what, String[] names, String[] supported) {
      if (names == null) {
        return;
      }
      List<String> known = Arrays.asList(supported);
      for (String name : names) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException(what + " : " + name + " (expected: one of "
              + known + ")");
        }
      }
    }
  }
}
