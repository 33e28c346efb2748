package dev.tether.reactor.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Socket set-up on raw fds: listening and connecting sockets (non-blocking, close-on-exec), options
 * and addresses. Not thread-safe (shares a scratch buffer): one instance per reactor. The fds it
 * returns belong to the caller; on failure it closes what it opened before throwing.
 */
public final class Sockets {
  private static final int ECONNABORTED = 103;
  private final LibC libc = Native.LIBC;
  private final SocketAddresses addresses = new SocketAddresses();
  private final ByteBuffer option = Native.allocate(16);
  private final long optionAddress = Native.address(option);

  /** A listening TCP socket bound to {@code address} (port 0 picks a free port). */
  public int listenTcp(InetSocketAddress address, int backlog) {
    int family = address.getAddress() instanceof java.net.Inet4Address
        ? Native.AF_INET : Native.AF_INET6;
    int fd = open(family);
    try {
      setInt(fd, Native.SOL_SOCKET, Native.SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");
      int length = addresses.encode(address);
      check(libc.bind(fd, addresses.address(), length), "bind(" + address + ")");
      check(libc.listen(fd, backlog), "listen(" + address + ")");
      return fd;
    } catch (RuntimeException e) {
      Native.closeQuietly(fd);
      throw e;
    }
  }

  /** A listening Unix socket at {@code path}, which must not exist. */
  public int listenUnix(Path path, int backlog) {
    int length = addresses.encode(path);
    int fd = open(Native.AF_UNIX);
    try {
      check(libc.bind(fd, addresses.address(), length), "bind(" + path + ")");
      check(libc.listen(fd, backlog), "listen(" + path + ")");
      return fd;
    } catch (RuntimeException e) {
      Native.closeQuietly(fd);
      throw e;
    }
  }

  /**
   * Starts a non-blocking connect; returns the fd. The caller waits for WRITE readiness and then
   * calls {@link #connectError(int)}.
   */
  public int startConnect(SocketAddress target) {
    int length;
    int family;
    if (target instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) target;
      length = addresses.encode(inet);
      family = inet.getAddress() instanceof java.net.Inet4Address
          ? Native.AF_INET : Native.AF_INET6;
    } else {
      length = addresses.encode(Path.of(((java.net.UnixDomainSocketAddress) target).getPath()
          .toString()));
      family = Native.AF_UNIX;
    }
    int fd = open(family);
    if (libc.connect(fd, addresses.address(), length) < 0) {
      int errno = Native.errno();
      if (errno != Native.EINPROGRESS && errno != Native.EAGAIN) {
        Native.closeQuietly(fd);
        throw Native.failure("connect(" + target + ")", errno);
      }
    }
    return fd;
  }

  /** The pending error of a socket ({@code SO_ERROR}), 0 if none: the outcome of a connect. */
  public int connectError(int fd) {
    option.putInt(0, 0);
    option.putInt(8, 4);
    if (libc.getsockopt(fd, Native.SOL_SOCKET, Native.SO_ERROR, optionAddress,
        optionAddress + 8) < 0) {
      return Native.errno();
    }
    return option.getInt(0);
  }

  /** Accepts one connection, non-blocking and close-on-exec; -1 if none is pending. */
  public int accept(int listenFd) {
    int fd = libc.accept4(listenFd, 0L, 0L, Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC);
    if (fd < 0) {
      int errno = Native.errno();
      if (errno == Native.EAGAIN || errno == Native.EINTR || errno == ECONNABORTED) {
        return -1;
      }
      throw Native.failure("accept4(" + listenFd + ")", errno);
    }
    return fd;
  }

  /** Makes an fd received from elsewhere non-blocking and close-on-exec. */
  public void adopt(int fd) {
    int flags = libc.fcntl(fd, Native.F_GETFL, 0);
    if (flags < 0) {
      throw Native.failure("fcntl(" + fd + ", F_GETFL)");
    }
    check(libc.fcntl(fd, Native.F_SETFL, flags | Native.O_NONBLOCK), "fcntl(" + fd + ", F_SETFL)");
    check(libc.fcntl(fd, Native.F_SETFD, Native.FD_CLOEXEC), "fcntl(" + fd + ", F_SETFD)");
  }

  /** Turns Nagle off if {@code fd} is a TCP socket; silently does nothing otherwise. */
  public void noDelay(int fd) {
    option.putInt(0, 1);
    libc.setsockopt(fd, Native.IPPROTO_TCP, Native.TCP_NODELAY, optionAddress, 4);
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
    libc.shutdown(fd, Native.SHUT_WR);
  }

  private int open(int family) {
    int fd = libc.socket(family, Native.SOCK_STREAM | Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw Native.failure("socket(" + family + ")");
    }
    return fd;
  }

  private void setInt(int fd, int level, int name, int value, String call) {
    option.putInt(0, value);
    check(libc.setsockopt(fd, level, name, optionAddress, 4), call);
  }

  private static void check(int result, String call) {
    if (result < 0) {
      throw Native.failure(call);
    }
  }
}
