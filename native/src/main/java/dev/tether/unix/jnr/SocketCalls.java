package dev.tether.unix.jnr;

import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Socket calls; addresses are {@code struct sockaddr} and {@code struct msghdr} in direct memory.
 */
public interface SocketCalls {
  int socket(int domain, int type, int protocol);

  int socketpair(int domain, int type, int protocol, @Out int[] sv);

  int bind(int fd, long addr, int addrLen);

  int listen(int fd, int backlog);

  int accept4(int fd, long addr, long addrLenPtr, int flags);

  int connect(int fd, long addr, int addrLen);

  int getsockopt(int fd, int level, int name, long value, long valueLenPtr);

  int setsockopt(int fd, int level, int name, long value, int valueLen);

  int getsockname(int fd, long addr, long addrLenPtr);

  int getpeername(int fd, long addr, long addrLenPtr);

  int shutdown(int fd, int how);

  @ssize_t long recv(int fd, long buf, @size_t long len, int flags);

  @ssize_t long send(int fd, long buf, @size_t long len, int flags);

  @ssize_t long recvmsg(int fd, long msghdr, int flags);

  @ssize_t long sendmsg(int fd, long msghdr, int flags);
}
