package dev.tether.unix.internal;

/**
 * Readiness notification for raw fds, level-triggered. One implementation today ({@link
 * EpollPoller}); the interface exists so a move to the JDK 22+ FFM API is one new class.
 *
 * <p>Not thread-safe: the reactor thread alone calls it. Each registration carries a 64-bit token
 * that {@link #token(int)} returns with each event, so the caller finds its state in O(1) and can
 * tell a stale event of a reused fd number from a fresh one.
 */
public interface Poller extends AutoCloseable {
  /** Interest and event bit: readable. */
  int READ = 0x001;
  /** Interest and event bit: writable. */
  int WRITE = 0x004;
  /** Event bit: error on the fd (always reported). */
  int ERROR = 0x008;
  /** Event bit: hang-up (always reported). */
  int HANGUP = 0x010;

  /** Starts watching {@code fd} for {@code interest} (READ/WRITE bits, possibly none). */
  void add(int fd, int interest, long token);

  /** Changes the interest of a watched fd. */
  void modify(int fd, int interest, long token);

  /** Stops watching {@code fd}; call before closing it. Failures are ignored (fd may be gone). */
  void remove(int fd);

  /**
   * Waits for events: {@code timeoutMillis} &lt; 0 waits forever, 0 returns at once. Returns the
   * number of events, readable with {@link #events(int)} and {@link #token(int)} until the next
   * call; 0 on timeout or on a signal.
   */
  int poll(int timeoutMillis);

  /** The event bits of event {@code i} of the last poll. */
  int events(int i);

  /** The token of event {@code i} of the last poll. */
  long token(int i);

  /** The poller's own fd (the epoll fd), which it owns; for listings such as a descriptor map. */
  int fd();

  /** Releases the poller's fd. */
  @Override
  void close();
}
