package dev.tether.reactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks inactivity timeouts: a periodic timer (the reactor's own, never refused by the timer
 * cap) that exists only while some connection has a timeout, so an idle reactor without them
 * sleeps in its poll. Costs O(timed connections) per beat, never per turn. Reactor thread only.
 */
final class Heartbeat implements Runnable {
  private final Reactor reactor;
  private final Set<Endpoint> timed = new HashSet<>();
  private final ArrayList<Endpoint> scratch = new ArrayList<>();
  private long intervalNanos = Duration.ofSeconds(2).toNanos();
  private Timer timer;

  Heartbeat(Reactor reactor) {
    this.reactor = reactor;
  }

  void setInterval(long nanos) {
    if (nanos == 0) {
      throw new IllegalArgumentException("heartbeatInterval : 0 (expected: > 0)");
    }
    intervalNanos = nanos;
    if (timer != null) {
      timer.cancel();
      timer = reactor.timers().add(reactor, this, intervalNanos, intervalNanos);
    }
  }

  long interval() {
    return intervalNanos;
  }

  void track(Endpoint endpoint, boolean on) {
    if (on) {
      timed.add(endpoint);
      if (timer == null) {
        timer = reactor.timers().add(reactor, this, intervalNanos, intervalNanos);
      }
    } else {
      timed.remove(endpoint);
    }
  }

  @Override
  public void run() {
    long now = System.nanoTime();
    scratch.addAll(timed);
    for (int i = 0; i < scratch.size(); i++) {
      scratch.get(i).checkInactivity(now);
    }
    scratch.clear();
    if (timed.isEmpty() && timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  void reset() {
    timed.clear();
    timer = null;
  }
}
