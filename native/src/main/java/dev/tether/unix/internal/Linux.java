package dev.tether.unix.internal;

/**
 * The Linux x86-64/aarch64 glibc constants Tether uses, in one place. Struct layouts are those of
 * 64-bit Linux; {@code epoll_event}'s packing differs by architecture ({@link EpollPoller}).
 */
public final class Linux {
  private Linux() {}

  // errno
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int ECHILD = 10;
  public static final int EAGAIN = 11;
  public static final int ENOENT = 2;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENFILE = 23;
  public static final int ECONNABORTED = 103;
  public static final int ECONNRESET = 104;
  public static final int EPIPE = 32;
  public static final int EINPROGRESS = 115;
  public static final int ENOTSOCK = 88;
  public static final int ECONNREFUSED = 111;
  public static final int EDESTADDRREQ = 89;
  public static final int EACCES = 13;
  public static final int EPERM = 1;
  public static final int ERANGE = 34;
  public static final int ENOPROTOOPT = 92;
  public static final int EIO = 5;
  public static final int EADDRINUSE = 98;
  public static final int EADDRNOTAVAIL = 99;

  // sockets
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_REUSEADDR = 2;
  public static final int SO_TYPE = 3;
  public static final int SO_ERROR = 4;
  public static final int SO_PEERCRED = 17;
  public static final int SO_ACCEPTCONN = 30;
  public static final int SO_DOMAIN = 39;
  public static final int SCM_RIGHTS = 1;
  public static final int IPPROTO_TCP = 6;
  public static final int TCP_NODELAY = 1;
  public static final int SHUT_WR = 1;
  public static final int SHUT_RDWR = 2;
  public static final int MSG_PEEK = 0x2;
  public static final int MSG_CTRUNC = 0x8;
  public static final int MSG_TRUNC = 0x20;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_NOSIGNAL = 0x4000;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;
  // connection extras: socket options (Connection.setSocketOption), bind and writer errors
  public static final int SO_BROADCAST = 6;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_KEEPALIVE = 9;
  public static final int SO_LINGER = 13;
  public static final int SO_REUSEPORT = 15;
  public static final int IPPROTO_IP = 0;
  public static final int IP_TOS = 1;
  public static final int IPPROTO_IPV6 = 41;
  public static final int IPV6_TCLASS = 67;
  public static final int TCP_CORK = 3;
  /** {@code sizeof(sun_path)}: a Unix socket path needs one byte less, for its terminating NUL. */
  public static final int UNIX_PATH_MAX = 108;
  /** The kernel's limit of fds on one message ({@code SCM_MAX_FD}). */
  public static final int SCM_MAX_FD = 253;

  // files
  public static final int O_NONBLOCK = 0x800;
  public static final int O_CLOEXEC = 0x80000;
  public static final int F_GETFD = 1;
  public static final int F_SETFD = 2;
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int F_DUPFD_CLOEXEC = 1030;
  public static final int FD_CLOEXEC = 1;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int EPOLL_CLOEXEC = 0x80000;
  public static final int O_RDONLY = 0;
  public static final int SEEK_SET = 0;
  public static final int SEEK_END = 2;

  // inotify(7)
  public static final int IN_NONBLOCK = 0x800;
  public static final int IN_CLOEXEC = 0x80000;
  public static final int IN_MODIFY = 0x2;
  public static final int IN_MOVE_SELF = 0x800;
  public static final int IN_DELETE_SELF = 0x400;
  public static final int IN_Q_OVERFLOW = 0x4000;
  public static final int IN_IGNORED = 0x8000;
  /** {@code sizeof(struct inotify_event)} before its name: wd, mask, cookie, len. */
  public static final int INOTIFY_EVENT_SIZE = 16;

  // signals and processes
  public static final int SIGHUP = 1;
  public static final int SIGQUIT = 3;
  public static final int SIGKILL = 9;
  public static final int SIGTERM = 15;
  public static final int SIGTTIN = 21;
  public static final int SIGTTOU = 22;
  public static final int P_PID = 1;
  public static final int P_PIDFD = 3;
  public static final int WNOHANG = 1;
  /** {@code siginfo_t.si_code} after waitid: exited, killed, killed with a core dump. */
  public static final int CLD_EXITED = 1;
  public static final int CLD_KILLED = 2;
  public static final int CLD_DUMPED = 3;
  /** Syscall numbers of the pidfd calls: the same on x86-64 and aarch64 (the common table). */
  public static final long SYS_PIDFD_SEND_SIGNAL = 424;
  public static final long SYS_PIDFD_OPEN = 434;
  public static final int CLOCK_MONOTONIC = 1;
  public static final int WEXITED = 4;
  public static final int WNOWAIT = 0x01000000;
  public static final short POSIX_SPAWN_SETPGROUP = 0x02;
  public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  public static final short POSIX_SPAWN_SETSIGMASK = 0x08;

  // limits, usage, users
  public static final int RLIMIT_NOFILE = 7;
  public static final int RUSAGE_THREAD = 1;
}
