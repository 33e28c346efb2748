package dev.tether.reactor;

import dev.tether.reactor.internal.TimerHeap;
import java.time.Duration;
import java.util.Objects;

/**
 * The reactor's timers: a binary heap by due time (ties by order of creation), how long the poll
 * may sleep, and firing what is due. Reactor thread only.
 */
final class Timers {
  /** EventMachine's default {@code max_timers}. */
  static final int DEFAULT_MAX = 100_000;

  private final TimerHeap heap = new TimerHeap();
  private int max = DEFAULT_MAX;

  /** {@code d} in nanoseconds, or an exception naming {@code what} if it is negative. */
  static long nonNegativeNanos(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " : " + d + " (expected: >= 0)");
    }
    return d.toNanos();
  }

  static long positiveNanos(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " : " + d + " (expected: > 0)");
    }
    return d.toNanos();
  }

  void setMax(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("maxTimers : " + max + " (expected: > 0)");
    }
    this.max = max;
  }

  int max() {
    return max;
  }

  /**
   * An application's timer: refused once the heap holds {@code max} timers (the reactor's own
   * included), so that a flood of requests that each start a timer cannot grow it without bound.
   *
   * @throws TooManyTimersException naming the count and the cap
   */
  ScheduledTimer addCapped(Reactor reactor, Runnable task, long delayNanos, long periodNanos) {
    if (heap.size() >= max) {
      throw new TooManyTimersException("cannot add a timer: " + heap.size()
          + " timers pending (expected: fewer than maxTimers " + max + ")");
    }
    return add(reactor, task, delayNanos, periodNanos);
  }

  /** A timer never refused: the reactor's own (heartbeat, connect timeouts, accept back-off). */
  ScheduledTimer add(Reactor reactor, Runnable task, long delayNanos, long periodNanos) {
    ScheduledTimer timer = new ScheduledTimer(reactor, task, periodNanos);
    heap.add(timer, System.nanoTime() + delayNanos);
    return timer;
  }

  boolean remove(ScheduledTimer timer) {
    return heap.remove(timer);
  }

  int size() {
    return heap.size();
  }

  void clear() {
    heap.clear();
  }

  /** Milliseconds until the earliest timer, rounded up so it never fires early; -1 if none. */
  int pollTimeout() {
    TimerHeap.Entry first = heap.peek();
    if (first == null) {
      return -1;
    }
    long wait = first.due() - System.nanoTime();
    if (wait <= 0) {
      return 0;
    }
    return (int) Math.min((wait + 999_999) / 1_000_000, Integer.MAX_VALUE);
  }

  /**
   * Fires every timer due now. A periodic timer is rescheduled before its callback runs (so the
   * callback can cancel it), one period after its last due time, or after now if it fell behind.
   */
  void runDue(Callbacks callbacks) {
    long now = System.nanoTime();
    for (;;) {
      TimerHeap.Entry first = heap.peek();
      if (first == null || first.due() - now > 0) {
        return;
      }
      heap.remove(first);
      ScheduledTimer timer = (ScheduledTimer) first;
      if (timer.periodNanos > 0) {
        long next = timer.due() + timer.periodNanos;
        heap.add(timer, next - now > 0 ? next : now + timer.periodNanos);
      }
      callbacks.invoke(Callbacks.TIMER, timer.task, null);
    }
  }
}
