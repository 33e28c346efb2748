package dev.tether.server.internal;

import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import dev.tether.reactor.Reactor;
import dev.tether.server.TetherException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How a worker gets its reactor. In a child JVM what the reactor and fd passing need (jnr-ffi,
 * the native layer, the reactor's own classes) takes from tens to hundreds of milliseconds to load
 * (SPAWN.md), so the main thread first answers the messages that are already waiting, through
 * the channel's plain-stream mode ({@link MessageChannel#fromInheritedFd}), and a loader thread
 * does that work meanwhile: the first reply does not wait for it. The loader begins once the
 * first waiting message is answered or nothing waits, so that it does not take the CPU from that
 * reply, and at the latest {@value #LOADER_HOLD_MILLIS} ms after the phase began (a first handler
 * may take long).
 *
 * <p>The main thread {@link #serve serves} until the reactor is ready, a handler needed it
 * ({@link #reactor()} on the main thread enters it at once), quit was requested, or the channel
 * ended; the worker loop then goes on on the reactor. Handlers run on the main thread
 * throughout, one at a time, in order. No JDK API waits for an fd number to become readable, so
 * while nothing waits in the socket the main thread looks again every millisecond, for the length
 * of the load only; the end of the stream is seen once the reactor runs.
 *
 * <p>{@link #ready} is the phase of a worker run in an existing JVM: the reactor is there at once
 * and {@link #serve} returns at once.
 *
 * <p>Threading: {@link #serve} and {@link #finish} on the worker's main thread (the one that
 * created the phase); {@link #reactor()} and {@link #reactorIfReady()} from any thread. Owns no
 * fd; the loader thread (a daemon) ends by itself.
 */
public final class StartupPhase {
  private static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long LOADER_HOLD_MILLIS = 100;

  private final Thread main = Thread.currentThread();
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final CountDownLatch mayLoad = new CountDownLatch(1);
  private volatile Reactor reactor;
  private volatile Throwable loadFailure;
  private volatile boolean starting = true;
  private volatile boolean entered;

  private StartupPhase() {}

  /** A phase whose reactor, named {@code reactorName}, is made now; nothing loads. */
  public static StartupPhase ready(String reactorName) {
    StartupPhase phase = new StartupPhase();
    phase.reactor = new Reactor(reactorName);
    phase.loaded.countDown();
    return phase;
  }

  /**
   * A phase whose loader thread runs {@code load} (native code) and then makes the reactor,
   * named {@code reactorName}. Main thread.
   */
  public static StartupPhase loading(String reactorName, Runnable load) {
    StartupPhase phase = new StartupPhase();
    Thread loader = new Thread(() -> phase.load(load, reactorName), "tether-native-loader");
    loader.setDaemon(true);
    loader.start();
    return phase;
  }

  private void load(Runnable load, String reactorName) {
    try {
      mayLoad.await(LOADER_HOLD_MILLIS, TimeUnit.MILLISECONDS);
      load.run();
      reactor = new Reactor(reactorName);
    } catch (Throwable t) {
      loadFailure = t;
    } finally {
      loaded.countDown();
    }
  }

  /**
   * Dispatches the messages waiting in {@code channel} on the calling thread until the reactor is
   * ready, the thread entered it, or {@code quitting} is true. Messages still buffered in the
   * channel afterwards are the reactor's to dispatch.
   *
   * @return false at end of stream, true otherwise
   * @throws dev.tether.channel.ChannelException if the channel broke
   */
  public boolean serve(MessageChannel channel, Dispatcher dispatcher, BooleanSupplier quitting) {
    while (loaded.getCount() > 0 && !entered && !quitting.getAsBoolean()) {
      if (channel.available() == 0) {
        releaseLoader();
        waitForLoad(LOOK_AGAIN_NANOS);
        continue;
      }
      ReceivedMessage message = channel.readWithFds();
      if (message == null) {
        return false;
      }
      dispatcher.dispatch(message, channel);
      releaseLoader();
    }
    return true;
  }

  /** Ends the start-up phase: {@link #reactor()} on the main thread no longer enters. */
  public void finish() {
    starting = false;
  }

  /** Whether the main thread entered the reactor during the start-up phase. */
  public boolean entered() {
    return entered;
  }

  /**
   * The reactor, once ready (waits for the load). Called on the main thread during the start-up
   * phase (a handler or {@code initializeServer} asked for it), it also makes that thread the
   * reactor thread now.
   *
   * @throws TetherException if the load failed
   */
  public Reactor reactor() {
    releaseLoader();
    waitForLoad(Long.MAX_VALUE);
    Throwable failure = loadFailure;
    if (failure != null) {
      throw new TetherException("the worker's native code could not be loaded", failure);
    }
    Reactor r = reactor;
    if (starting && !entered && Thread.currentThread() == main) {
      r.enter();
      entered = true;
    }
    return r;
  }

  /** The reactor if it is ready, else null. */
  public Reactor reactorIfReady() {
    return reactor;
  }

  private void releaseLoader() {
    mayLoad.countDown();
  }

  private void waitForLoad(long nanos) {
    try {
      loaded.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TetherException("interrupted while the worker's native code loaded", e);
    }
  }
}
