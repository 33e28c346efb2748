package dev.tether.reactor;

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
}
