package dev.tether.unix.jnr;

/** epoll and eventfd; {@code struct epoll_event} arrays live in direct memory. */
public interface EpollCalls {
  int epoll_create1(int flags);

  int epoll_ctl(int epfd, int op, int fd, long event);

  int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis);

  int eventfd(int initval, int flags);
}
