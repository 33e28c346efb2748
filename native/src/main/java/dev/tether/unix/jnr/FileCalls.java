package dev.tether.unix.jnr;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** fd-level calls: read, write, close, fcntl, pipes, and errno's text. */
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
}
