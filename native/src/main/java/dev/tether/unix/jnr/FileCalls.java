package dev.tether.unix.jnr;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** fd-level calls: read, write, close, fcntl, pipes, files, inotify, and errno's text. */
public interface FileCalls {
  @ssize_t long read(int fd, long buf, @size_t long count);

  @ssize_t long write(int fd, long buf, @size_t long count);

  /** {@code read(2)} into a Java array (jnr-ffi copies out): for threads off the hot path. */
  @ssize_t long readArray(int fd, @Out byte[] buf, @size_t long count);

  /** {@code write(2)} from a Java array (jnr-ffi copies in): for threads off the hot path. */
  @ssize_t long writeArray(int fd, @In byte[] buf, @size_t long count);

  /** {@code read(2)} without saving errno: draining an eventfd, where failure is harmless. */
  @IgnoreError
  @ssize_t long readQuiet(int fd, long buf, @size_t long count);

  /** {@code write(2)} without saving errno: signalling an eventfd, where failure is harmless. */
  @IgnoreError
  @ssize_t long writeQuiet(int fd, long buf, @size_t long count);

  int close(int fd);

  int fcntl(int fd, int cmd, int arg);

  int pipe2(@Out int[] fds, int flags);

  int dup3(int oldFd, int newFd, int flags);

  @IgnoreError
  String strerror(int errnum);

  /** {@code open(2)} of a NUL-terminated path (no mode: never with O_CREAT). */
  int open(@In byte[] path, int flags);

  @off_t long lseek(int fd, @off_t long offset, int whence);

  /** {@code sendfile(2)}; {@code offset} is an {@code off_t *} address, 0 for the file position. */
  @ssize_t long sendfile(int outFd, int inFd, long offset, @size_t long count);

  int inotify_init1(int flags);

  /** {@code inotify_add_watch(2)} of a NUL-terminated path. */
  int inotify_add_watch(int fd, @In byte[] path, int mask);

  int inotify_rm_watch(int fd, int wd);
}
