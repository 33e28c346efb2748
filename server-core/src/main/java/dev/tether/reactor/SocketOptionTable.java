package dev.tether.reactor;

import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Sockets;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Objects;

/**
 * The socket options a connection can get and set, mapped to getsockopt/setsockopt levels and
 * names. Booleans are ints 0/1; {@code SO_LINGER} is seconds, negative for off (as the JDK's);
 * {@code IP_TOS} on an IPv6 socket is {@code IPV6_TCLASS}. Reactor thread only (the {@link
 * Sockets} scratch buffer is the reactor's).
 */
final class SocketOptionTable {
  private static final Map<SocketOption<?>, int[]> OPTIONS = Map.of(
      StandardSocketOptions.TCP_NODELAY, new int[] {Linux.IPPROTO_TCP, Linux.TCP_NODELAY},
      StandardSocketOptions.SO_KEEPALIVE, new int[] {Linux.SOL_SOCKET, Linux.SO_KEEPALIVE},
      StandardSocketOptions.SO_RCVBUF, new int[] {Linux.SOL_SOCKET, Linux.SO_RCVBUF},
      StandardSocketOptions.SO_SNDBUF, new int[] {Linux.SOL_SOCKET, Linux.SO_SNDBUF},
      StandardSocketOptions.SO_REUSEADDR, new int[] {Linux.SOL_SOCKET, Linux.SO_REUSEADDR},
      StandardSocketOptions.SO_REUSEPORT, new int[] {Linux.SOL_SOCKET, Linux.SO_REUSEPORT},
      StandardSocketOptions.SO_BROADCAST, new int[] {Linux.SOL_SOCKET, Linux.SO_BROADCAST},
      StandardSocketOptions.SO_LINGER, new int[] {Linux.SOL_SOCKET, Linux.SO_LINGER},
      StandardSocketOptions.IP_TOS, new int[] {Linux.IPPROTO_IP, Linux.IP_TOS},
      TetherSocketOptions.TCP_CORK, new int[] {Linux.IPPROTO_TCP, Linux.TCP_CORK});

  private SocketOptionTable() {}

  /** {@code endpoint}'s option; its fd only while open (a closed number may be reused). */
  static <T> T get(Endpoint endpoint, SocketOption<T> option) {
    checkOpen(endpoint, "getSocketOption");
    return get(endpoint.reactor.io().sockets, endpoint.fd, option);
  }

  static <T> void set(Endpoint endpoint, SocketOption<T> option, T value) {
    checkOpen(endpoint, "setSocketOption");
    set(endpoint.reactor.io().sockets, endpoint.fd, option, value);
  }

  private static void checkOpen(Endpoint endpoint, String what) {
    if (!endpoint.open()) {
      throw new IllegalStateException(what + " on closed connection " + endpoint.connection
          + " (expected: an open connection)");
    }
    if (endpoint.resolving) {
      // The fd is still a placeholder, replaced (with its options) once the name resolves.
      throw new IllegalStateException(what + " on connection " + endpoint.connection
          + " while its peer's name is being resolved (expected: from connectionCompleted on)");
    }
  }

  static <T> T get(Sockets sockets, int fd, SocketOption<T> option) {
    int[] where = lookUp(option);
    if (option == StandardSocketOptions.SO_LINGER) {
      return option.type().cast(sockets.linger(fd));
    }
    int level = where[0];
    int name = where[1];
    if (option == StandardSocketOptions.IP_TOS && sockets.family(fd) == Linux.AF_INET6) {
      level = Linux.IPPROTO_IPV6;
      name = Linux.IPV6_TCLASS;
    }
    int value = sockets.getIntOption(fd, level, name, option.name());
    return option.type() == Boolean.class
        ? option.type().cast(value != 0) : option.type().cast(value);
  }

  static <T> void set(Sockets sockets, int fd, SocketOption<T> option, T value) {
    int[] where = lookUp(option);
    Objects.requireNonNull(value, "value");
    if (option.type() == Boolean.class) {
      sockets.setIntOption(fd, where[0], where[1], (Boolean) value ? 1 : 0, option.name());
      return;
    }
    int number = (Integer) value;
    if (option == StandardSocketOptions.SO_LINGER) {
      if (number > 65535) {
        throw new IllegalArgumentException("SO_LINGER : " + number
            + " (expected: <= 65535 seconds, or negative for off)");
      }
      sockets.setLinger(fd, number);
      return;
    }
    if (option == StandardSocketOptions.IP_TOS) {
      if (number < 0 || number > 255) {
        throw new IllegalArgumentException("IP_TOS : " + number + " (expected: 0..255)");
      }
      boolean v6 = sockets.family(fd) == Linux.AF_INET6;
      sockets.setIntOption(fd, v6 ? Linux.IPPROTO_IPV6 : Linux.IPPROTO_IP,
          v6 ? Linux.IPV6_TCLASS : Linux.IP_TOS, number, option.name());
      return;
    }
    if (number <= 0) { // SO_RCVBUF, SO_SNDBUF
      throw new IllegalArgumentException(option.name() + " : " + number + " (expected: > 0)");
    }
    sockets.setIntOption(fd, where[0], where[1], number, option.name());
  }

  private static int[] lookUp(SocketOption<?> option) {
    Objects.requireNonNull(option, "option");
    int[] where = OPTIONS.get(option);
    if (where == null) {
      throw new UnsupportedOperationException("socket option " + option.name()
          + " is not supported (expected: one of TCP_NODELAY, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF,"
          + " SO_REUSEADDR, SO_REUSEPORT, SO_BROADCAST, SO_LINGER, IP_TOS, TCP_CORK)");
    }
    return where;
  }
}
