package dev.tether.channel.internal;

import jnr.ffi.annotations.Out;

/**
 * The few glibc calls the channel needs that neither the JDK nor junixsocket offers safely. Every
 * method of a jnr-ffi library interface is bound as a native function, so helpers live in
 * {@link Fds}.
 */
public interface LibC {
  int AF_UNIX = 1;
  int MSG_PEEK = 0x2;
  int MSG_DONTWAIT = 0x40;
  int SOCK_STREAM = 1;
  int SOCK_CLOEXEC = 0x80000;

  int socketpair(int domain, int type, int protocol, @Out int[] sv);

  int socket(int domain, int type, int protocol);

  int connect(int fd, byte[] addr, int addrlen);

  int close(int fd);

  long recv(int fd, @Out byte[] buf, long len, int flags);

  String strerror(int errnum);
}
