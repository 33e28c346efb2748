package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.file.Path;

/** inotify(7): the instance fd and its watches. Failures throw NativeCallException. Thread-safe. */
public final class Inotify {
  private Inotify() {}

  /** A new non-blocking, close-on-exec inotify fd; the caller owns it. */
  public static int open() {
    int fd = Libc.files().inotify_init1(Linux.IN_NONBLOCK | Linux.IN_CLOEXEC);
    if (fd < 0) {
      throw Errors.failure("inotify_init1", "IN_NONBLOCK|IN_CLOEXEC");
    }
    return fd;
  }

  /**
   * Watches {@code path} for {@code mask} on inotify fd {@code fd}: the watch descriptor, the same
   * for every path of one inode (the mask then replaces the earlier one).
   *
   * @throws dev.tether.unix.NativeCallException naming the path, e.g. ENOENT if it does not exist
   */
  public static int addWatch(int fd, Path path, int mask) {
    int wd = Libc.files().inotify_add_watch(fd, RegularFiles.cString(path), mask);
    if (wd < 0) {
      throw Errors.failure("inotify_add_watch", path);
    }
    return wd;
  }

  /** Removes watch {@code wd}: 0, or {@code -errno} (EINVAL: the kernel had removed it already). */
  public static int removeWatch(int fd, int wd) {
    return Libc.files().inotify_rm_watch(fd, wd) == 0 ? 0 : -Libc.errno();
  }
}
