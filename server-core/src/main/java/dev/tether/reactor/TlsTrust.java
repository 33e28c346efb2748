package dev.tether.reactor;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of every {@link TlsOptions} context built from PEM files: the JDK's PKIX
 * check (against the given CAs or the default trust store), then the connection's {@link
 * Connection#sslVerifyPeer}. The connection is the {@link TlsLayer} handshaking on this thread:
 * the reactor runs the engine's delegated tasks inline, so the check runs on the reactor thread,
 * inside that layer's call into the engine. Any thread (a context may serve several reactors).
 */
final class TlsTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;

  TlsTrust(X509ExtendedTrustManager pkix) {
    this.pkix = pkix;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    TlsLayer layer = TlsLayer.handshaking(engine);
    if (layer == null || layer.verifiesPeer()) {
      pkix.checkServerTrusted(chain, authType, engine);
    }
    if (layer != null) {
      layer.verifyPeer(chain[0]);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    TlsLayer layer = TlsLayer.handshaking(engine);
    if (layer == null || layer.verifiesPeer()) {
      pkix.checkClientTrusted(chain, authType, engine);
    }
    if (layer != null) {
      layer.verifyPeer(chain[0]);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
