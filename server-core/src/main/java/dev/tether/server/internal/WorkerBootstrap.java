package dev.tether.server.internal;

import dev.tether.channel.ChannelException;
import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.internal.ChannelSocket;
import dev.tether.channel.internal.FrameReader;
import dev.tether.channel.internal.FrameSink;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.internal.ReactorAccess;
import dev.tether.server.TetherException;
import dev.tether.server.WorkerChannel;
import dev.tether.unix.internal.Io;
import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * How a worker's channel gets from its fd to its reactor, in one place. It owns the fd from the
 * start until {@link #handOver} gives it, with the bytes and fds read so far, to a reactor
 * connection ({@link ChannelConnection}), and is where the worker's writes go ({@link FrameSink})
 * before and after.
 *
 * <p><b>Why a start-up phase.</b> In a fresh JVM the native layer and the reactor take tens to
 * hundreds of milliseconds to load (SPAWN.md; measured again in benchmarks/WORKER.md). So a child
 * worker ({@link #inherited}) first serves on its main thread through plain JDK streams (read(2)
 * and write(2) of exactly one unit at a time: no native code), while a loader thread loads the
 * native layer and makes the reactor: the first reply does not wait for them. The loader begins
 * once the first waiting message is answered or nothing waits, so that it does not take the CPU
 * from that reply, and at the latest {@value #LOADER_HOLD_MILLIS} ms after the phase began. A
 * message with fds upgrades the socket to the native layer on the spot. No JDK API waits for an
 * fd number to become readable, so while nothing waits the main thread looks again every
 * millisecond, for the length of the load only; it reads a unit only once all of it waits in
 * the socket, so it never blocks in a read.
 *
 * <p>The phase ends when the reactor is ready, a handler asked for it on the main thread
 * ({@link #reactor()} enters it there at once), the main loop is to end, or the channel ended.
 * Handlers run on the main thread throughout, one at a time, in order; it becomes the reactor
 * thread. Malformed input gets the same outcome in the phase and after it: the same
 * {@link FrameReader} decodes both, and fds that plain streams cannot see are closed when the
 * reactor sees them (never an error).
 *
 * <p>{@link #of} is the bootstrap of a worker run in an existing JVM: native from the start,
 * reactor ready at once, no phase.
 *
 * <p>Threading: {@link #serve}, {@link #endStartUp} and the sink on the main thread, then on the
 * reactor thread (the same thread); {@link #reactor()} and {@link #reactorIfReady()} from any
 * thread. The loader thread (a daemon) ends by itself.
 */
public final class WorkerBootstrap implements FrameSink {
  private static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long LOADER_HOLD_MILLIS = 100;

  private final Thread main = Thread.currentThread();
  private final ChannelSocket socket;
  private final FrameReader reader;
  private final boolean child; // the process is the worker's own: its fds are ours to mark
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final CountDownLatch mayLoad = new CountDownLatch(1);
  private volatile Reactor reactor;
  private volatile Throwable loadFailure;
  private volatile boolean starting = true;
  private volatile boolean entered;
  private boolean writeFailed; // a start-up write met a closed or failed socket
  private ReceivedMessage awaitingPayload; // a proto handler's message, its scalar not all here
  private ChannelConnection connection; // from the hand-over on

  private WorkerBootstrap(ChannelSocket socket, boolean child) {
    this.socket = socket;
    this.child = child;
    this.reader = new FrameReader(socket);
  }

  /**
   * The bootstrap of a child worker: takes ownership of {@code fd}, an inherited AF_UNIX stream
   * socket, served through plain streams while a loader thread runs {@code load} (the native
   * layer's loading: {@link Reactor#loadNative}) and makes the reactor, named
   * {@code reactorName}. Main thread.
   */
  public static WorkerBootstrap inherited(int fd, String reactorName, Runnable load) {
    WorkerBootstrap boot = new WorkerBootstrap(ChannelSocket.ofPlainStreams(fd), true);
    Thread loader = new Thread(() -> boot.load(load, reactorName), "tether-native-loader");
    loader.setDaemon(true);
    loader.start();
    return boot;
  }

  /**
   * The bootstrap of a worker in an existing JVM: takes ownership of {@code fd}, a connected
   * AF_UNIX stream socket (close-on-exec), served by a reactor named {@code reactorName} made now.
   */
  public static WorkerBootstrap of(int fd, String reactorName) {
    WorkerBootstrap boot = new WorkerBootstrap(ChannelSocket.of(fd), false);
    boot.reactor = new Reactor(reactorName);
    boot.loaded.countDown();
    return boot;
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
   * Dispatches the messages waiting on the channel, on the calling thread, until the reactor is
   * ready, the thread entered it, {@code quitting} is true, or the channel ended. What is buffered
   * afterwards is the reactor's to dispatch ({@link #handOver}).
   *
   * <p>It never waits for the peer: a unit is read only once all of its bytes wait in the socket
   * (so quitting, signals and the reactor's readiness are seen at once), and what is cut short,
   * like the end of the stream, is left to the reactor, which tells them apart: the same outcome
   * as later in the worker's life.
   *
   * @return false if a write found the channel closed, else true
   * @throws ChannelException if the stream broke
   */
  public boolean serve(Dispatcher dispatcher, WorkerChannel client, BooleanSupplier quitting) {
    while (loaded.getCount() > 0 && !entered && !quitting.getAsBoolean() && !writeFailed) {
      boolean payloadNext = awaitingPayload != null;
      if (!reader.unitWaiting(payloadNext, MessageChannel.DEFAULT_MAX_SCALAR_SIZE)) {
        releaseLoader(); // nothing whole waits: a unit cut short, or the end, is the reactor's
        waitForLoad(LOOK_AGAIN_NANOS);
        continue;
      }
      ReceivedMessage message;
      byte[] payload = null;
      if (payloadNext) {
        payload = reader.readScalar(MessageChannel.DEFAULT_MAX_SCALAR_SIZE);
        message = awaitingPayload;
        awaitingPayload = null;
      } else {
        message = reader.readMessage();
        if (dispatcher.takesPayload(message)) {
          awaitingPayload = message;
          continue;
        }
      }
      dispatcher.dispatch(message, payload, client);
      releaseLoader();
    }
    return !writeFailed;
  }

  /**
   * Gives the channel to {@code loop} (running, on its thread): the socket moves to a
   * close-on-exec duplicate owned by the reactor from now on, and a {@link ChannelConnection}
   * serves it, starting with the units the start-up phase buffered. In a child worker every
   * other fd above 2 that lacks close-on-exec gets it too (the JVM and jffi open some without).
   * See {@link ChannelConnection} for the parameters.
   *
   * @throws RuntimeException if the socket cannot move or be attached; {@link #close()} then
   *     closes what is still this bootstrap's (the socket, unless released; received fds)
   */
  public void handOver(Reactor loop, Dispatcher dispatcher, WorkerChannel client,
      BooleanSupplier mayDispatch, Consumer<Throwable> onEnd) {
    if (child) {
      Io.setCloexecFrom(3);
    }
    int fd = socket.release();
    reader.detach();
    ChannelConnection serving = new ChannelConnection(reader, awaitingPayload, dispatcher,
        client, mayDispatch, onEnd);
    loop.attach(fd, serving); // owns fd from here, also if it throws
    awaitingPayload = null; // the connection's now (its unbind closes it)
    connection = serving;
    serving.dispatchBuffered();
  }

  /** The connection serving the channel since {@link #handOver}, or null. */
  public ChannelConnection connection() {
    return connection;
  }

  /**
   * Ends the start-up phase ({@link #reactor()} on the main thread no longer enters) and says
   * where the main loop goes on: the reactor to run, if serving goes on ({@code goOn}) or the
   * main thread entered it during the phase (it holds resources until it runs); else null, and
   * the loop ends on this thread.
   *
   * @throws TetherException if the reactor is needed and its native code could not be loaded
   */
  public Reactor endStartUp(boolean goOn) {
    starting = false;
    return goOn || entered ? reactor() : null;
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
      ReactorAccess.enter(r);
      entered = true;
    }
    return r;
  }

  /** The reactor if it is ready, else null. */
  public Reactor reactorIfReady() {
    return reactor;
  }

  /**
   * Writes a unit: into the reactor connection's queue after the hand-over, else to the socket
   * (blocking, on the main thread). A closed or failed channel drops it.
   */
  @Override
  public void write(ByteBuffer src, FileDescriptor[] fds) {
    if (connection != null) {
      connection.send(src, fds);
      return;
    }
    if (Thread.currentThread() != main) {
      throw new ReactorException("worker channel: written on thread "
          + Thread.currentThread().getName() + " (expected: the worker's main thread "
          + main.getName() + ", its reactor thread)");
    }
    if (writeFailed) {
      return;
    }
    try {
      socket.write(src, fds);
    } catch (ChannelException e) {
      writeFailed = true; // the supervisor is gone: the phase ends, as the reactor's loop would
      LoggerFactory.getLogger(WorkerBootstrap.class)
          .debug("channel to the supervisor ended on a write: {}", e.toString());
    }
  }

  /** See {@link WorkerChannel#isWritable()}. */
  public boolean isWritable() {
    return connection != null ? connection.isWritable() : isOpen();
  }

  /** See {@link WorkerChannel#outboundBytes()}. */
  public long outboundBytes() {
    return connection != null ? connection.outboundBytes() : 0;
  }

  /** See {@link WorkerChannel#isOpen()}. */
  public boolean isOpen() {
    return connection != null ? connection.isOpen() : !writeFailed && !socket.isClosed();
  }

  /** See {@link WorkerChannel#afterWriting}: at once before the hand-over (writes block). */
  public void afterWriting(Runnable callback) {
    if (connection != null) {
      connection.write(callback);
    } else if (isOpen()) {
      callback.run();
    }
  }

  /**
   * Closes the channel if the reactor does not own it (the main loop ended before the hand-over,
   * or it never happened), with every received fd that no handler claimed. Idempotent.
   */
  public void close() {
    if (connection == null) {
      try {
        socket.close();
      } finally {
        if (awaitingPayload != null) {
          awaitingPayload.close();
        }
        reader.closeAll();
      }
    }
  }

  @Override
  public String toString() {
    return connection != null ? "reactor connection" : "fd " + socket.number();
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
