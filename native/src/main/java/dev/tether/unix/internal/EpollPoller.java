package dev.tether.unix.internal;

import dev.tether.unix.jnr.EpollCalls;
import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;

/**
 * {@link Poller} over Linux epoll, level-triggered. Owns its epoll fd (closed by {@link #close()}).
 * {@code struct epoll_event} is packed on x86-64 (12 bytes: u32 events, u64 data at offset 4) and
 * naturally aligned elsewhere (16 bytes, data at 8); the layout is chosen once from {@code
 * os.arch}.
 */
public final class EpollPoller implements Poller {
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLL_CTL_MOD = 3;
  private static final boolean PACKED = isX86_64();
  private static final int EVENT_SIZE = PACKED ? 12 : 16;
  private static final int DATA_OFFSET = PACKED ? 4 : 8;

  private final EpollCalls libc = Libc.epoll();
  private final Fd owner; // closes the epoll fd exactly once
  private final int epfd; // its number, read on every call of the loop
  private final int maxEvents;
  private final ByteBuffer events;
  private final long eventsAddress;
  private final ByteBuffer ctl = Memory.allocate(16);
  private final long ctlAddress = Memory.address(ctl);

  /** Creates the epoll fd; {@code maxEvents} bounds the events returned by one poll. */
  public EpollPoller(int maxEvents) {
    if (maxEvents <= 0) {
      throw new IllegalArgumentException("maxEvents : " + maxEvents + " (expected: > 0)");
    }
    this.maxEvents = maxEvents;
    this.events = Memory.allocate(maxEvents * EVENT_SIZE);
    this.eventsAddress = Memory.address(events);
    int fd = libc.epoll_create1(Linux.EPOLL_CLOEXEC);
    if (fd < 0) {
      throw Errors.failure("epoll_create1", "..");
    }
    this.owner = Fd.own(fd);
    this.epfd = fd;
  }

  /**
   * Binds the calls an event loop makes (epoll, eventfd, files, sockets) if not bound yet. Any
   * thread: called early on another thread, it overlaps their cost with other start-up work.
   */
  public static void load() {
    Libc.epoll();
    Libc.files();
    Libc.sockets();
  }

  @Override
  public int fd() {
    return epfd;
  }

  private static boolean isX86_64() {
    String arch = System.getProperty("os.arch", "");
    return arch.equals("amd64") || arch.equals("x86_64");
  }

  @Override
  public void add(int fd, int interest, long token) {
    control(EPOLL_CTL_ADD, fd, interest, token, "epoll_ctl(ADD)");
  }

  @Override
  public void modify(int fd, int interest, long token) {
    control(EPOLL_CTL_MOD, fd, interest, token, "epoll_ctl(MOD)");
  }

  private void control(int op, int fd, int interest, long token, String call) {
    // No EPOLLRDHUP: level-triggered, it would be reported on every poll while reading is paused.
    ctl.putInt(0, interest & (READ | WRITE));
    ctl.putLong(DATA_OFFSET, token);
    if (libc.epoll_ctl(epfd, op, fd, ctlAddress) < 0) {
      throw Errors.failure(call, fd);
    }
  }

  @Override
  public void remove(int fd) {
    libc.epoll_ctl(epfd, EPOLL_CTL_DEL, fd, ctlAddress);
  }

  @Override
  public int poll(int timeoutMillis) {
    int n = libc.epoll_wait(epfd, eventsAddress, maxEvents, timeoutMillis);
    if (n < 0) {
      int errno = Libc.errno();
      if (errno == Linux.EINTR) {
        return 0;
      }
      throw Errors.failure("epoll_wait", epfd, errno);
    }
    return n;
  }

  @Override
  public int events(int i) {
    return events.getInt(i * EVENT_SIZE);
  }

  @Override
  public long token(int i) {
    return events.getLong(i * EVENT_SIZE + DATA_OFFSET);
  }

  @Override
  public void close() {
    owner.close();
  }
}
