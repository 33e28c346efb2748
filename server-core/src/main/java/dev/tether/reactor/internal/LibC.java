package dev.tether.reactor.internal;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions the reactor calls, bound with jnr-ffi. Every method here is a native function
 * (jnr-ffi binds them all): helpers live in {@link Native}. Buffers and structs are passed as raw
 * addresses ({@code long}) of direct memory the caller owns, so a call allocates nothing.
 *
 * <p>Methods that save errno are those whose failure must be classified (EAGAIN vs a real error);
 * the {@code *Quiet} variants (mapped to the same symbols by {@link Native}) skip saving errno for
 * the wake-up fd, where any failure is either harmless (EAGAIN: counter already non-zero) or a bug.
 */
public interface LibC {
  int epoll_create1(int flags);

  int epoll_ctl(int epfd, int op, int fd, long event);

  int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis);

  int eventfd(int initval, int flags);

  @ssize_t long read(int fd, long buf, @size_t long count);

  @ssize_t long write(int fd, long buf, @size_t long count);

  /** {@code read(2)} without saving errno: used to drain the wake-up eventfd. */
  @IgnoreError
  @ssize_t long readQuiet(int fd, long buf, @size_t long count);

  /** {@code write(2)} without saving errno: used to signal the wake-up eventfd. */
  @IgnoreError
  @ssize_t long writeQuiet(int fd, long buf, @size_t long count);

  int close(int fd);

  int socket(int domain, int type, int protocol);

  int socketpair(int domain, int type, int protocol, int[] sv);

  int bind(int fd, long addr, int addrLen);

  int listen(int fd, int backlog);

  int accept4(int fd, long addr, long addrLenPtr, int flags);

  int connect(int fd, long addr, int addrLen);

  int getsockopt(int fd, int level, int name, long value, long valueLenPtr);

  int setsockopt(int fd, int level, int name, long value, int valueLen);

  int getsockname(int fd, long addr, long addrLenPtr);

  int getpeername(int fd, long addr, long addrLenPtr);

  int shutdown(int fd, int how);

  @ssize_t long recvmsg(int fd, long msghdr, int flags);

  @ssize_t long sendmsg(int fd, long msghdr, int flags);

  int fcntl(int fd, int cmd, int arg);
}
