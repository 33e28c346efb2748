package dev.tether.server.internal;

import dev.tether.reactor.Reactor;
import java.time.Duration;

/**
 * How late the worker's loop runs: a periodic timer notes how much later than due each of its
 * runs came; a heartbeat takes the worst since the last one. A loop busy in one long callback
 * shows it as lag as soon as it answers again. Reactor thread only.
 */
final class LoopLag {
  private static final Duration PERIOD = Duration.ofMillis(100);
  private static final long PERIOD_NANOS = PERIOD.toNanos();

  private long last = System.nanoTime();
  private long worst;

  static LoopLag start(Reactor reactor) {
    LoopLag lag = new LoopLag();
    reactor.addPeriodicTimer(PERIOD, lag::tick);
    return lag;
  }

  private void tick() {
    long now = System.nanoTime();
    worst = Math.max(worst, now - last - PERIOD_NANOS);
    last = now;
  }

  /** The worst lateness since the last call, in microseconds (the current callback's included). */
  long takeWorstMicros() {
    long late = Math.max(worst, System.nanoTime() - last - PERIOD_NANOS);
    worst = 0;
    return Math.max(0, late) / 1000;
  }
}
