package dev.tether.reactor;

import dev.tether.unix.internal.Io;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
 * once for outgoing connections; then any number of {@link #receiveData} (or, with pull reading,
 * {@link #notifyReadable()}) and {@link #drained()}; then at most one of {@link #hungUp()} (the
 * peer's end of stream) and {@link #errorOccurred} (a read or write failed), before the close;
 * then {@link #unbind()} exactly once, after the fd is closed. An exception thrown by a callback
 * goes to the reactor's {@link ErrorHandler} and the connection stays as it was.
 *
 * <p><b>Ownership.</b> The reactor owns the fd and closes it when the connection closes (by either
 * side, an error, a timeout, or {@link Reactor#stop()}). A {@code Connection} object serves one
 * fd at a time: once closed, only {@link #reconnect} gives it a new one.
 *
 * <p><b>Back pressure.</b> Outgoing data that the socket does not take at once is queued. Above
 * the high watermark (default 256 KiB) the connection stops reading its own input and {@link
 * #isWritable()} turns false; at or below the low watermark (default 64 KiB) reading resumes. So a
 * peer that sends but never reads holds the queue near the high watermark instead of growing it.
 * {@link #sendData} never refuses data: an application that produces output on its own (not in
 * reply to input) must watch {@link #isWritable()} or {@link #drained()}. Each fd queued by
 * {@link #sendFileDescriptors} weighs 1 KiB against the watermarks (the connection holds a
 * duplicate of it open), so a peer that never reads cannot make it hold more than a few hundred.
 * A file queued by {@link #streamFileData} weighs its unsent bytes (it is data waiting to go, as
 * in Netty), though none of it is in memory: a file larger than the high watermark makes the
 * connection unwritable, and stops it reading, until at most the low watermark is left to send.
 */
public abstract class Connection {
  /** The largest file {@link #sendFileData} reads whole: 1 MiB. */
  public static final int SEND_FILE_DATA_LIMIT = 1024 * 1024;

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
   * Called on a proxy's source when a relay with a length ({@link Reactor#proxy(Connection,
   * Connection, long)}) has carried that many bytes and stopped; bytes read past the limit
   * follow in {@link #receiveData}.
   */
  protected void proxyCompleted() {}

  /**
   * With pull reading on ({@link #setPullReading}), called instead of {@link #receiveData} each
   * turn the socket has input, end of stream or an error waiting (Danga::Socket's {@code
   * event_read}): call {@link #read(int)}. Level-triggered: while you leave input unread, this is
   * called again every turn; {@link #pause()} stops it.
   */
  protected void notifyReadable() {}

  /**
   * Called once when the peer's end of stream is read (an orderly close or shutdown of its
   * output, a FIN; Danga::Socket's {@code event_hup}), after every byte before it was delivered.
   * Reading stops. The default closes once the queued data is written ({@link
   * #closeConnectionAfterWriting()}), as before this callback existed; override it to keep
   * writing to a peer that only shut its output down, and close when done. If the fd hangs up
   * while not being read (paused, full, or both directions gone), the connection closes right
   * after this returns, whatever it did. If an override throws, the connection stays open (and
   * no longer reads): catch inside.
   */
  protected void hungUp() {
    closeConnectionAfterWriting();
  }

  /**
   * Called when a read or write on the open connection fails (a reset, ECONNRESET; EPIPE; or the
   * exception of a {@link SocketWriter}; Danga::Socket's {@code event_err}), just before the
   * connection closes with {@code error} as {@link #closeReason()}: a broken socket is never
   * kept, and data sent from here is dropped. Not called when a connect fails (see {@link
   * #unbind()}). The default does nothing.
   */
  protected void errorOccurred(Throwable error) {}

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
   * Reads the whole of {@code path} (at most {@link #SEND_FILE_DATA_LIMIT} bytes) and sends it as
   * {@link #sendData(byte[])} does (EventMachine's {@code send_file_data}); returns as that. The
   * read blocks the loop for as long as reading a local file takes; for larger files, or to keep
   * the loop free, use {@link #streamFileData}.
   *
   * @throws dev.tether.unix.NativeCallException naming the path if it cannot be opened or read
   *     (ENOENT if missing); nothing is sent
   * @throws IllegalArgumentException if it is not a regular file or is larger than the limit (the
   *     message names both sizes); nothing is sent
   */
  public final boolean sendFileData(Path path) {
    Endpoint e = endpoint();
    return e.send(ByteBuffer.wrap(SmallFiles.read(path, SEND_FILE_DATA_LIMIT, e.reactor.io())));
  }

  /** {@link #streamFileData(Path, long, long)} of the whole file. */
  public final CompletableFuture<Void> streamFileData(Path path) {
    return streamFileData(path, 0, -1);
  }

  /**
   * Sends {@code length} bytes of {@code path} from {@code offset} ({@code -1}: up to the end the
   * file has now) without copying them through Java (EventMachine's {@code stream_file_data}):
   * the span goes into the outgoing queue, in order with the data sent before and after it, and
   * is written with sendfile(2) as the socket takes it. It counts toward the watermarks by its
   * unsent bytes (see the class documentation), so {@link #isWritable()} and {@link #drained()}
   * tell a producer when to go on.
   *
   * <p>When the connection's output is transformed (TLS), the file is read in 16 KiB chunks
   * instead, each sent as ordinary data whenever the queue is at or below the low watermark, and
   * whatever is sent meanwhile is held behind the file in order ({@link #sendFileDescriptors}
   * throws {@link IllegalStateException} until the last chunk is read). sendfile(2) writes to any
   * fd since Linux 2.6.33, so a connection on a pipe or another stream fd ({@link
   * Reactor#attach}) streams with it too; where the kernel refuses, the connection closes with
   * that {@code sendfile} error as its {@link #closeReason()}.
   *
   * <p><b>Ownership.</b> The file is opened here (read-only, close-on-exec) and its fd belongs to
   * the connection's queue: closed once the span is sent, or when the connection closes first.
   *
   * @return a future completed on the reactor thread once every byte is written to the socket
   *     (handed to the kernel), or failed with an {@link java.io.IOException} if the connection
   *     closes first (its cause is the {@link #closeReason()}), or at once on a closing or closed
   *     connection; a file that shrinks below the span while being sent closes the connection
   *     with an {@code IOException} saying so
   * @throws dev.tether.unix.NativeCallException naming the path if it cannot be opened (ENOENT if
   *     missing); nothing is queued
   * @throws IllegalArgumentException if it is not a regular file, or the span is not inside it
   */
  public final CompletableFuture<Void> streamFileData(Path path, long offset, long length) {
    return endpoint().streamFile(path, offset, length);
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
   *     queued to write (nor a file waiting to be streamed), nothing pushed back ({@link
   *     #pushBackRead}: those bytes are no longer in the socket), no proxy and no TLS (the
   *     fd then stays here)
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
   *     it receives fds, reads by pull, holds pushed-back input or has a writer
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
   * {@link #closeConnection()} with a reason: {@link #closeReason()} is then a {@link
   * ConnectionClosedException} whose message is {@code reason} (unless the connection was closed
   * already, which keeps its first reason).
   */
  public final void closeConnection(String reason) {
    Objects.requireNonNull(reason, "reason");
    Endpoint e = endpoint();
    if (e.open()) {
      e.close(new ConnectionClosedException(reason));
    }
  }

  /**
   * Connects this closed connection again, to {@code host:port} (EventMachine's {@code
   * reconnect}; typically from {@link #unbind()}). The object gets a new fd and a fresh state:
   * empty queue, default watermarks and timeouts, not paused, push reading, no writer, no proxy,
   * {@link #closeReason()} null, any local address (a {@link Reactor#bindConnect}'s is not kept).
   * {@link #postInit()} does not run again; {@link #connectionCompleted()} or {@link #unbind()}
   * follow as after {@link Reactor#connect}, whose name resolution off the loop applies too.
   *
   * @throws IllegalStateException if the connection is open, used TLS (started in postInit,
   *     which does not run again: the new connection would go in the clear), or is a {@link
   *     ProcessConnection}
   * @throws ReactorException if the reactor is stopping
   * @throws dev.tether.unix.NativeCallException if the connect fails at once; the connection
   *     then stays closed as it was
   */
  public final void reconnect(String host, int port) {
    reconnect(InetSocketAddress.createUnresolved(host, port));
  }

  /** {@link #reconnect(String, int)} to an InetSocketAddress or UnixDomainSocketAddress. */
  public final void reconnect(SocketAddress target) {
    Objects.requireNonNull(target, "target");
    Endpoint e = endpoint();
    e.reactor.connector().reconnect(this, target);
  }

  /**
   * Sets how long this connection's connect may take, counted from its start (EventMachine's
   * {@code set_pending_connect_timeout}), overriding {@link Reactor#setPendingConnectTimeout}.
   * While connecting, the deadline moves at once (if it has passed, the connection times out in
   * this turn); afterwards it only records the value.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public final void setPendingConnectTimeout(Duration timeout) {
    Endpoint e = endpoint();
    e.setConnectTimeout(Timers.positiveNanos("pendingConnectTimeout", timeout));
  }

  /** This connection's pending-connect timeout (the reactor's default unless set). */
  public final Duration pendingConnectTimeout() {
    Endpoint e = endpoint();
    return Duration.ofNanos(e.connectTimeoutNanos > 0 ? e.connectTimeoutNanos
        : e.reactor.pendingConnectNanos());
  }

  /**
   * Time since this connection last read or wrote a byte, or since it was registered
   * (EventMachine's {@code get_idle_time}). Traffic is stamped with the time of the first
   * traffic on any connection in the same loop turn (the clock is read once per turn, as
   * EventMachine's loop time), so the figure may be larger by the time the loop spent in that
   * turn before this connection's traffic (microseconds, unless a callback blocks); with an
   * inactivity timeout set, stamps are exact, and setting that timeout restarts the count.
   */
  public final Duration idleTime() {
    return Duration.ofNanos(endpoint().idleNanos());
  }

  /**
   * The value of socket option {@code option}: one of {@link java.net.StandardSocketOptions}'s
   * TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR, SO_REUSEPORT, SO_BROADCAST,
   * SO_LINGER (seconds, -1 if off), IP_TOS, or {@link TetherSocketOptions#TCP_CORK}.
   *
   * @throws UnsupportedOperationException for any other option, naming it
   * @throws IllegalStateException if the connection is closed, or connecting to a name not
   *     resolved yet (its fd is a placeholder until then)
   * @throws dev.tether.unix.NativeCallException if getsockopt fails (ENOPROTOOPT: the option does
   *     not apply to this kind of socket, e.g. TCP_NODELAY on a Unix socket; ENOTSOCK)
   */
  public final <T> T getSocketOption(SocketOption<T> option) {
    return SocketOptionTable.get(endpoint(), option);
  }

  /**
   * Sets socket option {@code option} (see {@link #getSocketOption} for the supported ones).
   * SO_RCVBUF and SO_SNDBUF must be &gt; 0 (Linux doubles what you give, for its bookkeeping);
   * SO_LINGER at most 65535 seconds, negative turns it off, 0 makes the close send a reset;
   * IP_TOS 0..255 (IPV6_TCLASS on IPv6).
   *
   * @throws UnsupportedOperationException for an unsupported option, naming it
   * @throws IllegalArgumentException for a value out of range, naming it
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalStateException if the connection is closed, or connecting to a name not
   *     resolved yet (its fd is a placeholder until then)
   * @throws dev.tether.unix.NativeCallException if setsockopt fails
   */
  public final <T> void setSocketOption(SocketOption<T> option, T value) {
    SocketOptionTable.set(endpoint(), option, value);
  }

  /** Sets {@link TetherSocketOptions#TCP_CORK}: on holds partial segments, off sends them. */
  public final void tcpCork(boolean on) {
    setSocketOption(TetherSocketOptions.TCP_CORK, on);
  }

  /**
   * Gives {@code data}'s remaining bytes (consumed, copied) back to the input (Danga::Socket's
   * {@code push_back_read}): they come again before anything read next, in front of bytes pushed
   * back earlier, as with {@link java.io.PushbackInputStream}. With push reading they are
   * delivered with the next bytes that arrive, in one {@link #receiveData} (or alone at the
   * peer's end of stream), so pushing back an incomplete frame waits for more input instead of
   * spinning; with pull reading {@link #read(int)} returns them first. Dropped if the connection
   * closes first.
   *
   * @throws IllegalArgumentException if the bytes pushed back would exceed 65536 (the read
   *     buffer's size) in all
   * @throws IllegalStateException on a TLS connection (the bytes read are ciphertext there)
   */
  public final void pushBackRead(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    endpoint().pushBack(data);
  }

  /**
   * Turns pull reading on or off (Danga::Socket's style). On: the reactor reads nothing itself;
   * it calls {@link #notifyReadable()} when there is input, and you take it with {@link
   * #read(int)}. Off (the default): input arrives in {@link #receiveData}. A proxy relays only
   * what push reading reads.
   *
   * @throws IllegalStateException on a TLS connection (the socket's bytes are ciphertext there)
   */
  public final void setPullReading(boolean on) {
    endpoint().setPull(on);
  }

  /** Whether pull reading is on. */
  public final boolean isPullReading() {
    return endpoint().pull();
  }

  /**
   * Pull reading: up to {@code maxBytes} bytes (pushed-back ones first; at most 65536 from the
   * socket per call) in a new heap buffer you own, ready to read (position 0). Returns an empty
   * buffer if nothing is there now (or while connecting), and null once there is nothing more
   * to read: at the peer's end of stream (then {@link #hungUp()} has run, by default closing the
   * connection once its queue is written), or after a read error (then {@link #errorOccurred}
   * and {@link #unbind()} have run, before this returns), or on a closed connection.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is not positive
   * @throws IllegalStateException if pull reading is off (push reading owns the input then)
   */
  public final ByteBuffer read(int maxBytes) {
    return PullReader.read(endpoint(), maxBytes);
  }

  /**
   * Makes {@code writer} perform the writes of queued bytes instead of send(2) (Danga::Socket's
   * {@code set_writer_func}); null restores send(2). Every byte sent from then on goes through
   * the queue to it (no direct write in {@link #sendData}); fds of {@link #sendFileDescriptors}
   * still go by sendmsg(2). See {@link SocketWriter} for its contract.
   *
   * @throws IllegalStateException on a TLS connection (the queue holds TLS records there)
   */
  public final void setWriter(SocketWriter writer) {
    endpoint().setWriter(writer);
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
   *
   * @throws IllegalArgumentException if {@code maxPerMessage} is not 1..253
   * @throws IllegalStateException on a TLS connection (fds do not travel over TLS)
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

  /** The fd is released: runs unbind (a {@link ProcessConnection} waits for its child too). */
  void released() {
    endpoint.reactor.callbacks().invoke(Callbacks.UNBIND, this, null);
  }

  /**
   * The class name, fd, and local and peer address, e.g. {@code app.Echo[fd 12, local
   * 127.0.0.1:8080, peer 127.0.0.1:53412]}; {@code closed, was fd 12} once closed. Any thread,
   * any time: the addresses are looked up (once) only on the reactor thread while open, else
   * shown if known.
   */
  @Override
  public String toString() {
    Endpoint e = endpoint;
    return e == null ? getClass().getName() + "[not bound]" : e.label();
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
