package dev.tether.channel.internal;

import dev.tether.channel.ChannelIOException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * File descriptor plumbing: numbers to {@link FileDescriptor}s and back, close-on-exec duplicates,
 * and a plain close(2) of a {@link FileDescriptor}.
 *
 * <p>Releasing an fd is a plain close(2), never a shutdown: another process may still need the
 * socket (the worker's end of the pair, a TCP socket handed to a worker). A {@link FileDescriptor}
 * is made for a number and read back through {@code sun.misc.Unsafe} (no public JDK API does
 * either, and reflection would need {@code --add-opens}), which costs no native code.
 */
public final class Fds {
  private static final Unsafe UNSAFE;
  private static final long FD_OFFSET;

  static {
    try {
      Field theUnsafe = Unsafe.class.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      UNSAFE = (Unsafe) theUnsafe.get(null);
      FD_OFFSET = UNSAFE.objectFieldOffset(FileDescriptor.class.getDeclaredField("fd"));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Fds() {}

  /** The fd number behind {@code fd}. */
  public static int number(FileDescriptor fd) {
    return UNSAFE.getInt(fd, FD_OFFSET);
  }

  /** A {@link FileDescriptor} for fd number {@code fd}; owns nothing by itself. */
  public static FileDescriptor wrap(int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
    }
    FileDescriptor descriptor = new FileDescriptor();
    UNSAFE.putInt(descriptor, FD_OFFSET, fd);
    return descriptor;
  }

  /** A new close-on-exec duplicate of {@code fd}; the caller owns it. */
  public static FileDescriptor duplicateCloexec(FileDescriptor fd) {
    return wrap(Io.duplicateCloexec(number(fd), 0));
  }

  /**
   * shutdown(SHUT_RDWR) of socket {@code fd}, leaving it open: every process holding it sees the
   * end, and blocked reads return.
   */
  public static void shutdown(FileDescriptor fd) {
    Sockets.shutdownBoth(number(fd));
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
}
