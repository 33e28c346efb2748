package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import dev.tether.unix.jnr.SocketCalls;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Datagram sockets on raw fds: UDP over IPv4 and IPv6, and AF_UNIX datagram sockets. Opens and
 * binds them ({@link #open}: the caller owns the fd), and receives and sends one datagram per
 * call with recvmsg/sendmsg, the peer's address in {@code msg_name}: not recvfrom/sendto, whose
 * sixth argument jnr-ffi 2.2.17's generated stub garbles (see {@link Sockets#sendTo}).
 *
 * <p>One instance per socket: it keeps the msghdr and the address of the last datagram received,
 * which {@link #reply} sends to and {@link #sender()} decodes (once per distinct sender: a run of
 * datagrams from one peer decodes its address once). Not thread-safe. The raw-address calls
 * return {@code -errno} instead of throwing, so a non-blocking loop classifies EAGAIN without
 * allocating. Layouts are those of 64-bit Linux (msghdr 56 bytes).
 */
public final class Datagrams {
  private static final int MSGHDR_SIZE = 56;
  /** The longest sender address remembered to recognise it: a sockaddr_in6 is 28 bytes. */
  private static final int COMPARED = 32;
  private static final int STORAGE = 128;

  private final SocketCalls libc = Libc.sockets();
  private final ByteBuffer area = Memory.allocate(MSGHDR_SIZE + 16);
  private final long msghdr = Memory.address(area);
  private final long iov = msghdr + MSGHDR_SIZE;
  /** Where recvmsg writes the sender; the reply address until the next datagram. */
  private final SocketAddresses from = new SocketAddresses();
  private final SocketAddresses to = new SocketAddresses();
  private int fromLength;
  private boolean truncated;
  private SocketAddress sender;
  private final byte[] senderBytes = new byte[COMPARED];
  private int senderLength = -1;
  private SocketAddress encodedTarget;
  private int encodedLength;

  /**
   * A non-blocking, close-on-exec datagram socket bound to {@code local}: an {@code
   * InetSocketAddress} (UDP; port 0 picks a free port; an IPv6 socket bound to {@code ::} also
   * serves IPv4, as Linux's default {@code bindv6only=0} has it) or a {@code
   * UnixDomainSocketAddress} (a path, which must not exist). The caller owns the fd.
   *
   * @throws IllegalArgumentException if {@code local} is an unresolved or other kind of address
   * @throws dev.tether.unix.NativeCallException if socket(2) or bind(2) fails (EADDRINUSE, ...);
   *     the fd is closed then
   */
  public static int open(SocketAddress local) {
    SocketAddresses addresses = new SocketAddresses();
    int family;
    int length;
    if (local instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) local;
      length = addresses.encode(inet);
      family = inet.getAddress() instanceof Inet4Address ? Linux.AF_INET : Linux.AF_INET6;
    } else if (local instanceof UnixDomainSocketAddress) {
      length = addresses.encode(Path.of(((UnixDomainSocketAddress) local).getPath().toString()));
      family = Linux.AF_UNIX;
    } else {
      throw new IllegalArgumentException("local : " + local
          + " (expected: an InetSocketAddress or a UnixDomainSocketAddress)");
    }
    SocketCalls libc = Libc.sockets();
    int fd = libc.socket(family,
        Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw Errors.failure("socket", family + ", SOCK_DGRAM");
    }
    if (libc.bind(fd, addresses.address(), length) != 0) {
      int errno = Errors.errno();
      Io.close(fd);
      throw Errors.failure("bind", local, errno);
    }
    return fd;
  }

  /**
   * Receives one datagram, up to {@code length} bytes to {@code address}: its length (0 for an
   * empty datagram), or -errno (-EAGAIN: none waiting). Its sender becomes the reply address.
   */
  public long receive(int fd, long address, int length) {
    prepare(from.address(), STORAGE, address, length);
    long n = libc.recvmsg(fd, msghdr, 0);
    if (n < 0) {
      return -Libc.errno();
    }
    fromLength = area.getInt(8);
    from.setLength(fromLength);
    truncated = (area.getInt(48) & Linux.MSG_TRUNC) != 0;
    return n;
  }

  /** Whether the last datagram received was longer than the room given and lost its tail. */
  public boolean truncated() {
    return truncated;
  }

  /**
   * Whether the last datagram received came from an address that can be replied to (false
   * before any, and for an unbound AF_UNIX sender).
   */
  public boolean hasSender() {
    return fromLength > 2;
  }

  /**
   * The sender of the last datagram received ({@code InetSocketAddress} or {@code
   * UnixDomainSocketAddress}), or null if {@link #hasSender()} is false. The same object as the
   * previous call's while the sender's address is the same.
   */
  public SocketAddress sender() {
    if (!hasSender()) {
      return null;
    }
    if (fromLength != senderLength || !from.matches(senderBytes, fromLength)) {
      sender = unmapped(from.decode());
      // Longer (Unix) addresses are decoded every time: never equal to a length of -1.
      senderLength = fromLength <= COMPARED ? fromLength : -1;
      if (senderLength > 0) {
        from.copyTo(senderBytes, fromLength);
      }
    }
    return sender;
  }

  /**
   * An IPv4 sender seen by an IPv6 socket bound to {@code ::} comes as {@code ::ffff:a.b.c.d};
   * shown as the IPv4 address it is, as the JDK does for such bytes. Replies use the raw
   * address, and Linux takes an IPv4 target on such a socket too.
   */
  private static SocketAddress unmapped(SocketAddress decoded) {
    if (!(decoded instanceof InetSocketAddress)) {
      return decoded;
    }
    InetSocketAddress inet = (InetSocketAddress) decoded;
    if (!(inet.getAddress() instanceof Inet6Address)) {
      return decoded;
    }
    byte[] ip = inet.getAddress().getAddress();
    for (int i = 0; i < 10; i++) {
      if (ip[i] != 0) {
        return decoded;
      }
    }
    if (ip[10] != (byte) 0xff || ip[11] != (byte) 0xff) {
      return decoded;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), inet.getPort()); // Inet4Address
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  /**
   * Sends the {@code length} bytes at {@code address} as one datagram to the sender of the last
   * datagram received: the count, or -errno (-EDESTADDRREQ if there is none).
   */
  public long reply(int fd, long address, int length) {
    if (!hasSender()) {
      return -Linux.EDESTADDRREQ;
    }
    prepare(from.address(), fromLength, address, length);
    return sendmsg(fd);
  }

  /**
   * Sends the {@code length} bytes at {@code address} as one datagram to {@code target} (a
   * resolved {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}): the count, or
   * -errno (-EAGAIN: the socket's send buffer is full).
   */
  public long send(int fd, long address, int length, SocketAddress target) {
    if (target != encodedTarget) { // the same target object again (a reply loop): encoded once
      encodedLength = target instanceof InetSocketAddress
          ? to.encode((InetSocketAddress) target)
          : to.encode(Path.of(((UnixDomainSocketAddress) target).getPath().toString()));
      encodedTarget = target;
    }
    prepare(to.address(), encodedLength, address, length);
    return sendmsg(fd);
  }

  private long sendmsg(int fd) {
    long n = libc.sendmsg(fd, msghdr, Linux.MSG_NOSIGNAL);
    return n >= 0 ? n : -Libc.errno();
  }

  private void prepare(long name, int nameLength, long address, int length) {
    area.putLong(0, name); // msg_name
    area.putInt(8, nameLength); // msg_namelen
    area.putLong(16, iov); // msg_iov
    area.putLong(24, 1L); // msg_iovlen
    area.putLong(32, 0L); // msg_control
    area.putLong(40, 0L); // msg_controllen
    area.putInt(48, 0); // msg_flags
    area.putLong(MSGHDR_SIZE, address); // iov_base
    area.putLong(MSGHDR_SIZE + 8, length); // iov_len
  }
}
