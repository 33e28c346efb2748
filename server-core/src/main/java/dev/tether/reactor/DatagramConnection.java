package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.LoggerFactory;

/**
 * A datagram socket served by a {@link Reactor}: UDP over IPv4 or IPv6 ({@link
 * Reactor#openDatagramSocket}) or an AF_UNIX datagram socket ({@link
 * Reactor#openUnixDatagramSocket}). Subclass it and override the callbacks you need; it is what
 * EventMachine's {@code EM.open_datagram_socket} hands its handler: {@link #receiveData} once per
 * datagram, {@link #sendData} inside it replies to that datagram's sender, {@link
 * #sendDatagram(ByteBuffer, String, int)} sends anywhere.
 *
 * <p><b>Threading.</b> Every callback runs on the reactor thread, and every method here must be
 * called on it (others throw {@link ReactorException}). Callbacks must not block.
 *
 * <p><b>Order of callbacks.</b> {@link #postInit()} once, as soon as the socket is bound and
 * registered; then any number of {@link #receiveData}, {@link #drained()} and {@link
 * #sendFailed}; then {@link #unbind()} exactly once, after the fd is closed. An exception thrown
 * by a callback goes to the reactor's {@link ErrorHandler} and the socket stays as it was.
 *
 * <p><b>Ownership.</b> The reactor owns the socket's fd and closes it on {@link
 * #closeConnection()}, {@link #closeConnectionAfterWriting()} or {@link Reactor#stop()}, nothing
 * else: no error on one datagram closes the socket. A Unix datagram socket's file is removed
 * then too. A {@code DatagramConnection} object serves one socket once. It does not count in
 * {@link Reactor#connectionCount()}.
 *
 * <p><b>Datagrams.</b> Boundaries are kept: each {@code receiveData} is exactly one datagram,
 * empty ones included, and each send is one datagram. Up to 16 datagrams are read per readiness
 * event of a socket, so a flood on one socket cannot starve the rest of the loop.
 *
 * <p><b>Sending and its limits.</b> A datagram is sent at once. If the socket would block (its
 * send buffer is full: never seen for UDP on loopback, where the kernel hands each datagram to
 * the receiver at once and drops it there if the receiver is full; a Unix receiver that does
 * not read causes it), it is copied into a queue and sent, in order, when the socket is
 * writable (a Unix socket whose receiver's queue is full is tried again every 10 ms, since
 * Linux reports it writable meanwhile); {@link #drained()} follows when the queue empties. The
 * queue holds at most {@link #outboundLimit()} (default 256 KiB) of weight, each datagram
 * weighing its length plus 64 bytes; a datagram past the limit is dropped: the send returns
 * false and {@link #droppedDatagrams()} counts it. A datagram the kernel refuses (no route:
 * EHOSTUNREACH, ENETUNREACH; EACCES for a broadcast; the error of an ICMP report) is dropped and
 * counted too, and {@link #sendFailed} is called with the error, at once or when the queue
 * reaches it; the socket stays open. (EventMachine closes the whole socket on such an error; a
 * server that one unreachable client could take down for all is worse, and UDP promises no
 * delivery anyway.) Arguments no send could succeed with throw instead: a target of the wrong
 * family or a datagram longer than the family allows.
 */
public abstract class DatagramConnection {
  DatagramHandle handle;

  /** Called once when the socket is bound and registered with the reactor. */
  protected void postInit() {}

  /**
   * Called with one datagram, possibly empty; {@link #peerAddress()} is its sender until the
   * next one. {@code data} is the reactor's shared read buffer: you do not own it, it is valid
   * only until you return, and you may consume or change it (reply with it, say).
   */
  protected void receiveData(ByteBuffer data) {}

  /** Called each time the queue of datagrams the socket would not take becomes empty. */
  protected void drained() {}

  /**
   * Called when the kernel refused to send a datagram to {@code target} (it is dropped and
   * counted in {@link #droppedDatagrams()}; the socket stays open), possibly from inside the
   * {@code sendData} or {@code sendDatagram} call that sent it. {@code error.errno()} says why.
   * The default logs a warning.
   */
  protected void sendFailed(SocketAddress target, NativeCallException error) {
    LoggerFactory.getLogger(DatagramConnection.class).warn("{} on {}: datagram to {} dropped",
        getClass().getName(), handle.localAddress(), target, error);
  }

  /** Called once after the socket is closed and its fd released. */
  protected void unbind() {}

  /**
   * Sends {@code data}'s remaining bytes (consuming them) as one datagram to the sender of the
   * last datagram received ({@link #peerAddress()}): inside {@link #receiveData}, a reply.
   * Returns true if it was sent or queued, false if dropped (the socket is closed, the queue is
   * full, or the kernel refused it).
   *
   * @throws IllegalStateException if no datagram has been received yet
   * @throws IllegalArgumentException if {@code data} is longer than one datagram can be (65507
   *     bytes to an IPv4 peer, 65527 to IPv6, 65536 over a Unix socket)
   */
  public final boolean sendData(ByteBuffer data) {
    return handle().send(data, null);
  }

  /** As {@link #sendData(ByteBuffer)} for all of {@code bytes}. */
  public final boolean sendData(byte[] bytes) {
    return sendData(ByteBuffer.wrap(bytes));
  }

  /**
   * Sends {@code data}'s remaining bytes (consuming them) as one datagram to {@code host:port}
   * (EventMachine's {@code send_datagram}). {@code host} must be a literal IPv4 or IPv6 address:
   * a name would need a lookup, which blocks, so resolving is the caller's business (off the
   * loop). Returns as {@link #sendData(ByteBuffer)}.
   *
   * @throws IllegalArgumentException if {@code host} is not a literal address, {@code port} is
   *     not in 0..65535, the address is IPv6 and the socket IPv4, or {@code data} is too long
   */
  public final boolean sendDatagram(ByteBuffer data, String host, int port) {
    DatagramHandle h = handle();
    return h.send(data, LiteralAddress.of(host, port));
  }

  /** As {@link #sendDatagram(ByteBuffer, String, int)} for all of {@code bytes}. */
  public final boolean sendDatagram(byte[] bytes, String host, int port) {
    return sendDatagram(ByteBuffer.wrap(bytes), host, port);
  }

  /**
   * As {@link #sendDatagram(ByteBuffer, String, int)} to {@code target}: a resolved {@code
   * InetSocketAddress} for a UDP socket, a {@code UnixDomainSocketAddress} for a Unix one.
   *
   * @throws IllegalArgumentException if {@code target} does not fit the socket (see above)
   */
  public final boolean sendDatagram(ByteBuffer data, SocketAddress target) {
    DatagramHandle h = handle();
    if (target == null) {
      throw new NullPointerException("target");
    }
    return h.send(data, target);
  }

  /** As {@link #sendDatagram(ByteBuffer, SocketAddress)} for all of {@code bytes}. */
  public final boolean sendDatagram(byte[] bytes, SocketAddress target) {
    return sendDatagram(ByteBuffer.wrap(bytes), target);
  }

  /**
   * The sender of the last datagram received ({@code InetSocketAddress} or {@code
   * UnixDomainSocketAddress}; EventMachine's {@code get_peername}), or null before the first
   * and for a Unix sender with no name. The same object for consecutive datagrams of one sender.
   */
  public final SocketAddress peerAddress() {
    return handle().sender();
  }

  /** The address the socket is bound to (with the real port if 0 was asked for). */
  public final SocketAddress localAddress() {
    return handle().localAddress();
  }

  /** Closes the socket at once, dropping queued datagrams; then {@link #unbind()}. Idempotent. */
  public final void closeConnection() {
    handle().close();
  }

  /**
   * Stops receiving and closes the socket once the queued datagrams are sent (at once if none
   * is queued); datagrams sent after this are dropped (the send returns false). {@link
   * #unbind()} follows the close. Idempotent.
   */
  public final void closeConnectionAfterWriting() {
    handle().closeAfterWriting();
  }

  /** Whether the socket is still open (also while closing after writing). */
  public final boolean isOpen() {
    return handle().open();
  }

  /** Payload bytes of the datagrams queued and not yet sent. */
  public final long outboundBytes() {
    return handle().outboundBytes();
  }

  /** Datagrams dropped so far: the queue was full, or the kernel refused them. */
  public final long droppedDatagrams() {
    return handle().dropped();
  }

  /**
   * Sets the queue's limit in bytes of weight (each datagram weighs its length plus 64); 0
   * drops every datagram the socket would not take at once.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public final void setOutboundLimit(long bytes) {
    handle().setLimit(bytes);
  }

  /** The queue's limit (default 256 KiB). */
  public final long outboundLimit() {
    return handle().limit();
  }

  /** The reactor serving this socket. */
  public final Reactor reactor() {
    return handle().reactor;
  }

  /** Whether this connection has been given to a reactor. */
  public final boolean isBound() {
    return handle != null;
  }

  private DatagramHandle handle() {
    DatagramHandle h = handle;
    if (h == null) {
      throw new ReactorException("datagram connection " + getClass().getName()
          + " is not bound to a reactor (expected: from openDatagramSocket)");
    }
    h.reactor.checkLoop();
    return h;
  }
}
