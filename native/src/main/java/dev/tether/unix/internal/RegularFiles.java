package dev.tether.unix.internal;

import dev.tether.unix.jnr.FileCalls;
import dev.tether.unix.jnr.Libc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Regular files for the reactor: open(2) read-only, the size by lseek(2), and sendfile(2) from a
 * file to a socket or any other fd. Failures of open and lseek throw {@link
 * dev.tether.unix.NativeCallException} naming the path; {@link #sendfile} returns {@code -errno} so
 * a non-blocking loop classifies EAGAIN without allocating. Thread-safe.
 */
public final class RegularFiles {
  private RegularFiles() {}

  private static FileCalls files() {
    return Libc.files();
  }

  /**
   * Opens {@code path} read-only, close-on-exec; the caller owns the fd.
   *
   * @throws dev.tether.unix.NativeCallException naming the path, e.g. ENOENT if it does not exist
   */
  public static int openReadOnly(Path path) {
    int fd = files().open(cString(path), Linux.O_RDONLY | Linux.O_CLOEXEC);
    if (fd < 0) {
      throw Errors.failure("open", path);
    }
    return fd;
  }

  /** The size of the open file {@code fd} (its end, by lseek); {@code path} names it in errors. */
  public static long size(int fd, Path path) {
    long end = files().lseek(fd, 0, Linux.SEEK_END);
    if (end < 0) {
      throw Errors.failure("lseek", path);
    }
    return end;
  }

  /** Moves the file position of {@code fd} to {@code offset}; {@code path} names it in errors. */
  public static void seek(int fd, long offset, Path path) {
    if (files().lseek(fd, offset, Linux.SEEK_SET) < 0) {
      throw Errors.failure("lseek", path);
    }
  }

  /**
   * One sendfile(2) of up to {@code count} bytes from {@code inFd}'s file position (which it
   * advances) to {@code outFd}: the count sent (0 at end of file) or {@code -errno}.
   */
  public static long sendfile(int outFd, int inFd, long count) {
    long n = files().sendfile(outFd, inFd, 0L, count);
    return n >= 0 ? n : -Libc.errno();
  }

  /** The path's bytes (UTF-8, as the JDK's file system) with the terminating NUL. */
  static byte[] cString(Path path) {
    byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
    byte[] terminated = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, terminated, 0, bytes.length);
    return terminated;
  }
}
