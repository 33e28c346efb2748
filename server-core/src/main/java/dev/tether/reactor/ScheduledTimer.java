package dev.tether.reactor;

import dev.tether.reactor.internal.TimerHeap;

/** A timer in the reactor's heap; {@code periodNanos} is 0 for a one-shot timer. */
final class ScheduledTimer extends TimerHeap.Entry implements Timer {
  final Reactor reactor;
  final Runnable task;
  final long periodNanos;
  private boolean cancelled;

  ScheduledTimer(Reactor reactor, Runnable task, long periodNanos) {
    this.reactor = reactor;
    this.task = task;
    this.periodNanos = periodNanos;
  }

  @Override
  public void cancel() {
    reactor.checkLoop();
    cancelled = true;
    reactor.timers().remove(this);
  }

  @Override
  public boolean isPending() {
    return !cancelled && isScheduled();
  }
}
