package dev.tether.reactor;

import dev.tether.unix.internal.Io;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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
   *     queued to write and no proxy (the fd then stays here)
   */
  public final int detach() {
    return endpoint().detach();
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
