package dev.tether.reactor;

import dev.tether.reactor.internal.TimerHeap;
import java.time.Duration;

/** A timer in the reactor's heap; {@code periodNanos} is 0 for a one-shot timer. */
final class ScheduledTimer extends TimerHeap.Entry implements Timer {
  final Reactor reactor;
  final Runnable task;
  long periodNanos;
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

  @Override
  public Duration interval() {
    reactor.checkLoop();
    return Duration.ofNanos(periodNanos);
  }

  @Override
  public void setInterval(Duration interval) {
    reactor.checkLoop();
    long nanos = Timers.positiveNanos("interval", interval);
    if (periodNanos == 0) {
      throw new IllegalStateException("setInterval(" + interval + ") on a one-shot timer"
          + " (expected: a timer from addPeriodicTimer)");
    }
    periodNanos = nanos;
  }
}
