package dev.tether.server.internal;

import dev.tether.channel.ChannelException;
import dev.tether.channel.MessageChannel;
import dev.tether.reactor.Reactor;
import dev.tether.server.TetherException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One main loop of a worker: signal handlers installed, the initialize hook, the messages already
 * waiting while the reactor gets ready ({@link StartupPhase}), then the channel watcher on the
 * reactor until end of stream or quit, handlers restored, the finalize hook. Does not own the
 * channel (the caller closes it afterwards).
 */
public final class WorkerLoop {
  /** A server hook that may throw anything. */
  @FunctionalInterface
  public interface Hook {
    void run() throws Exception;
  }

  private final String serverClass;
  private final BooleanSupplier quitRequested;
  private boolean initialized;
  private TetherException failure;

  private WorkerLoop(String serverClass, BooleanSupplier quitRequested) {
    this.serverClass = serverClass;
    this.quitRequested = quitRequested;
  }

  /**
   * Runs the worker on the calling thread and returns once it ended: the initialize hook and
   * the messages already waiting while {@code startup} readies the reactor (see
   * {@link StartupPhase}), then the reactor loop on this thread.
   *
   * @return what went wrong (initialize or finalize threw, the channel broke, or the reactor's
   *     native code could not be loaded), or null
   * @throws TetherException if a signal handler could not be installed (nothing ran then)
   */
  public static TetherException run(String serverClass, MessageChannel channel,
      StartupPhase startup, Dispatcher dispatcher, Map<String, Runnable> signalHandlers,
      Hook initialize, Hook finalize, BooleanSupplier quitRequested) {
    WorkerLoop run = new WorkerLoop(serverClass, quitRequested);
    Runnable restoreSignals = SignalHandlers.install(signalHandlers, startup);
    try {
      run.serve(channel, startup, dispatcher, initialize);
    } catch (TetherException e) { // the reactor could not be made: finalize all the same
      run.fail(e);
    } finally {
      restoreSignals.run();
    }
    if (run.initialized) {
      try {
        finalize.run();
      } catch (Exception e) {
        run.fail(new TetherException(serverClass + ".finalizeServer() failed", e));
      }
    }
    return run.failure;
  }

  private void serve(MessageChannel channel, StartupPhase startup, Dispatcher dispatcher,
      Hook initialize) {
    boolean open = false;
    try {
      open = initialize(initialize) && startup.serve(channel, dispatcher, quitRequested);
    } catch (ChannelException e) {
      fail(new TetherException("channel of " + serverClass + " broke", e));
    } finally {
      startup.finish();
    }
    boolean serving = open && !quitRequested.getAsBoolean();
    if (!serving && !startup.entered()) {
      return; // the reactor holds nothing yet
    }
    Reactor loop = startup.reactor();
    loop.run(() -> {
      if (serving) {
        watch(channel, dispatcher, loop);
      } else {
        loop.stop();
      }
    });
  }

  /** Runs the initialize hook; false if it threw (recorded) or quit was requested. */
  private boolean initialize(Hook initialize) {
    try {
      initialize.run();
      initialized = true;
    } catch (Exception e) {
      fail(new TetherException(serverClass + ".initializeServer() failed", e));
      return false;
    }
    return !quitRequested.getAsBoolean(); // quitMain() may come before the loop could see it
  }

  /** Reactor thread: dispatches what is buffered already, then whatever arrives. */
  private void watch(MessageChannel channel, Dispatcher dispatcher, Reactor loop) {
    if (quitRequested.getAsBoolean()) {
      loop.stop();
      return;
    }
    ChannelWatcher watcher = new ChannelWatcher(channel, dispatcher, quitRequested, broken -> {
      if (broken != null) {
        fail(new TetherException("channel of " + serverClass + " broke", broken));
      }
      loop.stop();
    });
    loop.watch(channel.fd(), watcher).setNotifyReadable(true);
    watcher.dispatchBuffered();
  }

  private void fail(TetherException e) {
    if (failure == null) {
      failure = e;
    } else {
      failure.addSuppressed(e);
    }
  }
}
