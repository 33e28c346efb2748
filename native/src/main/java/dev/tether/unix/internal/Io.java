package dev.tether.unix.internal;

import dev.tether.unix.jnr.FileCalls;
import dev.tether.unix.jnr.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * read(2), write(2), close(2) and fcntl(2) on fd numbers. The raw-address calls return {@code
 * -errno} instead of throwing, so a non-blocking loop classifies EAGAIN without allocating;
 * everything else throws {@link dev.tether.unix.NativeCallException}. Thread-safe.
 */
public final class Io {
  private Io() {}

  private static FileCalls files() {
    return Libc.files();
  }

  /** Reads up to {@code length} bytes to {@code address}: the count, 0 at end, or -errno. */
  public static long read(int fd, long address, int length) {
    long n = files().read(fd, address, length);
    return n >= 0 ? n : -Libc.errno();
  }

  /** Writes up to {@code length} bytes from {@code address}: the count or -errno. */
  public static long write(int fd, long address, int length) {
    long n = files().write(fd, address, length);
    return n >= 0 ? n : -Libc.errno();
  }

  /** Blocking read into {@code buf}, retried on EINTR: the count, 0 at end of file. */
  public static int read(int fd, byte[] buf) {
    while (true) {
      long n = files().readArray(fd, buf, buf.length);
      if (n >= 0) {
        return (int) n;
      }
      int errno = Libc.errno();
      if (errno != Linux.EINTR) {
        throw Errors.failure("read", fd, errno);
      }
    }
  }

  /** Blocking write of all of {@code bytes}, retried on EINTR and short writes. */
  public static void writeFully(int fd, byte[] bytes) {
    byte[] rest = bytes;
    while (rest.length > 0) {
      long n = files().writeArray(fd, rest, rest.length);
      if (n < 0) {
        int errno = Libc.errno();
        if (errno != Linux.EINTR) {
          throw Errors.failure("write", fd, errno);
        }
      } else {
        rest = java.util.Arrays.copyOfRange(rest, (int) n, rest.length);
      }
    }
  }

  /**
   * close(2), never retried (Linux has released the number even on EINTR or EIO).
   *
   * @throws dev.tether.unix.NativeCallException on EBADF: the fd was not open, a bug
   */
  public static void close(int fd) {
    if (files().close(fd) != 0) {
      int errno = Libc.errno();
      if (errno == Linux.EBADF) {
        throw Errors.failure("close", fd, errno);
      }
    }
  }

  /** Makes {@code fd} non-blocking and close-on-exec (an fd received from elsewhere). */
  public static void makeNonBlockingCloexec(int fd) {
    int flags = files().fcntl(fd, Linux.F_GETFL, 0);
    if (flags < 0) {
      throw Errors.failure("fcntl(F_GETFL)", fd);
    }
    if (files().fcntl(fd, Linux.F_SETFL, flags | Linux.O_NONBLOCK) < 0) {
      throw Errors.failure("fcntl(F_SETFL)", fd);
    }
    setCloexec(fd);
  }

  /** Sets FD_CLOEXEC on {@code fd}. */
  public static void setCloexec(int fd) {
    if (files().fcntl(fd, Linux.F_SETFD, Linux.FD_CLOEXEC) < 0) {
      throw Errors.failure("fcntl(F_SETFD)", fd);
    }
  }

  /** Whether {@code fd} is an open fd of this process. */
  public static boolean isOpen(int fd) {
    return files().fcntl(fd, Linux.F_GETFD, 0) >= 0;
  }

  /** Whether {@code fd} is close-on-exec. */
  public static boolean isCloexec(int fd) {
    int flags = files().fcntl(fd, Linux.F_GETFD, 0);
    if (flags < 0) {
      throw Errors.failure("fcntl(F_GETFD)", fd);
    }
    return (flags & Linux.FD_CLOEXEC) != 0;
  }

  /**
   * Sets FD_CLOEXEC on every open fd numbered {@code lowest} or higher that lacks it (as listed
   * in /proc/self/fd): fds that libraries opened without it (the JDK opens files, and on some
   * versions an internal socket, that way; jffi's SecureRandom keeps /dev/urandom open) then
   * reach no process started by any means. Owns nothing; changes no other flag.
   *
   * @return how many fds it changed
   * @throws UncheckedIOException if /proc/self/fd cannot be listed
   */
  public static int setCloexecFrom(int lowest) {
    int changed = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path entry : fds) {
        int fd = Integer.parseInt(entry.getFileName().toString());
        int flags = fd < lowest ? -1 : files().fcntl(fd, Linux.F_GETFD, 0);
        if (flags >= 0 && (flags & Linux.FD_CLOEXEC) == 0 // < 0: closed since (the listing's)
            && files().fcntl(fd, Linux.F_SETFD, flags | Linux.FD_CLOEXEC) == 0) {
          changed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
    return changed;
  }

  /** A close-on-exec duplicate of {@code fd} numbered {@code minimum} or higher; caller owns it. */
  public static int duplicateCloexec(int fd, int minimum) {
    int copy = files().fcntl(fd, Linux.F_DUPFD_CLOEXEC, minimum);
    if (copy < 0) {
      throw Errors.failure("fcntl(F_DUPFD_CLOEXEC)", fd);
    }
    return copy;
  }

  /**
   * Makes fd number {@code target} refer to {@code fd}'s open file, close-on-exec ({@code dup3}):
   * atomically closes what {@code target} referred to. The caller still owns both numbers.
   */
  public static void duplicateOnto(int fd, int target) {
    if (files().dup3(fd, target, Linux.O_CLOEXEC) < 0) {
      throw Errors.failure("dup3", fd + ", " + target);
    }
  }

  /** A pipe {read end, write end}, close-on-exec when asked; the caller owns both. */
  public static int[] pipe(boolean cloexec) {
    int[] fds = new int[2];
    if (files().pipe2(fds, cloexec ? Linux.O_CLOEXEC : 0) != 0) {
      throw Errors.failure("pipe2", "..");
    }
    return fds;
  }
}
