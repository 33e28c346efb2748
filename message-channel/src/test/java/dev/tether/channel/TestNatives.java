package dev.tether.channel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;

/** Test-only syscalls (pipes, raw TCP sockets) and fd accounting. */
final class TestNatives {
  /** glibc, for tests. */
  public interface Lib {
    int pipe(@Out int[] fds);

    int socket(int domain, int type, int protocol);

    int connect(int fd, byte[] addr, int len);

    long write(int fd, byte[] buf, long count);

    long read(int fd, @Out byte[] buf, long count);

    int close(int fd);
  }

  static final Lib LIB = LibraryLoader.create(Lib.class).load("c");

  private TestNatives() {}

  static int[] pipe() {
    int[] fds = new int[2];
    if (LIB.pipe(fds) != 0) {
      throw new IllegalStateException("pipe failed");
    }
    return fds;
  }

  /** A blocking TCP socket connected to 127.0.0.1:port; the caller closes it. */
  static int connectTcp(int port) {
    int fd = LIB.socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
    byte[] addr = new byte[16];
    addr[0] = 2; // sin_family, little-endian
    addr[2] = (byte) (port >> 8);
    addr[3] = (byte) port;
    addr[4] = 127;
    addr[7] = 1;
    if (fd < 0 || LIB.connect(fd, addr, addr.length) != 0) {
      throw new IllegalStateException("connect to 127.0.0.1:" + port + " failed");
    }
    return fd;
  }

  static void writeFully(int fd, byte[] bytes) {
    if (LIB.write(fd, bytes, bytes.length) != bytes.length) {
      throw new IllegalStateException("short write on fd " + fd);
    }
  }

  static int number(FileDescriptor fd) {
    return dev.tether.channel.internal.Fds.number(fd);
  }

  static FileDescriptor wrap(int fd) {
    return dev.tether.channel.internal.Fds.wrap(fd);
  }

  /** Whether fd's flags in /proc/self/fdinfo have O_CLOEXEC (octal 02000000). */
  static boolean isCloseOnExec(int fd) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
        if (line.startsWith("flags:")) {
          return (Integer.parseInt(line.substring(6).trim(), 8) & 02000000) != 0;
        }
      }
      throw new IllegalStateException("no flags for fd " + fd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
