package dev.tether.reactor;

import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS on one {@link Endpoint}: owns the {@link SSLEngine}, the connection's partial incoming
 * record, and the plaintext sent before the handshake completed. Reactor thread only.
 *
 * <p>Input: the endpoint hands every read's ciphertext to {@link #receive}, which unwraps as many
 * whole records as it holds into the reactor's shared plaintext buffer and hands that on as
 * input ({@link Endpoint#receivePlain}); a record cut by the end of a read waits in {@link
 * #partial} (one per connection, the engine's packet size, grown to at most {@link
 * #MAX_PARTIAL}). Output: {@link #send} wraps plaintext into the reactor's shared packet buffer
 * and hands the records to {@link Endpoint#sendRaw}, so the outgoing queue and its watermarks
 * hold ciphertext. Plaintext sent before the handshake completed is copied into {@link #early}
 * (counted against the watermarks too) and wrapped once it completes. In the steady state nothing
 * is allocated: the engine's buffers are the reactor's two shared direct buffers and this
 * layer's partial-record buffer.
 *
 * <p>The handshake is driven by reads and writes; the engine's delegated tasks run inline on the
 * reactor thread. They are short CPU work (a signature, a certificate check: about a
 * millisecond), a thread hop would cost as much as it saves at this size, and running them here
 * is what puts {@link Connection#sslVerifyPeer} on the reactor thread like every callback.
 */
final class TlsLayer {
  /** The largest record a peer may send whole; larger ones fail the connection. */
  static final int MAX_PARTIAL = 64 * 1024;
  private static final ThreadLocal<TlsLayer> HANDSHAKING = new ThreadLocal<>();
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Endpoint endpoint;
  private final SSLEngine engine;
  private final boolean client;
  private final boolean verifyPeer;
  /** Whether {@link TlsTrust} asks sslVerifyPeer during the handshake (else: once it is done). */
  private final boolean ownTrust;
  private final TlsBuffers buffers;
  private ByteBuffer partial;
  private ArrayDeque<Object> early;
  private long earlyBytes;
  private boolean handshaken;
  /** closeAfterWriting came before the handshake completed: close_notify once it has. */
  private boolean closeWhenHandshaken;
  /** Outbound is closed or closing: plaintext sent now is dropped. */
  private boolean outputClosed;
  private X509Certificate peerCertificate;
  private String serverName;
  /** The certificate check threw on this thread: the handshake failure's cause. */
  private Throwable rejected;
  /** The peer's close_notify came. */
  private boolean peerClosed;

  private TlsLayer(Endpoint endpoint, TlsOptions options, boolean client) {
    this.endpoint = endpoint;
    this.client = client;
    this.verifyPeer = options.verifyPeer(client);
    this.ownTrust = options.ownTrust();
    this.buffers = endpoint.reactor.io().tls();
    this.engine = options.createEngine(client);
    this.serverName = client ? options.sniHostName() : null;
  }

  /**
   * Starts TLS on {@code endpoint} (see {@link Connection#startTls}): client mode for an
   * outgoing connection unless the options say otherwise.
   *
   * @throws IllegalStateException if the endpoint cannot start TLS (the reason named)
   */
  static TlsLayer start(Endpoint endpoint, TlsOptions options, boolean outgoing,
      String notAllowed) {
    java.util.Objects.requireNonNull(options, "options");
    if (notAllowed != null) {
      throw new IllegalStateException("startTls on " + endpoint.connection.getClass().getName()
          + " (expected: " + notAllowed + ")");
    }
    TlsLayer layer = new TlsLayer(endpoint, options, options.clientMode(outgoing));
    endpoint.tls = layer;
    layer.begin();
    return layer;
  }

  /** The layer whose engine is handshaking on this thread, if it is {@code engine}'s. */
  static TlsLayer handshaking(SSLEngine engine) {
    TlsLayer layer = HANDSHAKING.get();
    return layer != null && layer.engine == engine ? layer : null;
  }

  boolean verifiesPeer() {
    return verifyPeer;
  }

  /** Called by {@link TlsTrust} after the PKIX check passed: asks the connection. */
  void verifyPeer(X509Certificate certificate) throws CertificateException {
    if (verifyPeer && !endpoint.reactor.callbacks().test(Callbacks.SSL_VERIFY_PEER,
        endpoint.connection, certificate, false)) {
      CertificateException e = new CertificateException("sslVerifyPeer("
          + certificate.getSubjectX500Principal() + ") returned false");
      rejected = e;
      throw e;
    }
  }

  /** Starts the handshake; a client's first flight is queued if still connecting. */
  private void begin() {
    try {
      engine.beginHandshake();
      handshake(engine.getHandshakeStatus());
    } catch (SSLException e) {
      fail(e);
    }
  }

  boolean handshaken() {
    return handshaken;
  }

  boolean peerClosed() {
    return peerClosed;
  }

  long earlyBytes() {
    return earlyBytes;
  }

  X509Certificate peerCertificate() {
    return peerCertificate;
  }

  String serverName() {
    return serverName;
  }

  SSLSession session() {
    return handshaken ? engine.getSession() : null;
  }

  /** Unwraps {@code src} (ciphertext just read, consumed) and hands the plaintext on. */
  void receive(ByteBuffer src) {
    try {
      for (;;) {
        ByteBuffer in = src;
        if (partial != null && partial.position() > 0) {
          if (!partial.hasRemaining()) {
            growPartial();
          }
          int n = Math.min(src.remaining(), partial.remaining());
          int limit = src.limit();
          src.limit(src.position() + n);
          partial.put(src);
          src.limit(limit);
          in = partial.flip();
        }
        boolean goOn = unwrap(in);
        if (in == partial) {
          partial.compact();
        }
        if (!goOn) {
          return;
        }
        if (in == src) {
          if (src.hasRemaining()) {
            keep(src);
          }
          return;
        }
        if (!src.hasRemaining()) {
          return;
        }
      }
    } catch (SSLException e) {
      fail(e);
    }
  }

  /** Keeps the start of a record cut by the end of a read. */
  private void keep(ByteBuffer src) throws SSLException {
    if (partial == null) {
      partial = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }
    while (src.remaining() > partial.remaining()) {
      growPartial();
    }
    partial.put(src);
  }

  private void growPartial() throws SSLException {
    if (partial.capacity() >= MAX_PARTIAL) {
      throw new SSLException("TLS record of more than " + MAX_PARTIAL + " bytes (expected: at"
          + " most " + engine.getSession().getPacketBufferSize() + ")");
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_PARTIAL, partial.capacity() * 2));
    partial.flip();
    partial = bigger.put(partial);
  }

  /** Unwraps the whole records of {@code in}; false once input ended or the connection closed. */
  private boolean unwrap(ByteBuffer in) throws SSLException {
    ByteBuffer plain = buffers.plain(engine.getSession().getApplicationBufferSize());
    try {
      for (;;) {
        SSLEngineResult result;
        if (handshaken) {
          result = engine.unwrap(in, plain);
        } else {
          TlsLayer outer = HANDSHAKING.get();
          HANDSHAKING.set(this);
          try {
            result = engine.unwrap(in, plain);
          } finally {
            HANDSHAKING.set(outer);
          }
        }
        SSLEngineResult.Status status = result.getStatus();
        if (status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          if (plain.position() == 0) { // the application buffer size grew
            int size = Math.max(engine.getSession().getApplicationBufferSize(),
                plain.capacity() + 1);
            buffers.release(plain);
            plain = buffers.plain(size);
          } else if (!deliver(plain)) {
            return false;
          }
          continue;
        }
        if (status == SSLEngineResult.Status.CLOSED) {
          return deliver(plain) && closedByPeer();
        }
        HandshakeStatus hs = result.getHandshakeStatus();
        boolean progressed = result.bytesConsumed() > 0;
        if (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.NEED_UNWRAP) {
          if (!deliver(plain)) {
            return false;
          }
          after(result);
          if (!endpoint.open()) {
            return false;
          }
          progressed = true;
        }
        if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW || !in.hasRemaining()
            || !progressed) {
          return deliver(plain);
        }
      }
    } finally {
      buffers.release(plain);
    }
  }

  /** Hands on the plaintext in {@code plain}, if any; false if the connection closed. */
  private boolean deliver(ByteBuffer plain) {
    if (plain.position() > 0) {
      plain.flip();
      endpoint.receivePlain(plain);
      plain.clear();
    }
    return endpoint.open();
  }

  /** The peer's close_notify: answer it, then end input as an end of stream does. */
  private boolean closedByPeer() throws SSLException {
    peerClosed = true;
    outputClosed = true;
    engine.closeOutbound();
    flushHandshake();
    if (endpoint.open()) {
      endpoint.endOfInput();
    }
    return false;
  }

  /** Writes {@code data} (plaintext, consumed) as records. Returns as {@link Endpoint#send}. */
  boolean send(ByteBuffer data) {
    if (outputClosed) {
      return false;
    }
    if (!handshaken) {
      if (data.hasRemaining()) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        early().addLast(copy);
        earlyBytes += copy.remaining();
        endpoint.outboundChanged();
      }
      return false;
    }
    try {
      while (data.hasRemaining()) {
        SSLEngineResult result = wrap(data);
        if (!endpoint.open() || result.getStatus() == SSLEngineResult.Status.CLOSED) {
          return false;
        }
        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
            && result.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
          // The engine holds application data until the peer answers (not seen with the JDK's
          // engine, which wraps data during a renegotiation); looping would hang the loop.
          throw new SSLException("wrap made no progress while the engine waits for the peer"
              + " (expected: progress or a handshake step)");
        }
        after(result);
      }
    } catch (SSLException e) {
      fail(e);
      return false;
    }
    return endpoint.outboundEmpty();
  }

  /** Queues a write callback behind the early plaintext; false if none waits (run it raw). */
  boolean queueCallback(Runnable callback) {
    if (early == null || early.isEmpty()) {
      return false;
    }
    early.addLast(callback);
    return true;
  }

  private ArrayDeque<Object> early() {
    if (early == null) {
      early = new ArrayDeque<>();
    }
    return early;
  }

  /**
   * closeAfterWriting: returns true when close_notify is queued and the endpoint may close once
   * its queue is written; false when it waits for the handshake (then this layer closes it).
   */
  boolean closeAfterWriting() {
    if (outputClosed && !closeWhenHandshaken) {
      return true;
    }
    outputClosed = true;
    if (!handshaken && early != null && !early.isEmpty()) {
      closeWhenHandshaken = true;
      return false;
    }
    engine.closeOutbound();
    try {
      flushHandshake();
    } catch (SSLException e) {
      fail(e);
      return false;
    }
    return endpoint.open();
  }

  /** A raw end of stream: the handshake's failure if it was not done, else null. */
  SSLException endOfStream() {
    return handshaken ? null : new SSLHandshakeException(
        "the peer closed the connection during the TLS handshake");
  }

  private void after(SSLEngineResult result) throws SSLException {
    if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
      if (!handshaken) { // TLS 1.3 post-handshake messages (session tickets) finish again
        finished();
      }
    } else {
      handshake(result.getHandshakeStatus());
    }
  }

  /** Runs the handshake until it needs input from the peer or is done. */
  private void handshake(HandshakeStatus status) throws SSLException {
    HandshakeStatus hs = status;
    for (;;) {
      if (hs == HandshakeStatus.NEED_TASK) {
        TlsLayer outer = HANDSHAKING.get(); // a callback in a task may drive another layer
        HANDSHAKING.set(this);
        try {
          for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
          }
        } finally {
          HANDSHAKING.set(outer);
        }
        hs = engine.getHandshakeStatus();
      } else if (hs == HandshakeStatus.NEED_WRAP) {
        SSLEngineResult result = wrap(EMPTY);
        if (!endpoint.open()) {
          return;
        }
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
          if (!handshaken) {
            finished();
          }
          return;
        }
        if (result.bytesProduced() == 0
            && result.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          return; // closed outbound with nothing left to say
        }
        hs = result.getHandshakeStatus();
      } else {
        return; // NEED_UNWRAP: the peer speaks next; NOT_HANDSHAKING: done
      }
    }
  }

  /** Wraps what the engine has to say by itself (handshake, alerts, close_notify). */
  private void flushHandshake() throws SSLException {
    handshake(HandshakeStatus.NEED_WRAP);
  }

  /** Wraps {@code src} into records for the endpoint's outgoing queue. */
  private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    int size = engine.getSession().getPacketBufferSize();
    for (;;) {
      ByteBuffer net = buffers.packets(size);
      SSLEngineResult result;
      try {
        result = engine.wrap(src, net);
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          // The packet size grew during the handshake.
          size = Math.max(engine.getSession().getPacketBufferSize(), net.capacity() + 1);
          continue;
        }
        net.flip();
        if (net.hasRemaining()) {
          endpoint.sendRaw(net);
        }
      } finally {
        buffers.release(net);
      }
      return result;
    }
  }

  private void finished() throws SSLException {
    handshaken = true;
    SSLSession session = engine.getSession();
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate) {
        peerCertificate = (X509Certificate) chain[0];
      }
    } catch (SSLPeerUnverifiedException e) {
      peerCertificate = null; // the peer sent none (a client not asked for one)
    }
    if (!client && session instanceof ExtendedSSLSession) {
      for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
        if (name instanceof SNIHostName) {
          serverName = ((SNIHostName) name).getAsciiName();
        }
      }
    }
    if (!ownTrust && verifyPeer && peerCertificate != null
        && !endpoint.reactor.callbacks().test(Callbacks.SSL_VERIFY_PEER,
            endpoint.connection, peerCertificate, false)) {
      fail(new SSLHandshakeException("sslVerifyPeer("
          + peerCertificate.getSubjectX500Principal() + ") returned false"));
      return;
    }
    ArrayDeque<Object> queued = early; // first, so that it goes before what the callback sends
    early = null;
    while (queued != null && !queued.isEmpty() && endpoint.open()) {
      Object head = queued.pollFirst();
      if (head instanceof Runnable) {
        endpoint.writeCallbackRaw((Runnable) head);
      } else {
        ByteBuffer data = (ByteBuffer) head;
        earlyBytes -= data.remaining();
        boolean wasClosed = outputClosed;
        outputClosed = false; // a close waiting for the handshake still writes what came first
        send(data);
        outputClosed = wasClosed;
      }
    }
    earlyBytes = 0;
    if (endpoint.open()) {
      // The early bytes left the weight: the watermarks may fall (a send that wrote everything
      // at once re-evaluates nothing), and a file streamed behind them may go on.
      endpoint.outboundChanged();
    }
    if (endpoint.open()) {
      endpoint.reactor.callbacks().invoke(Callbacks.SSL_HANDSHAKE_COMPLETED, endpoint.connection,
          null);
    }
    if (closeWhenHandshaken && endpoint.open()) {
      closeWhenHandshaken = false;
      engine.closeOutbound();
      flushHandshake();
      if (endpoint.open()) {
        endpoint.closeAfterWritingRaw();
      }
    }
  }

  /**
   * Ends the connection for a TLS failure: the engine's alert goes out if the socket takes it at
   * once, then the connection closes with {@code error} (or the certificate check's verdict) as
   * its close reason.
   */
  void fail(SSLException error) {
    if (!endpoint.open()) {
      return;
    }
    if (rejected != null && error.getCause() == null) {
      error.initCause(rejected);
    }
    try {
      outputClosed = true;
      engine.closeOutbound();
      flushHandshake();
    } catch (SSLException | RuntimeException alsoFailed) {
      error.addSuppressed(alsoFailed);
    }
    endpoint.close(error);
  }
}
