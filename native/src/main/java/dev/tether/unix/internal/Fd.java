package dev.tether.unix.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An fd number and its ownership: whoever holds an {@code Fd} closes it, and {@link #close()}
 * calls close(2) exactly once however many threads call it (compare-and-set). After the close
 * {@link #number()} is -1, so a stale holder cannot act on a number the kernel has reused.
 *
 * <p>The one close policy: close(2) is never retried (on Linux the number is released even when
 * close fails with EINTR or EIO); EBADF means the number was not ours, a bug, and throws.
 */
public final class Fd implements AutoCloseable {
  private final AtomicInteger number;

  private Fd(int number) {
    if (number < 0) {
      throw new IllegalArgumentException("fd : " + number + " (expected: >= 0)");
    }
    this.number = new AtomicInteger(number);
  }

  /** Takes ownership of {@code number}: the caller must not close it any more. */
  public static Fd own(int number) {
    return new Fd(number);
  }

  /** The fd number, or -1 once closed. */
  public int number() {
    return number.get();
  }

  /**
   * Closes the fd once; later calls do nothing.
   *
   * @throws dev.tether.unix.NativeCallException if close(2) fails with EBADF (not our fd)
   */
  @Override
  public void close() {
    int n = number.getAndSet(-1);
    if (n >= 0) {
      Io.close(n);
    }
  }

  @Override
  public String toString() {
    int n = number.get();
    return n >= 0 ? "fd " + n : "closed fd";
  }
}
