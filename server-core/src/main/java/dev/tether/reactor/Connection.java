package dev.tether.reactor;

import dev.tether.unix.internal.Io;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * One byte stream served by a {@link Reactor}: an accepted or connected TCP or Unix socket, or any
 * stream fd handed to {@link Reactor#attach}. Subclass it and override the callbacks you need
 * (EventMachine's {@code EM::Connection}).
 *
 * <p><b>Threading.</b> Every callback runs on the reactor thread, and every method here must be
 * called on it (others throw {@link ReactorException}); hand work from other threads over with
 * {@link Reactor#schedule}. Callbacks must not block: use {@link Reactor#defer} for blocking work.
 *
 * <p><b>Order of callbacks.</b> {@link #postInit()} once, as soon as the connection is registered
 * (for {@link Reactor#connect}, before the connect completes); then {@link #connectionCompleted()}
 * once for outgoing connections; then any number of {@link #receiveData} and {@link #drained()};
 * then {@link #unbind()} exactly once, after the fd is closed. An exception thrown by a callback
 * goes to the reactor's {@link ErrorHandler} and the connection stays as it was.
 *
 * <p><b>Ownership.</b> The reactor owns the fd and closes it when the connection closes (by either
 * side, an error, a timeout, or {@link Reactor#stop()}). A {@code Connection} object serves one
 * fd once; it cannot be reused.
 *
 * <p><b>Back pressure.</b> Outgoing data that the socket does not take at once is queued. Above
 * the high watermark (default 256 KiB) the connection stops reading its own input and {@link
 * #isWritable()} turns false; at or below the low watermark (default 64 KiB) reading resumes. So a
 * peer that sends but never reads holds the queue near the high watermark instead of growing it.
 * {@link #sendData} never refuses data: an application that produces output on its own (not in
 * reply to input) must watch {@link #isWritable()} or {@link #drained()}. Each fd queued by
 * {@link #sendFileDescriptors} weighs 1 KiB against the watermarks (the connection holds a
 * duplicate of it open), so a peer that never reads cannot make it hold more than a few hundred.
 */
public abstract class Connection {
  Endpoint endpoint;

  /** Called once when the connection is registered with the reactor. */
  protected void postInit() {}

  /**
   * Called with bytes read from the connection. {@code data} is the reactor's shared read buffer:
   * you do not own it, it is valid only until you return, and you may consume or change it.
   */
  protected void receiveData(ByteBuffer data) {}

  /** Called once when an outgoing connect succeeds. */
  protected void connectionCompleted() {}

  /**
   * Called once after the connection is closed and its fd released; {@link #closeReason()} says
   * why (null for an orderly close by either side).
   */
  protected void unbind() {}

  /** Called each time the outgoing queue becomes empty after holding data. */
  protected void drained() {}

  /**
   * Called with the fds that came (SCM_RIGHTS) with the bytes of the next {@link #receiveData},
   * once {@link #enableFileDescriptorReceiving(int)} is on. <b>Ownership passes to you</b> with the
   * call:
   * attach them ({@link Reactor#attach(int, Connection)}), keep them, or close them. They are
   * close-on-exec. If this throws, the fds not yet handed on stay open: catch inside. The default
   * closes them all, so a connection that does not expect fds cannot leak them.
   */
  protected void receiveFileDescriptors(int[] fds) {
    for (int fd : fds) {
      Io.close(fd);
    }
  }

  /** Called on a proxy's source when its target closed (the relay has stopped). */
  protected void proxyTargetUnbound() {}

  /**
   * Called once when the TLS handshake started by {@link #startTls} completed (after the peer's
   * certificate passed {@link #sslVerifyPeer}), before any {@link #receiveData} of decrypted
   * input. Data sent before it was queued and has been handed to TLS just before this call.
   */
  protected void sslHandshakeCompleted() {}

  /**
   * Asked during the TLS handshake, with peer verification on ({@link
   * TlsOptions.Builder#verifyPeer}), for the peer's own certificate once it passed the trust
   * check: false (or an exception) fails the handshake, and the connection closes with the
   * {@code SSLHandshakeException} as {@link #closeReason()}. The default accepts.
   */
  protected boolean sslVerifyPeer(X509Certificate certificate) {
    return true;
  }

  /**
   * Writes {@code data}'s remaining bytes (consuming them), now if the socket takes them, else
   * into the outgoing queue. Returns whether everything is written, i.e. nothing is queued. On a
   * closing or closed connection the data is dropped, not consumed, and this returns false.
   */
  public final boolean sendData(ByteBuffer data) {
    return endpoint().send(data);
  }

  /** As {@link #sendData(ByteBuffer)} for {@code bytes[offset, offset + length)}. */
  public final boolean sendData(byte[] bytes, int offset, int length) {
    return endpoint().send(ByteBuffer.wrap(bytes, offset, length));
  }

  /** As {@link #sendData(ByteBuffer)} for all of {@code bytes}. */
  public final boolean sendData(byte[] bytes) {
    return sendData(bytes, 0, bytes.length);
  }

  /**
   * Queues one 0x00 byte that carries {@code fds} (SCM_RIGHTS), in order with the bytes sent
   * before and after it, so that a peer reading with recvmsg receives the fds with that byte. For
   * AF_UNIX stream sockets only (elsewhere the send fails and closes the connection). The caller
   * keeps ownership of {@code fds}, and may close them as soon as this returns: if nothing is
   * queued and the connection is open, the byte and fds are sent now; otherwise (queued data, or
   * still connecting, or the socket would block) the connection queues close-on-exec duplicates
   * that it owns and closes once sent or when the connection closes. The byte counts as one byte
   * toward {@link #outboundBytes()} and the watermarks, whatever number of fds it holds.
   *
   * <p>Returns as {@link #sendData(ByteBuffer)}: whether nothing is queued afterwards; false
   * (nothing sent, nothing duplicated) on a closing or closed connection.
   *
   * @throws IllegalArgumentException if fds is empty or holds more than 253 ({@code
   *     Linux.SCM_MAX_FD}) fds, or a negative number
   * @throws dev.tether.unix.NativeCallException with EBADF if one of {@code fds} is not open, or
   *     with the errno of {@code fcntl(F_DUPFD_CLOEXEC)} (EMFILE) if a duplicate cannot be made;
   *     then nothing is sent or queued and the connection stays as it was
   */
  public final boolean sendFileDescriptors(int... fds) {
    return endpoint().sendFds(fds);
  }

  /**
   * Runs {@code callback} on the reactor thread once every byte sent before it is written
   * (Danga::Socket's write of a code ref): now if nothing is queued. Returns whether it ran now.
   * It never runs if the connection closes first.
   */
  public final boolean write(Runnable callback) {
    return endpoint().writeCallback(callback);
  }

  /**
   * Leaves the reactor without closing the fd (EventMachine's {@code detach}, Danga::Socket's
   * {@code steal_socket}): the fd is out of the poll set, {@link #unbind()} runs, and the fd is
   * returned to the caller, who owns it from then on (to hand it to another process, say). The
   * socket keeps what the peer sent that was not read yet.
   *
   * @throws IllegalStateException unless the connection is open and connected with nothing
   *     queued to write and no proxy (the fd then stays here)
   */
  public final int detach() {
    return endpoint().detach();
  }

  /**
   * Starts TLS on this connection (EventMachine's {@code start_tls}): from now on input is
   * decrypted before {@link #receiveData} (or a proxy target) sees it, and {@link #sendData}
   * encrypts. Client mode for a connection made by {@link Reactor#connect}, server mode for
   * accepted and attached ones, unless {@code options} say otherwise. Call it in {@link
   * #postInit()} (or {@link #connectionCompleted()}) to encrypt from the first byte, or later for
   * a STARTTLS-style protocol (bytes queued before the call go out in the clear).
   *
   * <p>Data sent before the handshake completes is queued and encrypted once it has; the
   * outgoing queue and its watermarks then count TLS records, plus that waiting plaintext. A
   * handshake failure closes the connection with the {@code SSLException} as {@link
   * #closeReason()}. {@link #closeConnectionAfterWriting()} sends close_notify after the queued
   * data; the peer's close_notify ends input as an end of stream does. One read may hold several
   * records: each batch of them is one {@link #receiveData}, and {@link #pause()} takes effect
   * after the records of the current read. File descriptors cannot be sent or received over
   * TLS, and a TLS connection cannot be detached.
   *
   * @throws IllegalStateException if TLS is already on, the connection is closing or closed, or
   *     it receives fds
   */
  public final void startTls(TlsOptions options) {
    endpoint().startTls(options);
  }

  /** The peer's certificate once the TLS handshake completed; null before, or if it sent none. */
  public final X509Certificate peerCertificate() {
    TlsLayer tls = endpoint().tls();
    return tls == null ? null : tls.peerCertificate();
  }

  /**
   * The SNI host name of the TLS connection: for a server, the name the client asked for, known
   * once the handshake completed (null if it sent none); for a client, the name it sends.
   */
  public final String sniHostName() {
    TlsLayer tls = endpoint().tls();
    return tls == null ? null : tls.serverName();
  }

  /** The TLS session (protocol, cipher suite, ...) once the handshake completed, else null. */
  public final SSLSession sslSession() {
    TlsLayer tls = endpoint().tls();
    return tls == null ? null : tls.session();
  }

  /** Closes at once, dropping queued data; {@link #unbind()} follows. Idempotent. */
  public final void closeConnection() {
    endpoint().close(null);
  }

  /**
   * Stops reading and closes once the queued data is written; data sent after this is dropped.
   * On an outgoing connection still connecting, the data is written once the connect completes
   * (after {@link #connectionCompleted()}); if it fails, the data is dropped and {@link #unbind()}
   * gets the connect's error as {@link #closeReason()}. Idempotent.
   */
  public final void closeConnectionAfterWriting() {
    endpoint().closeAfterWriting();
  }

  /** Stops reading input until {@link #resume()}. */
  public final void pause() {
    endpoint().setPaused(true);
  }

  /** Reading resumes (unless held by back pressure). */
  public final void resume() {
    endpoint().setPaused(false);
  }

  /** Whether {@link #pause()} is in force. */
  public final boolean isPaused() {
    return endpoint().paused();
  }

  /** Whether the connection is open and its queue is below the high watermark. */
  public final boolean isWritable() {
    return endpoint().writable();
  }

  /** Whether the fd is still open (false once {@link #unbind()} is due or done). */
  public final boolean isOpen() {
    return endpoint().open();
  }

  /** Bytes queued and not yet written. */
  public final long outboundBytes() {
    return endpoint().outboundBytes();
  }

  /** Sets the watermarks of the outgoing queue: 0 &lt;= low &lt;= high. */
  public final void setWatermarks(long low, long high) {
    endpoint().setWatermarks(low, high);
  }

  /**
   * Makes this connection (an AF_UNIX stream socket) read with {@code recvmsg} and a control
   * buffer for up to {@code maxPerMessage} fds per read (1..253); they are delivered by {@link
   * #receiveFileDescriptors(int[])}. Call it in {@link #postInit()} so no fd is missed: without
   * it, fds sent to this socket are discarded (and closed) by the kernel.
   */
  public final void enableFileDescriptorReceiving(int maxPerMessage) {
    endpoint().receiveFds(maxPerMessage);
  }

  /** The peer's address ({@code InetSocketAddress} or {@code UnixDomainSocketAddress}), or null. */
  public final SocketAddress peerAddress() {
    return endpoint().peerAddress();
  }

  /** The local address of the socket, or null. */
  public final SocketAddress localAddress() {
    return endpoint().localAddress();
  }

  /**
   * Closes the connection with a {@link ConnectionTimeoutException} after {@code timeout} without
   * reading or writing a byte; {@link Duration#ZERO} turns it off. Checked by the reactor's
   * heartbeat ({@link Reactor#setHeartbeatInterval}), so it fires up to one interval late.
   */
  public final void setInactivityTimeout(Duration timeout) {
    endpoint().setInactivityTimeout(timeout);
  }

  /** The inactivity timeout, {@link Duration#ZERO} if off. */
  public final Duration inactivityTimeout() {
    return endpoint().inactivityTimeout();
  }

  /**
   * Whether a read met the peer's end of stream (or a reset, which comes after the bytes sent
   * before it): every byte the peer sent was received. False if the connection closed for
   * another reason (a write error, a hang-up while not reading, a close by this side or by the
   * reactor's stop).
   */
  public final boolean isInputEnded() {
    return endpoint().inputEnded();
  }

  /** Why the connection closed: null while open or after an orderly close. */
  public final Throwable closeReason() {
    return endpoint().closeReason();
  }

  /** The reactor serving this connection. */
  public final Reactor reactor() {
    return endpoint().reactor;
  }

  /** Whether this connection has been given to a reactor. */
  public final boolean isBound() {
    return endpoint != null;
  }

  private Endpoint endpoint() {
    Endpoint e = endpoint;
    if (e == null) {
      throw new ReactorException("connection " + getClass().getName()
          + " is not bound to a reactor (expected: from startServer, connect or attach)");
    }
    e.reactor.checkLoop();
    return e;
  }
}
