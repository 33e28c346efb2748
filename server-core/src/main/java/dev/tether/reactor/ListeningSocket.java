package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Sockets;

/** The check of an fd handed to {@link Reactor#attachServer}: a listening stream socket. */
final class ListeningSocket {
  private static final String EXPECTED = " (expected: a listening stream socket)";

  private ListeningSocket() {}

  /** Throws IllegalArgumentException saying what {@code fd} is instead, if it is not one. */
  static void check(Sockets sockets, int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
    }
    int type;
    try {
      type = sockets.type(fd);
    } catch (NativeCallException e) {
      throw new IllegalArgumentException("fd " + fd + ": "
          + (e.errno() == Linux.ENOTSOCK ? "not a socket" : "not an open fd") + EXPECTED, e);
    }
    if (type != Linux.SOCK_STREAM) {
      throw new IllegalArgumentException("fd " + fd + ": a socket of type " + type
          + (type == Linux.SOCK_DGRAM ? " (SOCK_DGRAM)" : "") + EXPECTED);
    }
    if (!sockets.isListening(fd)) {
      throw new IllegalArgumentException("fd " + fd + ": a stream socket that does not listen"
          + EXPECTED);
    }
  }
}
