package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Datagrams;
import dev.tether.unix.internal.Errors;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Poller;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import org.slf4j.LoggerFactory;

/**
 * The poll registration and I/O state of one {@link DatagramConnection}: its fd (owned from
 * registration until {@link #close}, which also removes a Unix socket's file), the address of
 * the last datagram's sender, and the bounded queue of datagrams the socket would not take.
 * Reactor thread only.
 *
 * <p>Reads: up to {@link #DATAGRAMS_PER_TURN} datagrams per readiness event, each into the
 * reactor's shared read buffer (64 KiB, more than any UDP payload) and delivered whole, empty
 * ones included, so a flood on one socket cannot starve the rest of the loop.
 *
 * <p>Writes: sent at once; if the socket would block (EAGAIN), copied into the queue with their
 * destination and sent when it is writable, in order. The queue holds at most {@code limit}
 * bytes, each datagram weighing its length plus {@link #DATAGRAM_WEIGHT} (so empty ones count
 * too); past it a datagram is dropped and counted. A datagram the kernel refuses (EHOSTUNREACH,
 * EACCES, ...) is dropped, counted and reported to {@link DatagramConnection#sendFailed}; the
 * socket stays open, since one unreachable peer must not cut a server off from the others.
 */
final class DatagramHandle extends Handle {
  static final int DATAGRAMS_PER_TURN = 16;
  static final long DATAGRAM_WEIGHT = 64;
  static final long DEFAULT_LIMIT = 256 * 1024;
  /** IPv4's largest payload: 65535 less the IP and UDP headers (20 + 8). */
  static final int MAX_IPV4_PAYLOAD = 65_507;
  /** IPv6's largest payload without jumbograms: 65535 less the UDP header. */
  static final int MAX_IPV6_PAYLOAD = 65_527;
  /** How long a socket that was reported writable but took nothing waits before trying again. */
  static final java.time.Duration RETRY_AFTER = java.time.Duration.ofMillis(10);

  /** One datagram waiting for the socket to take it. */
  private static final class Pending {
    final byte[] bytes;
    final SocketAddress target;

    Pending(byte[] bytes, SocketAddress target) {
      this.bytes = bytes;
      this.target = target;
    }
  }

  final Reactor reactor;
  final DatagramConnection connection;
  private final Datagrams io = new Datagrams();
  private final SocketAddress local;
  private final Path unixPath;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Payload bytes queued; the queue's weight adds DATAGRAM_WEIGHT per datagram. */
  private long queued;
  private long limit = DEFAULT_LIMIT;
  private long dropped;
  private boolean open = true;
  /** closeAfterWriting with datagrams queued: no more reads or sends; close once flushed. */
  private boolean closing;
  /** Direct copy of heap data and queued datagrams for sendmsg; made on first need. */
  private ByteBuffer staging;
  private long stagingAddress;
  /** Set while WRITE interest is off after a writable report that took nothing. */
  private Timer retry;

  DatagramHandle(Reactor reactor, DatagramConnection connection, int fd, Path unixPath) {
    if (connection.handle != null) {
      throw new ReactorException("datagram connection " + connection.getClass().getName()
          + " is already bound (expected: a new DatagramConnection object per socket)");
    }
    this.reactor = reactor;
    this.connection = connection;
    this.fd = fd;
    this.unixPath = unixPath;
    this.local = reactor.io().sockets.localAddress(fd);
    connection.handle = this;
  }

  @Override
  void onEvents(int events) {
    if ((events & (Poller.WRITE | Poller.ERROR)) != 0 && !queue.isEmpty()) {
      flush();
    }
    if (open && !closing && (events & (Poller.READ | Poller.ERROR | Poller.HANGUP)) != 0) {
      read();
    }
  }

  private void read() {
    ByteBuffer buffer = reactor.io().readBuffer;
    for (int i = 0; i < DATAGRAMS_PER_TURN && open; i++) {
      long n = io.receive(fd, reactor.io().readAddress, buffer.capacity());
      if (n < 0) {
        if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
          // A pending socket error (an ICMP report): recvmsg returned and cleared it, so it
          // cannot repeat; the socket serves on.
          LoggerFactory.getLogger(DatagramHandle.class).warn("{} on {}: receiving failed",
              connection.getClass().getName(), local, Errors.failure("recvmsg", fd, (int) -n));
        }
        return;
      }
      if (io.truncated()) { // only an AF_UNIX sender can exceed the 64 KiB buffer
        LoggerFactory.getLogger(DatagramHandle.class).warn(
            "{} on {}: dropped a datagram longer than {} bytes from {}",
            connection.getClass().getName(), local, buffer.capacity(),
            io.hasSender() ? io.sender() : "an unnamed socket");
        continue;
      }
      buffer.clear().limit((int) n);
      reactor.callbacks().invoke(Callbacks.DATAGRAM_RECEIVE, connection, buffer);
    }
  }

  /** Sends {@code data}'s remaining bytes to {@code target}, or to the last sender if null. */
  boolean send(ByteBuffer data, SocketAddress target) {
    java.util.Objects.requireNonNull(data, "data");
    if (!open || closing) {
      return false;
    }
    if (target == null && !io.hasSender()) {
      throw new IllegalStateException("sendData on " + local + ": no datagram received yet"
          + " (expected: a reply to a datagram; use sendDatagram to choose the target)");
    }
    checkTarget(target == null ? io.sender() : target, data.remaining());
    int length = data.remaining();
    if (queue.isEmpty()) {
      long address;
      if (data.isDirect()) {
        address = reactor.io().address(data) + data.position();
      } else {
        ByteBuffer copy = staging();
        copy.clear();
        copy.put(data.duplicate());
        address = stagingAddress;
      }
      long n = target == null ? io.reply(fd, address, length)
          : io.send(fd, address, length, target);
      if (n >= 0) {
        data.position(data.limit());
        return true;
      }
      if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
        data.position(data.limit());
        failed(target == null ? io.sender() : target, (int) -n);
        return false;
      }
    }
    if (queued + (queue.size() + 1) * DATAGRAM_WEIGHT + length > limit) {
      dropped++;
      return false;
    }
    byte[] bytes = new byte[length];
    data.get(bytes);
    queue.add(new Pending(bytes, target == null ? io.sender() : target));
    queued += length;
    updateInterest();
    return true;
  }

  /** Refuses a target the socket cannot send to, or a datagram no peer could receive whole. */
  private void checkTarget(SocketAddress target, int length) {
    int max;
    if (unixPath != null) {
      if (!(target instanceof java.net.UnixDomainSocketAddress)) {
        throw new IllegalArgumentException("target : " + target + " (expected: a"
            + " UnixDomainSocketAddress, for the Unix datagram socket " + local + ")");
      }
      max = LoopIo.READ_BUFFER_SIZE; // what a Tether reactor at the other end receives whole
    } else {
      if (!(target instanceof InetSocketAddress) || ((InetSocketAddress) target).isUnresolved()) {
        throw new IllegalArgumentException("target : " + target
            + " (expected: a resolved InetSocketAddress, for the UDP socket " + local + ")");
      }
      boolean toIpv4 = ((InetSocketAddress) target).getAddress() instanceof Inet4Address;
      if (!toIpv4 && ((InetSocketAddress) local).getAddress() instanceof Inet4Address) {
        throw new IllegalArgumentException("target : " + target
            + " (expected: an IPv4 address, for the IPv4 socket " + local + ")");
      }
      max = toIpv4 ? MAX_IPV4_PAYLOAD : MAX_IPV6_PAYLOAD;
    }
    if (length > max) {
      throw new IllegalArgumentException("datagram length : " + length + " bytes to " + target
          + " (expected: <= " + max + ")");
    }
  }

  /**
   * Sends queued datagrams until the socket would block or the queue is empty. If it took none
   * although reported writable, WRITE interest goes off for {@link #RETRY_AFTER}: Linux reports
   * an unconnected AF_UNIX datagram socket writable while its receiver's queue is full (its
   * length limit, net.unix.max_dgram_qlen), where sendmsg still fails with EAGAIN, and a
   * level-triggered poll would report it again at once, a busy loop until the receiver reads.
   * (UDP is reported writable only once its send buffer has room, so it never waits here.)
   */
  private void flush() {
    ByteBuffer copy = staging();
    int sent = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.peek();
      copy.clear();
      copy.put(next.bytes);
      long n = io.send(fd, stagingAddress, next.bytes.length, next.target);
      if (n == -Linux.EAGAIN || n == -Linux.EINTR) {
        break;
      }
      sent++;
      queue.poll();
      queued -= next.bytes.length;
      if (n < 0) {
        failed(next.target, (int) -n);
        if (!open) {
          return;
        }
      }
    }
    if (sent == 0) {
      reactor.reinterest(this, closing ? 0 : Poller.READ);
      retry = reactor.addTimer(RETRY_AFTER, () -> {
        retry = null;
        updateInterest();
      });
      return;
    }
    if (queue.isEmpty() && closing) {
      close();
      return;
    }
    updateInterest();
    if (queue.isEmpty()) {
      reactor.callbacks().invoke(Callbacks.DATAGRAM_DRAINED, connection, null);
    }
  }

  private void failed(SocketAddress target, int errno) {
    dropped++;
    NativeCallException error = Errors.failure("sendmsg", target, errno);
    reactor.callbacks().invoke(Callbacks.SEND_FAILED, connection, new Object[] {target, error});
  }

  private ByteBuffer staging() {
    if (staging == null) {
      staging = Memory.allocate(LoopIo.READ_BUFFER_SIZE);
      stagingAddress = Memory.address(staging);
    }
    return staging;
  }

  void updateInterest() {
    if (open && retry == null) {
      reactor.reinterest(this, (closing ? 0 : Poller.READ) | (queue.isEmpty() ? 0 : Poller.WRITE));
    }
  }

  /** Closes now if nothing is queued, else stops reading and sending and closes once flushed. */
  void closeAfterWriting() {
    if (!open || closing) {
      return;
    }
    if (queue.isEmpty()) {
      close();
    } else {
      closing = true;
      updateInterest();
    }
  }

  /** Closes the fd (and removes a Unix socket's file), drops the queue, then unbind. */
  void close() {
    if (!open) {
      return;
    }
    open = false;
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    reactor.unregister(this);
    Io.close(fd);
    queue.clear();
    queued = 0;
    if (unixPath != null) {
      try {
        Files.deleteIfExists(unixPath);
      } catch (IOException e) {
        LoggerFactory.getLogger(DatagramHandle.class).warn(
            "could not remove the socket file {}", unixPath, e);
      }
    }
    reactor.callbacks().invoke(Callbacks.DATAGRAM_UNBIND, connection, null);
  }

  @Override
  void shutdown() {
    close();
  }

  boolean open() {
    return open;
  }

  SocketAddress sender() {
    return io.sender();
  }

  SocketAddress localAddress() {
    return local;
  }

  long outboundBytes() {
    return queued;
  }

  long dropped() {
    return dropped;
  }

  long limit() {
    return limit;
  }

  void setLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("outboundLimit : " + bytes + " (expected: >= 0)");
    }
    limit = bytes;
  }

  @Override
  String describe() {
    return "datagram socket " + local + " of " + connection.getClass().getName();
  }
}
