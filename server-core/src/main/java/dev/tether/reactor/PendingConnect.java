package dev.tether.reactor;

import java.net.SocketAddress;

/**
 * The deadline of one outgoing connect: closes the endpoint with a {@link
 * ConnectionTimeoutException} when its pending-connect timeout, counted from the start of the
 * connect, passes first. Re-armed when the connection's timeout changes while connecting. Reactor
 * thread only.
 */
final class PendingConnect implements Runnable {
  private final Endpoint endpoint;
  private final SocketAddress target;
  private final long startNanos = System.nanoTime();
  private long timeoutNanos;
  private Timer timer;

  PendingConnect(Endpoint endpoint, SocketAddress target) {
    this.endpoint = endpoint;
    this.target = target;
  }

  /** (Re)schedules the deadline at start + {@code timeoutNanos}; now if that has passed. */
  void arm(long timeoutNanos) {
    cancel();
    this.timeoutNanos = timeoutNanos;
    long left = Math.max(0, startNanos + timeoutNanos - System.nanoTime());
    // The reactor's own timer: never refused by the cap on the application's (setMaxTimers).
    timer = endpoint.reactor.timers().add(endpoint.reactor, this, left, 0);
  }

  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  @Override
  public void run() {
    timer = null;
    endpoint.close(new ConnectionTimeoutException("connect to " + target
        + " did not complete within " + timeoutNanos / 1_000_000 + " ms"));
  }
}
