package dev.tether.server.internal;

import dev.tether.channel.MessageChannel;
import dev.tether.reactor.Reactor;
import dev.tether.server.TetherException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One main loop of a worker: signal handlers installed, the initialize hook and the channel
 * watcher on the reactor, the loop until end of stream or quit, handlers restored, the finalize
 * hook. Does not own the channel (the caller closes it afterwards).
 */
public final class WorkerLoop {
  /** A server hook that may throw anything. */
  @FunctionalInterface
  public interface Hook {
    void run() throws Exception;
  }

  private final String serverClass;
  private final Reactor loop;
  private final BooleanSupplier quitRequested;
  private boolean initialized;
  private TetherException failure;

  private WorkerLoop(String serverClass, Reactor loop, BooleanSupplier quitRequested) {
    this.serverClass = serverClass;
    this.loop = loop;
    this.quitRequested = quitRequested;
  }

  /**
   * Runs the loop on the calling thread (which becomes the reactor thread) and returns once it
   * ended.
   *
   * @return what went wrong (initialize or finalize threw, or the channel broke), or null
   * @throws TetherException if a signal handler could not be installed (nothing ran then)
   */
  public static TetherException run(String serverClass, MessageChannel channel, Reactor loop,
      Dispatcher dispatcher, Map<String, Runnable> signalHandlers, Hook initialize, Hook finalize,
      BooleanSupplier quitRequested) {
    WorkerLoop run = new WorkerLoop(serverClass, loop, quitRequested);
    Runnable restoreSignals = SignalHandlers.install(signalHandlers, loop);
    try {
      loop.run(() -> run.initializeAndWatch(channel, dispatcher, initialize));
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

  private void initializeAndWatch(MessageChannel channel, Dispatcher dispatcher, Hook initialize) {
    try {
      initialize.run();
      initialized = true;
    } catch (Exception e) {
      fail(new TetherException(serverClass + ".initializeServer() failed", e));
      loop.stop();
      return;
    }
    if (quitRequested.getAsBoolean()) {
      loop.stop(); // quitMain() came before the loop could see it
      return;
    }
    ChannelWatcher watcher = new ChannelWatcher(channel, dispatcher, quitRequested, broken -> {
      if (broken != null) {
        fail(new TetherException("channel of " + serverClass + " broke", broken));
      }
      loop.stop();
    });
    loop.watch(channel.fd(), watcher).setNotifyReadable(true);
  }

  private void fail(TetherException e) {
    if (failure == null) {
      failure = e;
    } else {
      failure.addSuppressed(e);
    }
  }
}
