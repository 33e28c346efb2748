package dev.tether.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks, before a worker touches it, that its channel fd is a connected AF_UNIX stream socket.
 * Started without one, a JVM's own files land on fd 3 (its {@code lib/modules}): reading and
 * closing that as a channel crashes the JVM. Reads /proc only, so it costs no native code at
 * start-up: {@code /proc/self/fd/N} names what the fd is, and {@code /proc/net/unix} the type and
 * state of a Unix socket by its inode. Thread-safe, stateless.
 */
public final class ChannelFdCheck {
  private static final String SOCKET_PREFIX = "socket:[";
  private static final String STREAM = "0001";
  private static final String CONNECTED = "03";

  private ChannelFdCheck() {}

  /**
   * Returns null if {@code fd} is a connected AF_UNIX stream socket, else what it is instead,
   * e.g. {@code "fd 3 is /usr/lib/jvm/.../lib/modules (expected: a connected AF_UNIX stream
   * socket)"}.
   */
  public static String problem(int fd) {
    Path link = Path.of("/proc/self/fd", Integer.toString(fd));
    String target;
    try {
      target = Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return describe(fd, "not open");
    }
    if (!target.startsWith(SOCKET_PREFIX)) {
      return describe(fd, target);
    }
    String inode = target.substring(SOCKET_PREFIX.length(), target.length() - 1);
    List<String> unixSockets;
    try {
      unixSockets = Files.readAllLines(Path.of("/proc/self/net/unix"));
    } catch (IOException e) {
      return null; // cannot tell; the channel's first read will
    }
    // Num RefCount Protocol Flags Type St Inode [Path]
    for (String line : unixSockets) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 7 && f[6].equals(inode)) {
        if (!f[4].equals(STREAM)) {
          return describe(fd, "an AF_UNIX socket of type " + f[4] + " (" + typeName(f[4]) + ")");
        }
        if (!f[5].equals(CONNECTED)) {
          return describe(fd, "an AF_UNIX stream socket in state " + f[5] + " (not connected)");
        }
        return null;
      }
    }
    return describe(fd, "a socket that is not AF_UNIX (" + target + ")");
  }

  private static String typeName(String type) {
    switch (type) {
      case "0002":
        return "SOCK_DGRAM";
      case "0005":
        return "SOCK_SEQPACKET";
      default:
        return "not SOCK_STREAM";
    }
  }

  private static String describe(int fd, String what) {
    return "fd " + fd + " is " + what + " (expected: a connected AF_UNIX stream socket)";
  }
}
