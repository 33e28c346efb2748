package dev.tether.server.internal;

import dev.tether.channel.ChannelException;
import dev.tether.reactor.Reactor;
import dev.tether.server.TetherException;
import dev.tether.server.WorkerChannel;
import java.time.Duration;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * One main loop of a worker: signal handlers installed, the initialize hook, the messages already
 * waiting while the reactor gets ready ({@link WorkerBootstrap}), then the channel as a reactor
 * connection until it ends or {@link #quit()}; then the finalize hook, handlers restored.
 *
 * <p>The finalize hook runs where the loop ended, with the channel still open for what it
 * writes: on the reactor thread before the reactor stops (the channel is closed after its queue
 * is written, within {@value #CLOSE_SECONDS} s, then the reactor stops and closes every other
 * connection), or on the main thread if the loop ended before the reactor ran.
 *
 * <p>Threading: {@link #run} on the worker's main thread, which becomes its reactor thread;
 * {@link #quit()} and {@link #reactor()} from any thread. Owns the bootstrap (closed by
 * {@link #run}).
 */
public final class WorkerLoop {
  /** A server hook that may throw anything. */
  @FunctionalInterface
  public interface Hook {
    void run() throws Exception;
  }

  /** How long the channel may take to write what is queued once the main loop ended. */
  private static final int CLOSE_SECONDS = 10;
  private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(CLOSE_SECONDS);

  private final String serverClass;
  private final WorkerBootstrap boot;
  private final WorkerChannel client;
  private final Dispatcher dispatcher;
  private final Map<String, Runnable> signalHandlers;
  private final Hook initialize;
  private final Hook finalize;
  private volatile boolean quitRequested;
  private boolean initialized;
  private boolean ended; // reactor thread: the finalize hook has been started
  private TetherException failure;

  public WorkerLoop(String serverClass, WorkerBootstrap boot, WorkerChannel client,
      Dispatcher dispatcher, Map<String, Runnable> signalHandlers, Hook initialize,
      Hook finalize) {
    this.serverClass = serverClass;
    this.boot = boot;
    this.client = client;
    this.dispatcher = dispatcher;
    this.signalHandlers = signalHandlers;
    this.initialize = initialize;
    this.finalize = finalize;
  }

  /**
   * Runs the worker on the calling thread and returns once it ended; closes the bootstrap.
   *
   * @return what went wrong (initialize or finalize threw, the channel broke, or the reactor's
   *     native code could not be loaded), or null
   * @throws TetherException if a signal handler could not be installed (nothing ran then)
   */
  public TetherException run() {
    try {
      Runnable restoreSignals = SignalHandlers.install(signalHandlers, boot);
      try {
        serve();
      } finally {
        restoreSignals.run();
      }
    } finally {
      boot.close();
    }
    return failure;
  }

  /**
   * Ends the main loop after the current callback: nothing more is dispatched, then the finalize
   * hook runs. Any thread.
   */
  public void quit() {
    quitRequested = true;
    Reactor loop = boot.reactorIfReady();
    if (loop != null) {
      loop.nextTick(this::end); // runs in the loop, or is dropped if the loop is over
    }
  }

  /** The worker's reactor if it is ready, else null; never waits. */
  public Reactor reactorIfReady() {
    return boot.reactorIfReady();
  }

  /** The worker's reactor; see {@link WorkerBootstrap#reactor()}. */
  public Reactor reactor() {
    return boot.reactor();
  }

  private void serve() {
    boolean open = false;
    try {
      open = initialize() && boot.serve(dispatcher, client, () -> quitRequested);
    } catch (ChannelException e) {
      fail(new TetherException("channel of " + serverClass + " broke", e));
    }
    boolean serving = open && !quitRequested;
    Reactor loop = reactorToGoOnWith(serving);
    if (loop == null) {
      finalizeServer(); // the loop ends before the reactor ran
      return;
    }
    loop.run(() -> {
      if (serving && !quitRequested) {
        try {
          boot.handOver(loop, dispatcher, client, () -> !ended && !quitRequested, this::ended);
          return;
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable t) {
          fail(new TetherException("channel of " + serverClass + " could not be handed to the"
              + " reactor", t));
        }
      }
      end();
    });
    finalizeServer(); // if the loop stopped without end(): someone stopped the reactor itself
  }

  /** The reactor the main loop goes on with, or null (also if it could not be loaded). */
  private Reactor reactorToGoOnWith(boolean serving) {
    try {
      return boot.endStartUp(serving);
    } catch (TetherException e) { // the native code could not be loaded
      fail(e);
      return null;
    }
  }

  /** Runs the initialize hook; false if it threw (recorded) or quit was requested. */
  private boolean initialize() {
    try {
      initialize.run();
      initialized = true;
    } catch (Exception e) {
      fail(new TetherException(serverClass + ".initializeServer() failed", e));
      return false;
    }
    return !quitRequested; // quitMain() may come before the loop could see it
  }

  /** Reactor thread: the channel ended (its unbind), with null or what broke it. */
  private void ended(Throwable broken) {
    if (broken != null) {
      fail(new TetherException("channel of " + serverClass + " broke", broken));
    }
    if (ended) {
      boot.reactorIfReady().stop(); // the finalize hook ran; its writes are out or dropped
    } else {
      end();
    }
  }

  /**
   * Reactor thread: the main loop ends. The finalize hook runs with the channel open; then the
   * channel closes once its queue is written, and its end stops the reactor.
   */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    Reactor loop = boot.reactorIfReady();
    try {
      finalizeServer();
    } finally {
      ChannelConnection channel = boot.connection();
      if (channel != null && channel.isOpen()) {
        channel.closeConnectionAfterWriting(); // its unbind comes to ended(), which stops
        // A supervisor that is alive but reads nothing must not keep the worker forever.
        loop.addTimer(CLOSE_DEADLINE, () -> {
          LoggerFactory.getLogger(WorkerLoop.class).warn("{}: the supervisor read nothing for {}"
              + " s after the main loop ended; closing the channel with {} bytes unwritten",
              serverClass, CLOSE_SECONDS, channel.outboundBytes());
          channel.closeConnection();
        });
      } else {
        loop.stop();
      }
    }
  }

  private void finalizeServer() {
    if (!initialized) {
      return;
    }
    initialized = false; // once
    try {
      finalize.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      fail(new TetherException(serverClass + ".finalizeServer() failed", t));
    }
  }

  private void fail(TetherException e) {
    if (failure == null) {
      failure = e;
    } else {
      failure.addSuppressed(e);
    }
  }
}
