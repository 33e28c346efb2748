package dev.tether.channel.internal;

import dev.tether.channel.ChannelIOException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * File descriptor plumbing: numbers to {@link FileDescriptor}s and back, close-on-exec duplicates,
 * socket pairs, an end-of-stream peek, and a plain close(2).
 *
 * <p>Why a plain close: closing a junixsocket socket always shuts it down for every process that
 * holds it, so an fd that another process still needs (the worker's end of the pair, a TCP socket
 * handed to a worker) must be released with close(2) only. {@link #close(FileDescriptor)} does that
 * through {@link FileInputStream}, which also makes junixsocket forget an fd it received.
 */
public final class Fds {
  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  }

  private Fds() {}

  /** The fd number behind {@code fd}. */
  public static int number(FileDescriptor fd) {
    try {
      return FileDescriptorCast.using(fd).as(Integer.class);
    } catch (IOException e) {
      throw new ChannelIOException("cannot read the fd number of " + fd, e);
    }
  }

  /** A {@link FileDescriptor} for fd number {@code fd}; owns nothing by itself. */
  public static FileDescriptor wrap(int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
    }
    try {
      return FileDescriptorCast.unsafeUsing(fd).getFileDescriptor();
    } catch (IOException e) {
      throw new ChannelIOException("cannot wrap fd " + fd, e);
    }
  }

  /**
   * A new close-on-exec duplicate of {@code fd}, made with junixsocket
   * rather than jnr-ffi, so that a fresh worker's channel needs only junixsocket loaded. The caller
   * owns it.
   */
  public static FileDescriptor duplicateCloexec(FileDescriptor fd) {
    try {
      return FileDescriptorCast.duplicating(fd).getFileDescriptor();
    } catch (IOException e) {
      throw new ChannelIOException("cannot duplicate " + fd, e);
    }
  }

  /**
   * shutdown(SHUT_RDWR) of socket {@code fd}, through a junixsocket cast channel (which leaves
   * the fd open): every process holding it sees the end, and blocked reads return.
   */
  public static void shutdown(FileDescriptor fd) throws IOException {
    FileDescriptorCast.using(fd).as(AFUNIXSocketChannel.class).close();
  }

  /** Makes a connected AF_UNIX stream socket pair, both ends close-on-exec. */
  public static int[] socketPair() {
    int[] sv = new int[2];
    if (Holder.LIBC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, sv) != 0) {
      throw nativeFailure("socketpair", -1);
    }
    return sv;
  }

  /** sun_path's size in struct sockaddr_un on Linux, its terminating NUL included. */
  private static final int SUN_PATH_SIZE = 108;

  /**
   * Opens a close-on-exec AF_UNIX stream socket connected to {@code path}; the caller owns it.
   *
   * @throws IllegalArgumentException if the path does not fit in sockaddr_un
   */
  public static int connectUnix(java.nio.file.Path path) {
    byte[] name = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (name.length >= SUN_PATH_SIZE) {
      throw new IllegalArgumentException(
          "socket path is " + name.length + " bytes (expected: < " + SUN_PATH_SIZE + "): " + path);
    }
    byte[] addr = new byte[2 + SUN_PATH_SIZE];
    addr[0] = LibC.AF_UNIX; // sa_family_t, little-endian on every Linux Tether runs on
    System.arraycopy(name, 0, addr, 2, name.length);
    int fd = Holder.LIBC.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw nativeFailure("socket", -1);
    }
    if (Holder.LIBC.connect(fd, addr, 2 + name.length + 1) != 0) {
      ChannelIOException failure = nativeFailure("connect to " + path + ": connect", fd);
      close(fd);
      throw failure;
    }
    return fd;
  }

  /**
   * Whether a read of socket {@code fd} would return end of stream now: recv(2) with MSG_PEEK and
   * MSG_DONTWAIT returns 0. Neither blocks nor consumes anything; false on any error.
   */
  public static boolean isAtEndOfStream(int fd) {
    return Holder.LIBC.recv(fd, new byte[1], 1, LibC.MSG_PEEK | LibC.MSG_DONTWAIT) == 0;
  }

  /** close(2) of a raw fd number; failure is reported. */
  public static void close(int fd) {
    if (Holder.LIBC.close(fd) != 0) {
      throw nativeFailure("close", fd);
    }
  }

  /** close(2) of {@code fd} without a shutdown, marking the object invalid. Idempotent. */
  public static void close(FileDescriptor fd) {
    if (!fd.valid()) {
      return;
    }
    try {
      new FileInputStream(fd).close();
    } catch (IOException e) {
      throw new ChannelIOException("close of " + fd + " failed", e);
    }
  }

  private static ChannelIOException nativeFailure(String call, int fd) {
    int errno = Runtime.getSystemRuntime().getLastError();
    return new ChannelIOException(
        call + "(" + (fd >= 0 ? fd : "..") + ") failed with error(" + errno + "): "
            + Holder.LIBC.strerror(errno),
        new IOException(call + " errno " + errno));
  }
}
