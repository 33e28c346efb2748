package dev.tether.server;

import com.google.protobuf.Parser;
import dev.tether.channel.MessageChannel;
import dev.tether.reactor.Connection;
import dev.tether.reactor.ExitStatus;
import dev.tether.reactor.Reactor;
import dev.tether.server.internal.AnnotatedHandlers;
import dev.tether.server.internal.Dispatcher;
import dev.tether.server.internal.PoolProtocol;
import dev.tether.server.internal.ServerAccess;
import dev.tether.server.internal.SignalHandlers;
import dev.tether.server.internal.WorkerBootstrap;
import dev.tether.server.internal.WorkerHandle;
import dev.tether.server.internal.WorkerLoop;
import dev.tether.unix.internal.Io;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A server whose worker side runs in a child JVM, driven over a Unix socket pair with Passenger's
 * MessageChannel format (Passenger's {@code AbstractServer}, in Java). One object is used on both
 * sides: the supervisor constructs it and calls {@link #start()}; the child constructs another
 * instance of the same class (public no-arg constructor required) and serves messages.
 *
 * <h2>Defining a server</h2>
 * The subclass's public no-arg constructor defines the handlers: {@link #defineMessageHandler},
 * {@link #defineFdMessageHandler}, {@link #defineProtoHandler}, {@link OnMessage} methods, and
 * {@link #defineSignalHandler}. The constructor runs in the supervisor too, so it must not do
 * worker work (open resources in {@link #initializeServer()}).
 *
 * <h2>Supervisor side</h2>
 * {@link #start()}: socket pair, {@link #beforeFork()}, spawn of {@code java ... }
 * {@link ChildMain}{@code  <class> [args...]} with the child's end as its fd 3 (same java and class
 * path as this JVM unless {@link #configureCommand} says otherwise; no shell), close of this
 * process's copy of the child end with a plain close(2); returns at once, with no handshake.
 * Then {@link #server()} is the channel to the worker ({@link #call} writes and reads one
 * exchange; a call with a timeout that expires closes the channel, see
 * {@link #call(Duration, String, String...)}). {@link #stop()} closes the channel, waits
 * {@link #DEFAULT_GRACEFUL_TIMEOUT}, sends SIGTERM, waits {@link #DEFAULT_TERM_TIMEOUT}, sends
 * SIGKILL, and reaps the worker. A worker that dies on its own is seen as end of stream on
 * {@link #server()}; {@link #exitStatus()} then tells how it died, and {@link #call} throws a
 * {@link ServerErrorException} naming class, pid and status.
 * A stopped server can be started again, and so can one whose worker died on its own
 * ({@code start()} reaps it first). Supervisor methods are thread-safe (concurrent
 * {@link #call}s are serialized, each getting its own reply); {@link #server()} follows
 * {@link MessageChannel}'s rules (one reader and one writer at a time).
 *
 * <h2>Worker side</h2>
 * {@link #startSynchronously(MessageChannel)} runs it in the calling thread (the child's main
 * thread, or a test's), which is the worker's {@link Reactor} thread: the signal handlers are
 * installed, {@link #initializeServer()} runs, then the channel is one of the reactor's
 * connections and every message is dispatched on that thread, one at a time, in order, until the
 * channel ends (the supervisor closed it or died) or {@link #quitMain()} is called; then
 * {@link #finalizeServer()} runs and the channel is closed. The worker exits as soon as the
 * supervisor's end closes.
 * <ul>
 *   <li>A message nobody handles gets the reply {@code ["error", "unknown message", name]}.
 *   <li>A handler that throws gets {@code ["error", "handler failed", name, "<class>: <message>"]}.
 *   <li>Both are logged; the worker goes on. {@link #call} turns them into
 *       {@link ErrorReplyException}s.
 *   <li>Both always fit in a frame: the description is cut to 4000 bytes, and a name that would
 *       not fit is cut too; a cut element ends with {@code "...(<its length> bytes)"}.
 *   <li>Input that is not the wire format (a malformed frame, bytes that are not UTF-8, a scalar
 *       above {@link MessageChannel#DEFAULT_MAX_SCALAR_SIZE}, a bad fd header, announced fds
 *       that did not come) ends the main loop: nothing after it is decoded, the error is logged,
 *       {@code finalizeServer()} runs, and a child worker exits 1. The same in every phase of the
 *       worker's life. Fds that came with a message that announced none are closed and logged;
 *       the message is handled.
 * </ul>
 * Handlers reply with {@code client().write(...)} ({@link WorkerChannel}: it never blocks the
 * loop; {@link WorkerChannel#isWritable()} shows back pressure), may pass fds
 * ({@code client().writeWithFds}), and defer blocking work with {@code reactor().defer(...)},
 * replying from its callback. In a child worker, {@code initializeServer()} and the messages
 * already waiting run before the reactor loop, while its native code loads on another thread
 * ({@link ChildMain}): the first reply does not wait for it. The loop starts when the code is
 * loaded; a handler that calls {@link #reactor()} before waits for it and enters the reactor at
 * once.
 *
 * <h2>Parameters</h2>
 * The worker gets parameters as program arguments ({@link #arguments()}, set on the supervisor
 * with {@code configureCommand(b -> b.args(...))}), system properties ({@code b.systemProperty})
 * or environment variables ({@code b.environment}); there is no parameter message.
 *
 * <h2>Fds</h2>
 * The supervisor's channel is owned by this object between {@code start()} and {@code stop()};
 * the worker's channel is owned by {@link #startSynchronously} (its reactor serves a close-on-exec
 * duplicate; both are closed when it returns).
 */
public abstract class AbstractServer {
  /** How long {@link #stop()} waits for the worker to exit after closing its channel. */
  public static final Duration DEFAULT_GRACEFUL_TIMEOUT = Duration.ofSeconds(3);
  /** How long {@link #stop()} waits after SIGTERM before SIGKILL. */
  public static final Duration DEFAULT_TERM_TIMEOUT = Duration.ofSeconds(3);
  /** Name of a worker's reactor (its defer threads are named after it). */
  static final String REACTOR_NAME = "tether-worker";
  /** Environment variable naming the worker's channel fd when it is not 3. */
  public static final String CHANNEL_FD_VARIABLE = "TETHER_CHANNEL_FD";
  private final Object lock = new Object();
  private final Dispatcher dispatcher;
  private final Map<String, Runnable> signalHandlers = new LinkedHashMap<>();

  // Supervisor configuration and state (guarded by lock).
  private Consumer<JavaCommand.Builder> commandCustomizer; // null: none
  private Consumer<String> outputSink;
  private Duration gracefulTimeout = DEFAULT_GRACEFUL_TIMEOUT;
  private Duration termTimeout = DEFAULT_TERM_TIMEOUT;
  private WorkerHandle worker;
  private ExitStatus lastExitStatus;

  // Worker state.
  private volatile Supplier<? extends Connection> connectionFactory; // null: serves none
  private volatile boolean draining;
  private volatile WorkerChannel client;
  private volatile WorkerLoop loop; // while serving
  private volatile List<String> arguments = List.of();

  static {
    ServerAccess.set(new ServerAccess.Spawning() {
      @Override
      public JavaCommand command(AbstractServer server, Consumer<JavaCommand.Builder> defaults) {
        synchronized (server.lock) {
          Consumer<JavaCommand.Builder> own = server.commandCustomizer;
          return server.command(own == null ? defaults : defaults.andThen(own));
        }
      }

      @Override
      public void beforeFork(AbstractServer server) {
        server.runBeforeFork();
      }

      @Override
      public boolean servesConnections(AbstractServer server) {
        return server.connectionFactory != null;
      }
    });
  }

  /** Defines the handlers of this class's {@link OnMessage} methods. */
  protected AbstractServer() {
    dispatcher = new Dispatcher(getClass().getName());
    // A worker pool's requests and heartbeats (no message of the application's can have these
    // names); a worker started alone never sees them.
    dispatcher.defineReserved(PoolProtocol.CALL,
        args -> client().requests().call(args, dispatcher, client()));
    dispatcher.defineReserved(PoolProtocol.BEAT, args -> client().requests().beat(args,
        loop.reactorIfReady()));
    dispatcher.defineReserved(PoolProtocol.DRAIN, args -> {
      draining = true;
      drainConnections();
    });
    dispatcher.defineReserved(PoolProtocol.CONN, (args, fds) -> client().requests()
        .handedOver(args, fds, reactor(), connectionFactory));
    AnnotatedHandlers.define(this, AbstractServer.class, dispatcher);
  }

  /**
   * Handles message {@code name}: the handler gets the message's arguments (the elements after
   * the name). Call in the constructor.
   *
   * @throws IllegalArgumentException if {@code name} is empty or already has a handler
   */
  protected final void defineMessageHandler(String name, MessageHandler handler) {
    dispatcher.define(name, handler);
  }

  /** Handles message {@code name} and the fds that ride on it; see {@link FdMessageHandler}. */
  protected final void defineFdMessageHandler(String name, FdMessageHandler handler) {
    dispatcher.defineWithFds(name, handler);
  }

  /**
   * Handles message {@code [name]} followed by one scalar holding a {@code T} (sent with
   * {@code server().write(name); server().writeProto(payload)}); see {@link ProtoHandler}.
   */
  protected final <T> void defineProtoHandler(String name, Parser<T> parser,
      ProtoHandler<T> handler) {
    dispatcher.defineProto(name, parser, handler);
  }

  /**
   * Runs {@code handler} on the worker's reactor thread when the worker gets {@code signal}
   * (one of HUP, INT, TERM, USR1, USR2, ALRM, WINCH, CONT, TSTP, TTIN, TTOU, URG, CHLD, with or
   * without "SIG"; the JVM reserves the others). A TERM, INT or HUP handler
   * replaces the JVM's exit on that signal. For USR2, {@link #start()} moves HotSpot's own use of
   * USR2 to signal 40 ({@code _JAVA_SR_SIGNUM=40}); a worker run otherwise refuses to install it.
   * Without a HUP handler a child worker ignores SIGHUP.
   *
   * @throws IllegalArgumentException if the JVM reserves the signal, or it has a handler already
   */
  protected final void defineSignalHandler(String signal, Runnable handler) {
    Objects.requireNonNull(handler, "handler");
    String name = SignalHandlers.canonical(signal);
    if (signalHandlers.putIfAbsent(name, handler) != null) {
      throw new IllegalArgumentException(
          "signal : " + signal + " (expected: a signal without a handler; it has one already)");
    }
  }

  /** Supervisor side, in {@link #start()}, before the worker is spawned. Default: nothing. */
  protected void beforeFork() throws Exception { }

  /**
   * Worker side, on the reactor thread before the first message is dispatched. If it throws, no
   * message is dispatched, {@link #finalizeServer()} is skipped and {@link #startSynchronously}
   * throws (a child worker then exits with status 1). Default: nothing.
   */
  protected void initializeServer() throws Exception { }

  /**
   * Worker side, once the main loop ended (no further message is dispatched), on the reactor
   * thread before the reactor stops: {@link #client()} is still open and what it writes is sent
   * before the channel closes (unless the supervisor closed it: then it is dropped); the reactor's
   * other connections close after. Default: nothing.
   */
  protected void finalizeServer() throws Exception { }

  /**
   * Serves the connections a worker pool hands to this worker (accepted by the pool's listener,
   * passed as fds): each becomes a connection of the worker's reactor made by {@code factory}, on
   * the reactor thread. Call in the constructor.
   */
  protected final void serveConnections(Supplier<? extends Connection> factory) {
    this.connectionFactory = Objects.requireNonNull(factory, "factory");
  }

  /**
   * Worker side, under a pool: called on the reactor thread once the pool drains this worker (it
   * stops, is recycled or restarted): no new request or connection comes, and the pool stops the
   * worker once it has no request in flight and serves no connection (or at the pool's drain
   * timeout). Close idle connections here, and let busy ones close once their current exchange
   * is done (an HTTP server answers it with {@code Connection: close}). Default: nothing.
   */
  protected void drainConnections() throws Exception { }

  /**
   * Worker side, under a pool: hands {@code connection} (one the pool handed to this worker) back
   * to the pool, with {@code unhandled} (bytes it read and did not handle, at most 32 KiB), for
   * another worker to serve; its client keeps the connection. Meant for
   * {@link #drainConnections()}: an idle keep-alive connection moves instead of closing. Reactor
   * thread.
   *
   * @throws IllegalStateException if the connection cannot leave the reactor now (data still
   *     queued to write: hand it back once written, see {@link Connection#write(Runnable)})
   * @throws IllegalArgumentException if {@code unhandled} is above 32 KiB
   */
  protected final void handBack(Connection connection, java.nio.ByteBuffer unhandled) {
    client().requests().handBack(connection, unhandled);
  }

  /** Whether the pool has drained this worker ({@link #drainConnections()} was called). */
  protected final boolean isDraining() {
    return draining;
  }

  /**
   * Customizes the worker's command line; the builder arrives with main class {@link ChildMain}
   * and this class's name as first argument, so {@code b.args(...)} adds worker arguments.
   */
  public final AbstractServer configureCommand(Consumer<JavaCommand.Builder> customizer) {
    synchronized (lock) {
      this.commandCustomizer = Objects.requireNonNull(customizer, "customizer");
    }
    return this;
  }

  /**
   * Captures the worker's stdout and stderr line by line (each prefixed with {@code "[pid] "}) into
   * {@code sink}, called on a capture thread; null inherits this process's streams (default).
   */
  public final AbstractServer captureOutput(Consumer<String> sink) {
    synchronized (lock) {
      this.outputSink = sink;
    }
    return this;
  }

  /** Captures the worker's output into this class's SLF4J logger at INFO. */
  public final AbstractServer logOutput() {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(getClass());
    return captureOutput(line -> log.info("{}", line));
  }

  /** Sets {@link #stop()}'s waits: after closing the channel, and after SIGTERM. */
  public final AbstractServer stopTimeouts(Duration graceful, Duration afterTerm) {
    checkTimeout("graceful", graceful);
    checkTimeout("afterTerm", afterTerm);
    synchronized (lock) {
      this.gracefulTimeout = graceful;
      this.termTimeout = afterTerm;
    }
    return this;
  }

  private static void checkTimeout(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " : " + d + " (expected: >= 0)");
    }
  }

  /**
   * Spawns the worker and returns without waiting for it. See the class documentation. A worker
   * of this object that has exited on its own (its {@link #exitStatus()} is known) is reaped
   * first, as {@link #stop()} would: its channel is closed and its output drained.
   *
   * @throws ServerAlreadyStartedException if a worker of this object is running
   * @throws SpawnException if no process could be started ({@link #exitStatus()} is then
   *     {@link ExitStatus.FailedToStart})
   * @throws TetherException wrapping a checked exception of {@link #beforeFork()}
   */
  public final void start() {
    synchronized (lock) {
      if (worker != null) {
        if (worker.exitStatusNow().isEmpty()) {
          throw new ServerAlreadyStartedException(
              getClass().getName() + " is already started (pid " + worker.pid() + ")");
        }
        WorkerHandle dead = worker;
        worker = null;
        lastExitStatus = dead.stop(Duration.ZERO, Duration.ZERO); // exited: no wait, no signal
      }
      try {
        worker = WorkerHandle.spawn(getClass().getName(), command(commandCustomizer), outputSink,
            this::runBeforeFork);
      } catch (SpawnException e) {
        lastExitStatus = new ExitStatus.FailedToStart(e);
        throw e;
      }
      lastExitStatus = null;
    }
  }

  private void runBeforeFork() {
    try {
      beforeFork();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // checked: wrapped
      throw new TetherException(getClass().getName() + ".beforeFork() failed", e);
    }
  }

  private JavaCommand command(Consumer<JavaCommand.Builder> customizer) {
    return WorkerHandle.command(ChildMain.class.getName(), getClass().getName(),
        CHANNEL_FD_VARIABLE, signalHandlers.containsKey("USR2"), customizer);
  }

  /**
   * Stops the worker: closes the channel, waits for exit, escalates to SIGTERM and SIGKILL (see
   * {@link #stopTimeouts}), reaps it. Blocks up to the sum of both timeouts (plus the kernel's time
   * to kill). A worker that already died is just reaped. The server can be started again after.
   *
   * @return how the worker ended
   * @throws ServerNotStartedException if no worker is running
   * @throws TetherException if interrupted (the worker is SIGKILLed then) or the worker cannot be
   *     reaped
   */
  public final ExitStatus stop() {
    WorkerHandle stopping;
    Duration graceful;
    Duration afterTerm;
    synchronized (lock) {
      stopping = checkStarted("stop()");
      graceful = gracefulTimeout;
      afterTerm = termTimeout;
      worker = null;
    }
    ExitStatus status = stopping.stop(graceful, afterTerm);
    synchronized (lock) {
      lastExitStatus = status;
    }
    return status;
  }

  /** Whether a worker started by {@link #start()} has not been stopped yet (it may have died). */
  public final boolean isStarted() {
    synchronized (lock) {
      return worker != null;
    }
  }

  /**
   * The supervisor's channel to the worker.
   *
   * @throws ServerNotStartedException if no worker is running
   */
  public final MessageChannel server() {
    synchronized (lock) {
      return checkStarted("server()").channel();
    }
  }

  /**
   * The worker's pid.
   *
   * @throws ServerNotStartedException if no worker is running
   */
  public final int serverPid() {
    synchronized (lock) {
      return checkStarted("serverPid()").pid();
    }
  }

  /**
   * How the worker ended: the status of a started worker that has died (and been reaped), or of
   * the last stopped one, or {@link ExitStatus.FailedToStart} after a failed {@link #start()};
   * empty while the worker runs and before the first start.
   */
  public final Optional<ExitStatus> exitStatus() {
    synchronized (lock) {
      return worker != null ? worker.exitStatusNow() : Optional.ofNullable(lastExitStatus);
    }
  }

  /**
   * Waits up to {@code timeout} for the running worker to end on its own (this does not stop it).
   *
   * @return its status, or empty if it is still running
   * @throws ServerNotStartedException if no worker is running
   */
  public final Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
    WorkerHandle w;
    synchronized (lock) {
      w = checkStarted("awaitExit()");
    }
    return w.awaitExit(timeout);
  }

  /**
   * Sends {@code signal} ("TERM", "SIGUSR1", ...; any name {@code sun.misc.Signal} knows) to the
   * worker, unless it has been reaped already.
   *
   * @return false if the worker was already reaped
   * @throws ServerNotStartedException if no worker is running
   */
  public final boolean sendSignal(String signal) {
    int number = SignalHandlers.number(signal);
    synchronized (lock) {
      return checkStarted("sendSignal()").signal(number);
    }
  }

  /**
   * Writes {@code [name, args...]} to the worker and reads one reply; waits as long as that takes.
   * Meant for the typed client methods of subclasses. Thread-safe: concurrent calls are
   * serialized, each getting the reply to its own message (direct use of {@link #server()} by
   * other threads meanwhile is not covered).
   *
   * @return the reply's elements
   * @throws ErrorReplyException if the reply is an error reply (the worker goes on)
   * @throws ServerErrorException if the worker closed the channel or died meanwhile
   * @throws ProtocolErrorException at once if the reply is malformed (not a message of UTF-8
   *     strings, or with fds); the worker may be running
   * @throws ServerBrokenException if a timed-out call closed the channel before
   * @throws ServerNotStartedException if no worker is running
   */
  public final List<String> call(String name, String... args) {
    return worker("call()").call(null, name, args);
  }

  /**
   * {@link #call(String, String...)} that gives up after {@code timeout} (waiting for other
   * callers included). If the request was written and no reply came in time, the supervisor
   * closes the channel, since a late reply would be read as the reply to the next call: the
   * worker sees end of stream (and normally exits), and every later call throws
   * {@link ServerBrokenException} until {@link #stop()} or a {@link #start()} after the worker
   * exited.
   *
   * @throws CallTimeoutException if no reply came within {@code timeout}; it names the message,
   *     the timeout and the pid, and tells whether the channel was closed
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public final List<String> call(Duration timeout, String name, String... args) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout : " + timeout + " (expected: > 0)");
    }
    return worker("call()").call(timeout, name, args);
  }

  private WorkerHandle worker(String operation) {
    synchronized (lock) {
      return checkStarted(operation);
    }
  }

  private WorkerHandle checkStarted(String operation) {
    if (worker == null) {
      throw new ServerNotStartedException(operation + " on " + getClass().getName()
          + " (expected: a started server; call start() first)");
    }
    return worker;
  }

  /**
   * Runs the worker side in the calling thread until {@code channel} reaches end of stream or
   * {@link #quitMain()} is called; see the class documentation. Takes ownership of
   * {@code channel} (which must not have been read from: its reactor reads a duplicate of its fd)
   * and closes it before returning or throwing.
   *
   * @throws ServerAlreadyStartedException if this object is already serving a channel
   * @throws TetherException if {@link #initializeServer()} or {@link #finalizeServer()} failed, a
   *     signal handler could not be installed, or the channel broke (malformed stream)
   */
  public final void startSynchronously(MessageChannel channel) {
    Objects.requireNonNull(channel, "channel");
    try {
      int fd = Io.duplicateCloexec(channel.fd(), 0);
      WorkerBootstrap boot;
      try {
        boot = WorkerBootstrap.of(fd, REACTOR_NAME);
      } catch (RuntimeException | Error e) {
        Io.close(fd);
        throw e;
      }
      serve(boot);
    } finally {
      channel.close();
    }
  }

  /**
   * Runs the worker side over {@code boot}, which it owns from the call on (closed before this
   * returns or throws): {@link ChildMain}'s way in.
   */
  final void serve(WorkerBootstrap boot) {
    WorkerLoop serving;
    try {
      WorkerChannel channel = new WorkerChannel(boot);
      serving = new WorkerLoop(getClass().getName(), boot, channel, dispatcher, signalHandlers,
          this::initializeServer, this::finalizeServer);
      synchronized (lock) {
        if (loop != null) {
          throw new ServerAlreadyStartedException(
              getClass().getName() + " is already serving " + client + " in this process");
        }
        client = channel;
        loop = serving;
      }
    } catch (RuntimeException | Error e) {
      boot.close(); // ours from the call on, also when refused
      throw e;
    }
    TetherException failure;
    try {
      failure = serving.run(); // closes boot
    } finally {
      synchronized (lock) {
        client = null;
        loop = null;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Ends the worker's main loop after the current callback: no further message is dispatched,
   * {@link #finalizeServer()} runs and {@link #startSynchronously} returns. Any thread.
   */
  public final void quitMain() {
    WorkerLoop l = loop;
    if (l != null) {
      l.quit();
    }
  }

  /**
   * The worker's channel to the supervisor, for replies and messages of its own; it never blocks
   * (see {@link WorkerChannel}). Valid inside the worker's main loop and in
   * {@link #finalizeServer()}, on the reactor thread.
   *
   * @throws ServerNotStartedException outside the worker's main loop
   */
  protected final WorkerChannel client() {
    WorkerChannel c = client;
    if (c == null) {
      throw new ServerNotStartedException("client() of " + getClass().getName()
          + " (expected: inside the worker's main loop)");
    }
    return c;
  }

  /**
   * The worker's reactor (timers, defer, connections); valid inside the worker's main loop.
   *
   * @throws ServerNotStartedException outside the worker's main loop
   */
  protected final Reactor reactor() {
    WorkerLoop l = loop;
    if (l == null) {
      throw new ServerNotStartedException("reactor() of " + getClass().getName()
          + " (expected: inside the worker's main loop)");
    }
    return l.reactor(); // in a child's start-up: waits for it, and on the main thread enters it
  }

  /** The worker's program arguments after the class name (empty outside a child worker). */
  protected final List<String> arguments() {
    return arguments;
  }

  final void arguments(List<String> args) {
    this.arguments = List.copyOf(args);
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return getClass().getSimpleName() + (worker != null ? "[pid " + worker.pid() + "]"
          : client != null ? "[worker]" : "[not started]");
    }
  }
}
