package dev.tether.reactor;

import java.time.Duration;

/**
 * A one-shot or periodic timer made by {@link Reactor#addTimer} or {@link
 * Reactor#addPeriodicTimer}. Its callback runs on the reactor thread, never before it is due. Loop
 * thread only.
 */
public interface Timer {
  /** Cancels the timer; its callback will not run again. Does nothing if already done. */
  void cancel();

  /** Whether the callback is still to run (always true for a periodic timer until cancelled). */
  boolean isPending();

  /** A periodic timer's interval; {@link Duration#ZERO} for a one-shot timer. */
  Duration interval();

  /**
   * Changes a periodic timer's interval (EventMachine's {@code PeriodicTimer#interval=}). The
   * firing already scheduled keeps its time; the ones after it are spaced by the new interval.
   * Called from the timer's own callback, it therefore applies from the firing after the next
   * one: the next was scheduled before the callback ran (so that the callback may cancel it).
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   * @throws IllegalStateException on a one-shot timer
   */
  void setInterval(Duration interval);
}
