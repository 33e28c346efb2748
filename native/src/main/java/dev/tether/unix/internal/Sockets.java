package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import dev.tether.unix.jnr.SocketCalls;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Socket set-up on raw fds: socket pairs, listening and connecting sockets (close-on-exec;
 * non-blocking unless said otherwise), options and addresses. Not thread-safe (shares a scratch
 * buffer): one instance per thread, e.g. per reactor. The fds it returns belong to the caller; on
 * failure it closes what it opened before throwing {@link dev.tether.unix.NativeCallException}.
 */
public final class Sockets {
  private final SocketCalls libc = Libc.sockets();
  private final SocketAddresses addresses = new SocketAddresses();
  private final ByteBuffer option = Memory.allocate(16);
  private final long optionAddress = Memory.address(option);

  /** A connected AF_UNIX stream socket pair, both ends blocking and close-on-exec. */
  public static int[] pair() {
    return pair(Linux.SOCK_STREAM);
  }

  /** A connected AF_UNIX socket pair of {@code type}, both ends blocking and close-on-exec. */
  public static int[] pair(int type) {
    int[] sv = new int[2];
    if (Libc.sockets().socketpair(Linux.AF_UNIX, type | Linux.SOCK_CLOEXEC, 0, sv) != 0) {
      throw Errors.failure("socketpair", "AF_UNIX, " + type);
    }
    return sv;
  }

  /** An unbound, blocking, close-on-exec AF_UNIX datagram socket; the caller owns it. */
  public static int unixDatagram() {
    int fd = Libc.sockets().socket(Linux.AF_UNIX, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw Errors.failure("socket", "AF_UNIX, SOCK_DGRAM");
    }
    return fd;
  }

  /**
   * Binds {@code fd} to a Unix socket name: a path, or '@' and a name in the abstract namespace
   * ({@link SocketAddresses#encodeUnix(String)}).
   */
  public void bindUnix(int fd, String name) {
    check(libc.bind(fd, addresses.address(), addresses.encodeUnix(name)), "bind", name);
  }

  /**
   * Sends one datagram, the {@code length} bytes at {@code address}, to the Unix socket {@code
   * name} (a path or '@' and an abstract name): connect(2) to it, then send(2), retried on EINTR;
   * {@code fd} stays connected to it. On a blocking socket it waits while the receiver's queue is
   * full. Not sendto(2): jnr-ffi 2.2.17's generated stub passed it a garbage sixth argument
   * (addrlen 815027674, EINVAL; measured here), which its reflective path did not.
   *
   * @throws dev.tether.unix.NativeCallException e.g. ECONNREFUSED (nobody is bound to the name),
   *     ENOENT (no such path)
   */
  public void sendTo(int fd, long address, int length, String name) {
    check(libc.connect(fd, addresses.address(), addresses.encodeUnix(name)), "connect", name);
    while (libc.send(fd, address, length, Linux.MSG_NOSIGNAL) < 0) {
      int errno = Errors.errno();
      if (errno != Linux.EINTR) {
        throw Errors.failure("send", name, errno);
      }
    }
  }

  /** A blocking, close-on-exec AF_UNIX stream socket connected to {@code path}. */
  public int connectUnixBlocking(Path path) {
    int length = addresses.encode(path);
    int fd = libc.socket(Linux.AF_UNIX, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw Errors.failure("socket", "AF_UNIX");
    }
    if (libc.connect(fd, addresses.address(), length) != 0) {
      int errno = Errors.errno();
      Io.close(fd);
      throw Errors.failure("connect", path, errno);
    }
    return fd;
  }

  /**
   * Whether a read of socket {@code fd} would return end of stream now: recv(2) with MSG_PEEK and
   * MSG_DONTWAIT returns 0. Neither blocks nor consumes anything; false on any error (EAGAIN: data
   * may still come).
   */
  public boolean isAtEndOfStream(int fd) {
    return libc.recv(fd, optionAddress, 1, Linux.MSG_PEEK | Linux.MSG_DONTWAIT) == 0;
  }

  /** A listening TCP socket bound to {@code address} (port 0 picks a free port). */
  public int listenTcp(InetSocketAddress address, int backlog) {
    int family = address.getAddress() instanceof java.net.Inet4Address
        ? Linux.AF_INET : Linux.AF_INET6;
    int fd = open(family);
    try {
      setInt(fd, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");
      int length = addresses.encode(address);
      check(libc.bind(fd, addresses.address(), length), "bind", address);
      check(libc.listen(fd, backlog), "listen", address);
      return fd;
    } catch (RuntimeException e) {
      Io.close(fd);
      throw e;
    }
  }

  /** A listening Unix socket at {@code path}, which must not exist. */
  public int listenUnix(Path path, int backlog) {
    int length = addresses.encode(path);
    int fd = open(Linux.AF_UNIX);
    try {
      check(libc.bind(fd, addresses.address(), length), "bind", path);
      check(libc.listen(fd, backlog), "listen", path);
      return fd;
    } catch (RuntimeException e) {
      Io.close(fd);
      throw e;
    }
  }

  /**
   * Starts a non-blocking connect; returns the fd. The caller waits for WRITE readiness and then
   * calls {@link #connectError(int)}.
   */
  public int startConnect(SocketAddress target) {
    return startConnect(target, null);
  }

  /**
   * {@link #startConnect(SocketAddress)} from the local address {@code bind} (null: any, chosen
   * by the kernel): the socket is bound to it before the connect starts.
   *
   * @throws dev.tether.unix.NativeCallException naming {@code bind} if bind(2) fails (EADDRINUSE,
   *     EADDRNOTAVAIL: no such local address, EINVAL: another family than the target's)
   */
  public int startConnect(SocketAddress target, InetSocketAddress bind) {
    int length = encodeTarget(target);
    int family = target instanceof InetSocketAddress
        ? (((InetSocketAddress) target).getAddress() instanceof java.net.Inet4Address
            ? Linux.AF_INET : Linux.AF_INET6)
        : Linux.AF_UNIX;
    int fd = open(family);
    if (bind != null) {
      try {
        check(libc.bind(fd, addresses.address(), addresses.encode(bind)), "bind", bind);
      } catch (RuntimeException e) {
        Io.close(fd);
        throw e;
      }
      length = encodeTarget(target); // the scratch space held the bind address meanwhile
    }
    if (libc.connect(fd, addresses.address(), length) < 0) {
      int errno = Errors.errno();
      if (errno != Linux.EINPROGRESS && errno != Linux.EAGAIN) {
        Io.close(fd);
        throw Errors.failure("connect", target, errno);
      }
    }
    return fd;
  }

  private int encodeTarget(SocketAddress target) {
    if (target instanceof InetSocketAddress) {
      return addresses.encode((InetSocketAddress) target);
    }
    return addresses.encode(Path.of(((java.net.UnixDomainSocketAddress) target).getPath()
        .toString()));
  }

  /** The pending error of a socket ({@code SO_ERROR}), 0 if none: the outcome of a connect. */
  public int connectError(int fd) {
    option.putInt(0, 0);
    option.putInt(8, 4);
    if (libc.getsockopt(fd, Linux.SOL_SOCKET, Linux.SO_ERROR, optionAddress,
        optionAddress + 8) < 0) {
      return Errors.errno();
    }
    return option.getInt(0);
  }

  /**
   * Who is at the other end of connected AF_UNIX socket {@code fd} ({@code SO_PEERCRED}): the
   * credentials the kernel recorded when the peer connected (or made the pair), which the peer
   * cannot forge.
   *
   * @throws dev.tether.unix.NativeCallException EBADF if {@code fd} is not open, ENOTSOCK if it
   *     is no socket
   */
  public PeerCredentials peerCredentials(int fd) {
    option.putInt(PeerCredentials.BYTES, PeerCredentials.BYTES); // the length slot after them
    check(libc.getsockopt(fd, Linux.SOL_SOCKET, Linux.SO_PEERCRED, optionAddress,
        optionAddress + PeerCredentials.BYTES), "getsockopt(SO_PEERCRED)", fd);
    return new PeerCredentials(option.getInt(0), option.getInt(4), option.getInt(8));
  }

  /** Accepts one connection, non-blocking and close-on-exec; -1 if none is pending. */
  public int accept(int listenFd) {
    int fd = libc.accept4(listenFd, 0L, 0L, Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
    if (fd < 0) {
      int errno = Errors.errno();
      if (errno == Linux.EAGAIN || errno == Linux.EINTR || errno == Linux.ECONNABORTED) {
        return -1;
      }
      throw Errors.failure("accept4", listenFd, errno);
    }
    return fd;
  }

  /**
   * recv(2) of up to {@code length} bytes to {@code address}: the count, 0 at end of stream, or
   * -errno (-ENOTSOCK if {@code fd} is not a socket). For sockets it costs less than {@link
   * Io#read(int, long, int)}: no file-position lock, access checks or fsnotify. Thread-safe.
   */
  public static long receive(int fd, long address, int length) {
    long n = Libc.sockets().recv(fd, address, length, 0);
    return n >= 0 ? n : -Libc.errno();
  }

  /**
   * send(2) with MSG_NOSIGNAL of up to {@code length} bytes from {@code address}: the count or
   * -errno (-EPIPE, never SIGPIPE, once the peer is gone; -ENOTSOCK if {@code fd} is not a
   * socket). The socket counterpart of {@link Io#write(int, long, int)}. Thread-safe.
   */
  public static long send(int fd, long address, int length) {
    long n = Libc.sockets().send(fd, address, length, Linux.MSG_NOSIGNAL);
    return n >= 0 ? n : -Libc.errno();
  }

  /** Whether {@code fd} is a socket (getsockopt(SO_TYPE) succeeds); false if it is not open. */
  public boolean isSocket(int fd) {
    option.putInt(8, 4);
    return libc.getsockopt(fd, Linux.SOL_SOCKET, Linux.SO_TYPE, optionAddress, optionAddress + 8)
        == 0;
  }

  /**
   * Whether socket {@code fd} listens ({@code SO_ACCEPTCONN}).
   *
   * @throws dev.tether.unix.NativeCallException EBADF if {@code fd} is not open, ENOTSOCK if it
   *     is no socket
   */
  public boolean isListening(int fd) {
    return intOption(fd, Linux.SO_ACCEPTCONN, "getsockopt(SO_ACCEPTCONN)") != 0;
  }

  /**
   * The address family of socket {@code fd} ({@code SO_DOMAIN}): {@link Linux#AF_INET}, {@link
   * Linux#AF_INET6}, {@link Linux#AF_UNIX}...
   *
   * @throws dev.tether.unix.NativeCallException as {@link #isListening(int)}
   */
  public int family(int fd) {
    return intOption(fd, Linux.SO_DOMAIN, "getsockopt(SO_DOMAIN)");
  }

  /**
   * The local address of socket {@code fd} as text ({@link SocketAddresses#describe()}), e.g.
   * {@code 127.0.0.1:8080}, {@code /run/app.sock}, {@code @app}; null if it has none.
   */
  public String localName(int fd) {
    return libc.getsockname(fd, addresses.address(), addresses.lengthSlot()) < 0
        ? null : addresses.describe();
  }

  /** Turns Nagle off if {@code fd} is a TCP socket; silently does nothing otherwise. */
  public void noDelay(int fd) {
    option.putInt(0, 1);
    libc.setsockopt(fd, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, optionAddress, 4);
  }

  /** The local address of a socket, or null if it has none (not a socket). */
  public SocketAddress localAddress(int fd) {
    return libc.getsockname(fd, addresses.address(), addresses.lengthSlot()) < 0
        ? null : addresses.decode();
  }

  /** The peer address of a socket, or null if not connected. */
  public SocketAddress peerAddress(int fd) {
    return libc.getpeername(fd, addresses.address(), addresses.lengthSlot()) < 0
        ? null : addresses.decode();
  }

  /** Sends FIN after the last byte written; errors are ignored (the peer may be gone). */
  public void shutdownOutput(int fd) {
    libc.shutdown(fd, Linux.SHUT_WR);
  }

  /**
   * shutdown(SHUT_RDWR): every process holding the socket sees the end, and blocked reads return.
   * Errors are ignored (ENOTCONN: the peer is gone already).
   */
  public static void shutdownBoth(int fd) {
    Libc.sockets().shutdown(fd, Linux.SHUT_RDWR);
  }

  /**
   * The int value of socket option {@code level}/{@code name} of {@code fd}; {@code label} names
   * the option in the error.
   *
   * @throws dev.tether.unix.NativeCallException e.g. ENOPROTOOPT (not for this kind of socket),
   *     ENOTSOCK, EBADF
   */
  public int getIntOption(int fd, int level, int name, String label) {
    option.putInt(0, 0);
    option.putInt(8, 4);
    check(libc.getsockopt(fd, level, name, optionAddress, optionAddress + 8),
        "getsockopt(" + label + ")", fd);
    return option.getInt(0);
  }

  /** Sets int socket option {@code level}/{@code name}; throws as {@link #getIntOption}. */
  public void setIntOption(int fd, int level, int name, int value, String label) {
    setInt(fd, level, name, value, "setsockopt(" + label + ")");
  }

  /** {@code SO_LINGER} of {@code fd}: the linger time in seconds, or -1 if off. */
  public int linger(int fd) {
    option.putLong(0, 0L);
    option.putInt(8, 8);
    check(libc.getsockopt(fd, Linux.SOL_SOCKET, Linux.SO_LINGER, optionAddress,
        optionAddress + 8), "getsockopt(SO_LINGER)", fd);
    return option.getInt(0) == 0 ? -1 : option.getInt(4);
  }

  /**
   * Sets {@code SO_LINGER} (struct linger): {@code seconds} &gt;= 0 turns it on (0: close(2)
   * resets the connection, sending RST), a negative value turns it off.
   */
  public void setLinger(int fd, int seconds) {
    option.putInt(0, seconds < 0 ? 0 : 1);
    option.putInt(4, Math.max(seconds, 0));
    check(libc.setsockopt(fd, Linux.SOL_SOCKET, Linux.SO_LINGER, optionAddress, 8),
        "setsockopt(SO_LINGER)", fd);
  }

  /**
   * The type of socket {@code fd} ({@code SO_TYPE}): {@link Linux#SOCK_STREAM}, {@link
   * Linux#SOCK_DGRAM}...
   *
   * @throws dev.tether.unix.NativeCallException as {@link #isListening(int)}
   */
  public int type(int fd) {
    return intOption(fd, Linux.SO_TYPE, "getsockopt(SO_TYPE)");
  }

  private int open(int family) {
    int fd = libc.socket(family, Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw Errors.failure("socket", family);
    }
    return fd;
  }

  private int intOption(int fd, int name, String call) {
    option.putInt(0, 0);
    option.putInt(8, 4);
    check(libc.getsockopt(fd, Linux.SOL_SOCKET, name, optionAddress, optionAddress + 8), call, fd);
    return option.getInt(0);
  }

  private void setInt(int fd, int level, int name, int value, String call) {
    option.putInt(0, value);
    check(libc.setsockopt(fd, level, name, optionAddress, 4), call, fd);
  }

  private static void check(int result, String function, Object argument) {
    if (result < 0) {
      throw Errors.failure(function, argument);
    }
  }
}
