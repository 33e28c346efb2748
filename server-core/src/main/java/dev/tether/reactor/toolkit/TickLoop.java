package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Runs a body once every reactor tick until it answers false or {@link #stop} is called
 * (EventMachine's {@code EM::TickLoop}, whose block answers {@code :stop}). Created stopped;
 * {@link #start} begins it on the next tick, and it may be started again after it stopped.
 *
 * <p>Each run of the body is its own task ({@link Reactor#nextTick}), so I/O and timers go on
 * between runs. A body that throws stops the loop (the exception goes to the reactor's {@link
 * dev.tether.reactor.ErrorHandler}); the on-stop callbacks run as for any stop.
 *
 * <p><b>Threading.</b> Reactor thread only ({@link dev.tether.reactor.ReactorException}
 * elsewhere); the body and the on-stop callbacks run on the reactor thread.
 */
public final class TickLoop {
  private final Reactor reactor;
  private final BooleanSupplier body;
  private final List<Runnable> onStop = new ArrayList<>();
  private boolean stopped = true;
  private boolean scheduled;

  /** @param body run every tick; answers whether to go on (false stops the loop) */
  public TickLoop(Reactor reactor, BooleanSupplier body) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.body = Objects.requireNonNull(body, "body");
  }

  /** Starts the loop: the body first runs on the next tick. No-op if running. */
  public TickLoop start() {
    reactor.checkInLoop("TickLoop.start");
    if (stopped) {
      stopped = false;
      if (!scheduled) {
        scheduled = true;
        reactor.nextTick(this::tick);
      }
    }
    return this;
  }

  /**
   * Stops the loop (the body does not run again until {@link #start}) and has each on-stop
   * callback registered so far run once, in order, each as its own task on the next tick. No-op
   * if stopped.
   */
  public void stop() {
    reactor.checkInLoop("TickLoop.stop");
    if (stopped) {
      return;
    }
    stopped = true;
    for (Runnable callback : onStop) {
      reactor.nextTick(callback);
    }
    onStop.clear();
  }

  /**
   * Has {@code callback} run when the loop next stops; if it is stopped now, on the next tick.
   */
  public void onStop(Runnable callback) {
    reactor.checkInLoop("TickLoop.onStop");
    Objects.requireNonNull(callback, "callback");
    if (stopped) {
      reactor.nextTick(callback);
    } else {
      onStop.add(callback);
    }
  }

  /** Whether the loop is stopped (also before the first {@link #start}). */
  public boolean isStopped() {
    reactor.checkInLoop("TickLoop.isStopped");
    return stopped;
  }

  private void tick() {
    scheduled = false;
    if (stopped) {
      return;
    }
    boolean goOn = false;
    try {
      goOn = body.getAsBoolean();
    } finally {
      if (!goOn) {
        stop();
      } else if (!stopped) {
        scheduled = true;
        reactor.nextTick(this::tick);
      }
    }
  }
}
