package dev.tether.reactor.internal;

import dev.tether.reactor.Reactor;
import java.util.function.Consumer;

/**
 * What Tether's own packages may do to a {@link Reactor} that users may not: enter it (make the
 * calling thread its thread before {@link Reactor#run} turns the loop), which a worker's start-up
 * needs when a handler asks for the reactor while messages are still served without it. The
 * reactor hands its entry point here when its class initializes, so the method stays out of its
 * public API.
 */
public final class ReactorAccess {
  private static volatile Consumer<Reactor> entry;

  private ReactorAccess() {}

  /**
   * Called once, by {@code Reactor}'s class initializer.
   *
   * @throws IllegalStateException if the entry point is set already
   */
  public static synchronized void setEntry(Consumer<Reactor> enter) {
    if (entry != null) {
      throw new IllegalStateException("reactor entry : set already (expected: once, by Reactor)");
    }
    entry = enter;
  }

  /**
   * Makes the calling thread {@code reactor}'s thread and acquires its resources; {@code run} on
   * the same thread must follow, which releases them.
   *
   * @throws dev.tether.reactor.ReactorException if the reactor is already running or its poller
   *     cannot be made
   */
  public static void enter(Reactor reactor) {
    entry.accept(reactor); // the argument exists, so Reactor's initializer has run
  }
}
