package dev.tether.server.internal;

import dev.tether.server.AbstractServer;
import dev.tether.server.JavaCommand;
import java.util.function.Consumer;

/**
 * What Tether's own packages may ask of an {@code AbstractServer} that users may not: the command
 * line of its workers and a run of its {@code beforeFork} hook, which a worker pool needs for
 * each worker it spawns. The class hands its implementation here when it initializes, so these
 * stay out of its public API (as {@code ReactorAccess} does for the reactor).
 */
public final class ServerAccess {
  /** The supervisor-side operations of a server. */
  public interface Spawning {
    /**
     * The worker's command line: {@code defaults} applied first, then the server's customizer
     * (so that the user's settings win where they overlap).
     */
    JavaCommand command(AbstractServer server, Consumer<JavaCommand.Builder> defaults);

    /** Runs the server's {@code beforeFork()}; a checked exception comes wrapped. */
    void beforeFork(AbstractServer server);

    /** Whether the server serves connections handed to it ({@code serveConnections}). */
    boolean servesConnections(AbstractServer server);
  }

  private static volatile Spawning spawning;

  private ServerAccess() {}

  /**
   * Called once, by {@code AbstractServer}'s class initializer.
   *
   * @throws IllegalStateException if set already
   */
  public static synchronized void set(Spawning s) {
    if (spawning != null) {
      throw new IllegalStateException("server access : set already (expected: once)");
    }
    spawning = s;
  }

  /** The operations; an {@code AbstractServer} exists, so its initializer has run. */
  public static Spawning spawning() {
    return spawning;
  }
}
