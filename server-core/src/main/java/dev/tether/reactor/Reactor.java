package dev.tether.reactor;

import dev.tether.reactor.internal.ReactorAccess;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.EpollPoller;
import dev.tether.unix.internal.Poller;
import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An EventMachine-class event loop: one thread serves timers, tasks, listening sockets,
 * connections and watched fds, without blocking. See the package documentation for the design.
 *
 * <p><b>Threading contract.</b> {@link #run} makes the calling thread the reactor thread until
 * {@link #stop()} takes effect. Only {@link #schedule}, {@link #nextTick}, {@link #stop()}, {@link
 * #defer} (and the read-only {@link #isRunning()}, {@link #inReactorThread()}, {@link
 * #defersFinished()}) may be called from other threads. Every other method, here and on {@link
 * Connection}, {@link Watcher}, {@link Timer} and {@link Server}, must run on the reactor thread
 * and
 * throws {@link ReactorException} elsewhere; configuration setters may also be called before
 * {@code run}.
 *
 * <p><b>Resources.</b> A reactor holds no fd or thread until {@code run}; when {@code run}
 * returns, every connection is closed (each got its {@link Connection#unbind()}), every server
 * closed, every watcher detached, shutdown hooks ran in reverse order of registration, and the
 * poll fd, the wake-up fd and the defer threads are gone. A reactor can run again afterwards.
 */
public final class Reactor {
  private static final int MAX_EVENTS = 1024;

  static {
    ReactorAccess.setEntry(Reactor::enter);
  }

  private final String name;
  private final Callbacks callbacks = new Callbacks();
  private final Timers timers = new Timers();
  private final TaskQueue tasks = new TaskQueue();
  private final List<Runnable> shutdownHooks = new ArrayList<>();
  private final Deferrer deferrer;
  private final HandleTable table;
  private final Connector connector;
  private final Heartbeat heartbeat = new Heartbeat(this);
  private final FileWatches fileWatches = new FileWatches(this);
  private volatile Thread thread;
  private volatile boolean running;
  private volatile boolean stopRequested;
  private int wakeFd = -1;
  private LoopIo io;
  private int connectionCount;
  private BooleanSupplier postLoop;
  private long lowWatermark = 64 * 1024;
  private long highWatermark = 256 * 1024;
  private long pendingConnectNanos = Duration.ofSeconds(20).toNanos();

  /** A reactor named "reactor". */
  public Reactor() {
    this("reactor");
  }

  /** A reactor whose defer threads are named {@code <name>-defer-N}. */
  public Reactor(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.deferrer = new Deferrer(this, callbacks, name);
    this.table = new HandleTable(name);
    this.connector = new Connector(this, table);
  }

  /**
   * Runs the loop on the calling thread until {@link #stop()}; {@code init} runs first, inside the
   * loop. Returns after every resource is released (see the class documentation).
   *
   * @throws ReactorException if the reactor is already running or the poller cannot be made
   */
  public void run(Runnable init) {
    Objects.requireNonNull(init, "init");
    if (!(running && inReactorThread())) {
      enter();
    }
    try {
      callbacks.invoke(Callbacks.INIT, init, null);
      loop();
    } finally {
      release();
    }
  }

  /**
   * The first half of {@link #run}: makes the calling thread the reactor thread and acquires the
   * poll fd, the wake-up fd and the defer pool, so that this thread may use the reactor before
   * its loop turns (a worker's start-up, through {@link ReactorAccess}). {@code run} on the same
   * thread must follow; it releases them, and its loop goes on from there.
   *
   * @throws ReactorException if the reactor is already running or the poller cannot be made
   */
  void enter() {
    synchronized (this) {
      if (running) {
        throw new ReactorException("reactor " + name + " is already running on thread "
            + thread.getName());
      }
      running = true;
      stopRequested = false;
      thread = Thread.currentThread();
    }
    deferrer.open();
    try {
      open();
    } catch (RuntimeException | Error e) {
      release();
      throw e;
    }
  }

  /**
   * Loads the native binding (jnr-ffi) that {@link #run} needs, if not loaded yet. Any thread.
   * Called early on another thread, it overlaps its cost (tens of ms) with other start-up work.
   *
   * @throws ReactorException if the binding cannot be loaded (not Linux, no jnr-ffi library)
   */
  public static void loadNative() {
    try {
      EpollPoller.load();
    } catch (LinkageError e) { // ExceptionInInitializerError, or NoClassDefFoundError after one
      throw new ReactorException("cannot load the reactor's native binding", e);
    }
  }

  /** Ends the loop after the current turn. Any thread; does nothing if not running. */
  public void stop() {
    stopRequested = true;
    if (!inReactorThread()) {
      tasks.wakeUp();
    }
  }

  /** Whether {@link #run} is in progress. Any thread. */
  public boolean isRunning() {
    return running;
  }

  /** Whether the calling thread is this reactor's thread. Any thread. */
  public boolean inReactorThread() {
    return Thread.currentThread() == thread;
  }

  /** Registers {@code hook} to run when the reactor stops, after connections are closed. */
  public void addShutdownHook(Runnable hook) {
    checkLoop();
    shutdownHooks.add(Objects.requireNonNull(hook, "hook"));
  }

  /** Sets a callback run at the end of every turn; the loop stops when it returns false. */
  public void setPostLoop(BooleanSupplier keepRunning) {
    checkConfigurable();
    postLoop = keepRunning;
  }

  private void open() {
    table.open(new EpollPoller(MAX_EVENTS));
    io = new LoopIo();
    Handle wake = tasks.open();
    wakeFd = wake.fd;
    table.register(wake, Poller.READ);
  }

  private void loop() {
    while (!stopRequested) {
      tasks.rearm();
      Poller poller = table.poller();
      int n = poller.poll(stopRequested || !tasks.isEmpty() ? 0 : timers.pollTimeout());
      for (int i = 0; i < n; i++) {
        table.dispatch(poller.token(i), poller.events(i));
      }
      timers.runDue(callbacks);
      tasks.run(callbacks);
      BooleanSupplier hook = postLoop;
      if (hook != null && !callbacks.keepRunning(hook)) {
        stopRequested = true;
      }
    }
  }

  private void release() {
    try {
      table.shutdownAll(wakeFd);
      for (int i = shutdownHooks.size() - 1; i >= 0; i--) {
        callbacks.invoke(Callbacks.SHUTDOWN_HOOK, shutdownHooks.get(i), null);
      }
      table.shutdownAll(wakeFd); // anything a hook or an unbind opened
    } finally {
      shutdownHooks.clear();
      heartbeat.reset();
      timers.clear();
      deferrer.close();
      tasks.close();
      table.close();
      wakeFd = -1;
      connectionCount = 0;
      io = null;
      thread = null;
      running = false;
    }
  }

  /** Runs {@code task} once on the reactor thread, at or after {@code delay} from now. */
  public Timer addTimer(Duration delay, Runnable task) {
    checkLoop();
    long nanos = Timers.nonNegativeNanos("delay", delay);
    return timers.add(this, Objects.requireNonNull(task, "task"), nanos, 0);
  }

  /** Runs {@code task} every {@code interval} (first after one interval) until cancelled. */
  public Timer addPeriodicTimer(Duration interval, Runnable task) {
    checkLoop();
    long nanos = Timers.positiveNanos("interval", interval);
    return timers.add(this, Objects.requireNonNull(task, "task"), nanos, nanos);
  }

  /** Number of scheduled timers, the reactor's own included (heartbeat, connect timeouts). */
  public int pendingTimers() {
    checkLoop();
    return timers.size();
  }

  /**
   * Runs {@code task} on the reactor thread at the end of the current turn (from the reactor
   * thread) or of the next one (from another thread, waking the loop). Any thread. Tasks queued
   * while the reactor is not running run in its next {@link #run}; those left when it stops are
   * dropped.
   */
  public void nextTick(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (inReactorThread()) {
      tasks.addLocal(task);
    } else {
      tasks.addRemote(task);
    }
  }

  /** Runs {@code task} now if called on the reactor thread, else as {@link #nextTick}. */
  public void schedule(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (inReactorThread()) {
      callbacks.invoke(Callbacks.TASK, task, null);
    } else {
      tasks.addRemote(task);
    }
  }

  /**
   * Runs {@code operation} on the defer pool, then {@code callback} with its result on the
   * reactor thread; if it throws, {@code errback} gets the exception there (or, if null, the
   * error handler). Any thread. Results arriving after the reactor stopped are dropped.
   */
  public <T> void defer(Callable<T> operation, Consumer<? super T> callback,
      Consumer<? super Throwable> errback) {
    Objects.requireNonNull(operation, "operation");
    deferrer.defer(operation, callback, errback);
  }

  /** {@link #defer(Callable, Consumer, Consumer)} without an errback. */
  public <T> void defer(Callable<T> operation, Consumer<? super T> callback) {
    defer(operation, callback, null);
  }

  /** Whether every deferred operation has finished and its callback has run. Any thread. */
  public boolean defersFinished() {
    return deferrer.finished();
  }

  /** Sets the defer pool's thread count (default 20, as in EventMachine). */
  public void setThreadPoolSize(int size) {
    deferrer.pool.setSize(size);
  }

  /**
   * Listens on TCP {@code host:port} (port 0: any free port; see {@link Server#localAddress()});
   * each accepted connection gets a new {@link Connection} from {@code factory}. {@code host} is
   * resolved on the reactor thread: pass a literal address to avoid a blocking lookup.
   *
   * <p>A connection that cannot be set up (the factory throws or returns null, registering it
   * fails) is closed and its error goes to the {@link ErrorHandler}; when accepting fails for want
   * of fds or memory (EMFILE, ENFILE), the error is logged and the server stops polling for 100
   * ms while the connection waits in the backlog. Neither closes the server.
   */
  public Server startServer(String host, int port, Supplier<? extends Connection> factory) {
    checkLoop();
    Objects.requireNonNull(factory, "factory");
    return connector.listenTcp(host, port, factory);
  }

  /** Listens on a Unix socket at {@code path}, which must not exist; removed by stopServer. */
  public Server startUnixServer(Path path, Supplier<? extends Connection> factory) {
    checkLoop();
    Objects.requireNonNull(factory, "factory");
    return connector.listenUnix(path, factory);
  }

  /** Stops accepting on {@code server} and closes its socket; open connections stay. */
  public void stopServer(Server server) {
    checkLoop();
    server.listener.close();
  }

  /**
   * Connects to {@code host:port}; {@code connection} gets postInit at once, then
   * connectionCompleted, or unbind with a {@link Connection#closeReason()} if the connect fails
   * or does not complete in the pending-connect timeout.
   */
  public <C extends Connection> C connect(String host, int port, C connection) {
    return connect(new InetSocketAddress(host, port), connection);
  }

  /** Connects to a Unix socket at {@code path}; see {@link #connect(String, int, Connection)}. */
  public <C extends Connection> C connectUnix(Path path, C connection) {
    return connect(UnixDomainSocketAddress.of(path), connection);
  }

  /**
   * Connects to an {@code InetSocketAddress} or {@code UnixDomainSocketAddress}.
   *
   * @throws NativeCallException if the connect fails at once (e.g. no such Unix socket)
   */
  public <C extends Connection> C connect(SocketAddress target, C connection) {
    checkLoop();
    Objects.requireNonNull(connection, "connection");
    connector.connect(target, connection, pendingConnectNanos);
    return connection;
  }

  /** Sets how long an outgoing connect may take (default 20 s, as in EventMachine). */
  public void setPendingConnectTimeout(Duration timeout) {
    checkConfigurable();
    pendingConnectNanos = Timers.positiveNanos("pendingConnectTimeout", timeout);
  }

  /**
   * Serves a connected stream fd received from elsewhere (a TCP socket handed over by the
   * supervisor is the main case). <b>Takes ownership</b>: from this call on the reactor closes
   * the fd (when the connection closes, or right here if attaching fails); the caller must not
   * close it, nor let a stream or channel that wraps {@code fd} close it. The fd is made
   * non-blocking and close-on-exec.
   */
  public <C extends Connection> C attach(FileDescriptor fd, C connection) {
    return attach(Connector.fdNumber(fd), connection);
  }

  /** {@link #attach(FileDescriptor, Connection)} for a raw fd number. */
  public <C extends Connection> C attach(int fd, C connection) {
    checkLoop();
    connector.attach(fd, connection);
    return connection;
  }

  /**
   * {@link #attach(int, Connection)}, then {@code alreadyRead} (bytes another process read from
   * the fd and did not handle, such as a worker that handed the connection back) delivered to
   * {@link Connection#receiveData} before anything the socket still holds. Takes ownership of
   * {@code fd} as {@code attach} does.
   */
  public <C extends Connection> C attach(int fd, C connection, ByteBuffer alreadyRead) {
    attach(fd, connection);
    if (alreadyRead.hasRemaining() && connection.isOpen()) {
      connection.endpoint.deliver(alreadyRead);
    }
    return connection;
  }

  /**
   * Watches an fd the application keeps owning: {@code watcher} gets readiness callbacks as
   * chosen with {@link Watcher#setNotifyReadable}; {@link Watcher#detach()} leaves the fd open.
   */
  public <W extends Watcher> W watch(FileDescriptor fd, W watcher) {
    return watch(Connector.fdNumber(fd), watcher);
  }

  /** {@link #watch(FileDescriptor, Watcher)} for a raw fd number. */
  public <W extends Watcher> W watch(int fd, W watcher) {
    checkLoop();
    table.register(new WatchHandle(this, Objects.requireNonNull(watcher, "watcher"), fd), 0);
    return watcher;
  }

  /**
   * Relays every byte {@code from} receives to {@code to} inside the loop, without calling {@code
   * from.receiveData} (EventMachine's enable_proxy). {@code from} reads only while {@code to} is
   * below its high watermark. The relay stops when either closes ({@code from} gets {@link
   * Connection#proxyTargetUnbound()} if {@code to} closed first) or on {@link #stopProxy}.
   */
  public void proxy(Connection from, Connection to) {
    checkLoop();
    connector.proxy(from, to);
  }

  /** Ends {@code from}'s relay, if any; its data goes to receiveData again. */
  public void stopProxy(Connection from) {
    checkLoop();
    connector.stopProxy(from);
  }

  /**
   * Watches the file at {@code path} through inotify (EventMachine's {@code watch_file}):
   * {@code watcher} hears of modifications, moves and the delete (see {@link FileWatcher}) until
   * {@link FileWatcher#stopWatching()}, the delete, or {@link #stop()}. The reactor opens one
   * inotify fd on the first call, shared by all its watchers, and closes it when it stops.
   *
   * @throws dev.tether.unix.NativeCallException naming the path if it cannot be watched (ENOENT:
   *     it does not exist; ENOSPC: the user's inotify watch limit is reached)
   * @throws ReactorException if {@code watcher} watched a file before
   */
  public <W extends FileWatcher> W watchFile(Path path, W watcher) {
    checkLoop();
    fileWatches.watch(path, watcher);
    return watcher;
  }

  /** Number of open connections (accepted, connected or attached). */
  public int connectionCount() {
    checkLoop();
    return connectionCount;
  }

  /** Sets the default watermarks of new connections' outgoing queues: 0 &lt;= low &lt;= high. */
  public void setDefaultWatermarks(long low, long high) {
    checkConfigurable();
    if (low < 0 || low > high) {
      throw new IllegalArgumentException("low : " + low + ", high : " + high
          + " (expected: 0 <= low <= high)");
    }
    lowWatermark = low;
    highWatermark = high;
  }

  /** Sets how often inactivity timeouts are checked (default 2 s). */
  public void setHeartbeatInterval(Duration interval) {
    checkConfigurable();
    heartbeat.setInterval(Timers.nonNegativeNanos("heartbeatInterval", interval));
  }

  /** Sets the handler of exceptions thrown by callbacks; null logs them instead. */
  public void setErrorHandler(ErrorHandler handler) {
    checkConfigurable();
    callbacks.errorHandler = handler;
  }

  /** Turns per-callback profiling on or off (figures are kept until {@link #resetProfile()}). */
  public void setProfiling(boolean on) {
    checkConfigurable();
    callbacks.profiler.setEnabled(on);
  }

  /** Figures gathered while profiling was on. */
  public List<CallbackProfile> profile() {
    checkConfigurable();
    List<CallbackProfile> result = new ArrayList<>();
    callbacks.profiler.snapshot()
        .forEach(s -> result.add(new CallbackProfile(s.name(), s.calls(), s.cpuNanos())));
    return result;
  }

  /** Forgets the profiling figures. */
  public void resetProfile() {
    checkConfigurable();
    callbacks.profiler.reset();
  }

  @Override
  public String toString() {
    return "Reactor[" + name + (running ? ", running" : "") + "]";
  }

  void checkLoop() {
    if (Thread.currentThread() != thread) {
      throw new ReactorException("reactor " + name + ": called on thread "
          + Thread.currentThread().getName() + " (expected: the reactor thread"
          + (running ? " " + thread.getName() : ", but the reactor is not running") + ")");
    }
  }

  private void checkConfigurable() {
    if (running) {
      checkLoop();
    }
  }

  void reinterest(Handle h, int interest) {
    table.reinterest(h, interest);
  }

  void unregister(Handle h) {
    table.unregister(h);
  }

  void registerHandle(Handle h, int interest) {
    table.register(h, interest);
  }

  /** Serves an accepted socket {@code fd} (owned from here) with {@code connection}. */
  Endpoint adoptAccepted(int fd, Connection connection) {
    return connector.adopt(fd, connection, false, true);
  }

  void connectionOpened() {
    connectionCount++;
  }

  void connectionClosed() {
    connectionCount--;
  }

  void trackInactivity(Endpoint endpoint, boolean on) {
    heartbeat.track(endpoint, on);
  }

  Callbacks callbacks() {
    return callbacks;
  }

  Timers timers() {
    return timers;
  }

  LoopIo io() {
    return io;
  }

  long defaultLowWatermark() {
    return lowWatermark;
  }

  long defaultHighWatermark() {
    return highWatermark;
  }
}
