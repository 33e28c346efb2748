package dev.tether.reactor;

import dev.tether.reactor.internal.ReactorAccess;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.EpollPoller;
import dev.tether.unix.internal.Limits;
import dev.tether.unix.internal.Poller;
import dev.tether.unix.internal.Users;
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
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An EventMachine-class event loop: one thread serves timers, tasks, listening sockets,
 * connections and watched fds, without blocking. See the package documentation for the design.
 *
 * <p><b>Threading contract.</b> {@link #run} (or the first {@link #runOnce}) makes the calling
 * thread the reactor thread until {@link #stop()} takes effect. Only {@link #schedule}, {@link
 * #nextTick}, {@link #stop()}, {@link #defer} (and the read-only {@link #isRunning()}, {@link
 * #inReactorThread()}, {@link #reactorThread()}, {@link #threadPoolSize()}, {@link
 * #defersFinished()}, and the static, process-wide settings) may be called from other threads.
 * Every other method, here and on {@link Connection}, {@link Watcher}, {@link Timer} and {@link
 * Server}, must run on the reactor thread and throws {@link ReactorException} elsewhere;
 * configuration setters and getters may also be called before {@code run}.
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
  /** The time stamp of traffic in this turn (Connection.idleTime), read at its first use. */
  private long turnNanos;
  private boolean turnStamped;
  private long loopTimeoutNanos = -1;
  /** Inside run() or a runOnce() turn: a nested runOnce would re-enter the loop. */
  private boolean turning;

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
    checkNotTurning("run");
    turning = true;
    try {
      callbacks.invoke(Callbacks.INIT, init, null);
      loop();
    } finally {
      release();
    }
  }

  /**
   * One turn of the loop that never blocks, for an application that drives the reactor from a
   * loop of its own (libev's {@code EVRUN_NOWAIT}). The first call makes the calling thread the
   * reactor thread and acquires the poll fd, the wake-up fd and the defer pool, which stay held
   * between calls, so the reactor's API may be used on this thread from then on. A turn polls
   * with a timeout of 0, handles the fds that are ready, fires due timers, runs the tasks queued
   * before it and the post-loop callback. Once a stop is requested ({@link #stop()}, or the
   * post-loop callback returned false) the call releases everything as {@link #run} does on its
   * way out and returns false; a later call starts afresh. {@code run} on the same thread may
   * follow instead, and goes on with the same resources.
   *
   * @return whether the reactor is still running (false: it stopped and released everything)
   * @throws ReactorException if the reactor runs on another thread, or if called from inside one
   *     of its callbacks (the loop cannot be re-entered)
   */
  public boolean runOnce() {
    if (!(running && inReactorThread())) {
      enter();
    }
    checkNotTurning("runOnce");
    boolean done = true;
    turning = true;
    try {
      if (!stopRequested) {
        turn(false);
      }
      done = stopRequested;
    } finally {
      turning = false;
      if (done) {
        release();
      }
    }
    return !done;
  }

  /**
   * Runs {@code block} inside the loop, then one turn that does not block (so the tasks it queued
   * with {@link #nextTick}, fds already ready and due timers are served), then stops and releases
   * everything as {@link #run} does (EventMachine's {@code run_block}). Returns when all that is
   * done; an exception from {@code block} goes to the error handler and the reactor still stops.
   *
   * @throws ReactorException as {@link #run}
   */
  public void runBlock(Runnable block) {
    Objects.requireNonNull(block, "block");
    run(() -> {
      try {
        block.run();
      } finally {
        nextTick(this::stop);
      }
    });
  }

  private void checkNotTurning(String what) {
    if (turning) {
      throw new ReactorException(what + "() on reactor " + name + " from inside its own loop"
          + " (expected: from the thread that drives the reactor, outside its callbacks)");
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
    turnStamped = false;
    Handle wake = tasks.open();
    wakeFd = wake.fd;
    table.register(wake, Poller.READ);
  }

  private void loop() {
    while (!stopRequested) {
      turn(true);
    }
  }

  private void turn(boolean mayBlock) {
    tasks.rearm();
    Poller poller = table.poller();
    int n = poller.poll(!mayBlock || stopRequested || !tasks.isEmpty() ? 0 : pollTimeout());
    turnStamped = false;
    for (int i = 0; i < n; i++) {
      table.dispatch(poller.token(i), poller.events(i));
    }
    timers.runDue(callbacks);
    tasks.run(callbacks);
    BooleanSupplier hook = postLoop;
    if (hook != null && !callbacks.test(Callbacks.POST_LOOP, hook, null, true)) {
      stopRequested = true;
    }
  }

  /** Until the earliest timer, but no longer than the loop timeout (both rounded up to ms). */
  private int pollTimeout() {
    int timeout = timers.pollTimeout();
    if (loopTimeoutNanos < 0) {
      return timeout;
    }
    int limit = (int) Math.min((loopTimeoutNanos + 999_999) / 1_000_000, Integer.MAX_VALUE);
    return timeout < 0 ? limit : Math.min(timeout, limit);
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
      turning = false;
      thread = null;
      running = false;
    }
  }

  /**
   * Runs {@code task} once on the reactor thread, at or after {@code delay} from now.
   *
   * @throws TooManyTimersException if {@link #maxTimers()} timers are pending already
   */
  public Timer addTimer(Duration delay, Runnable task) {
    checkLoop();
    long nanos = Timers.nonNegativeNanos("delay", delay);
    return timers.addCapped(this, Objects.requireNonNull(task, "task"), nanos, 0);
  }

  /**
   * Runs {@code task} every {@code interval} (first after one interval) until cancelled; the
   * interval can be changed later ({@link Timer#setInterval}).
   *
   * @throws TooManyTimersException if {@link #maxTimers()} timers are pending already
   */
  public Timer addPeriodicTimer(Duration interval, Runnable task) {
    checkLoop();
    long nanos = Timers.positiveNanos("interval", interval);
    return timers.addCapped(this, Objects.requireNonNull(task, "task"), nanos, nanos);
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

  // Process settings, loop extras, the descriptor map, name resolution, evented servers.

  /** The defer pool's thread count ({@link #setThreadPoolSize}). Any thread. */
  public int threadPoolSize() {
    return deferrer.pool.size();
  }

  /** The thread running the loop, or null while the reactor is not running. Any thread. */
  public Thread reactorThread() {
    return thread;
  }

  /** How often inactivity timeouts are checked ({@link #setHeartbeatInterval}; default 2 s). */
  public Duration heartbeatInterval() {
    checkConfigurable();
    return Duration.ofNanos(heartbeat.interval());
  }

  /** How long an outgoing connect may take ({@link #setPendingConnectTimeout}; default 20 s). */
  public Duration pendingConnectTimeout() {
    checkConfigurable();
    return Duration.ofNanos(pendingConnectNanos);
  }

  /**
   * Caps the number of pending timers (EventMachine's {@code set_max_timers}; default 100,000), a
   * guard against input that makes the application start a timer per request: {@link #addTimer}
   * and {@link #addPeriodicTimer} throw {@link TooManyTimersException} while {@link
   * #pendingTimers()} is at the cap. The reactor's own timers (heartbeat, connect timeouts,
   * accept back-off) count toward it but are never refused, since refusing them would break a
   * connection or the loop rather than the request that caused the load. Lowering the cap below
   * the current count cancels nothing.
   *
   * @throws IllegalArgumentException if {@code max} is not positive
   */
  public void setMaxTimers(int max) {
    checkConfigurable();
    timers.setMax(max);
  }

  /** The cap on pending timers ({@link #setMaxTimers}). */
  public int maxTimers() {
    checkConfigurable();
    return timers.max();
  }

  /**
   * Sets the longest one turn of the loop may block in its poll (Danga::Socket's {@code
   * SetLoopTimeout}), or removes the limit with null (the default: an idle reactor sleeps until
   * an fd, a timer or a task needs it). A turn that ends by this timeout ends as any other: due
   * timers, tasks, then the post-loop callback ({@link #setPostLoop}), which therefore runs at
   * least once per timeout and may end the loop, as in Danga::Socket; the loop itself goes on.
   * {@link Duration#ZERO} makes every turn poll without blocking (a busy loop).
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public void setLoopTimeout(Duration timeout) {
    checkConfigurable();
    loopTimeoutNanos = timeout == null ? -1 : Timers.nonNegativeNanos("loopTimeout", timeout);
  }

  /** The loop timeout ({@link #setLoopTimeout}), null if none. */
  public Duration loopTimeout() {
    checkConfigurable();
    return loopTimeoutNanos < 0 ? null : Duration.ofNanos(loopTimeoutNanos);
  }

  /**
   * A snapshot of every fd the reactor serves, by number (Danga::Socket's {@code DescriptorMap}):
   * connections ({@code "connection <class> <state> <peer>"}), listening sockets ({@code
   * "listener <address>"}), watched fds ({@code "watcher <class>"}), the wake-up eventfd and the
   * epoll fd. Immutable, sorted by fd; later changes do not show in it.
   */
  public SortedMap<Integer, String> descriptors() {
    checkLoop();
    return table.describeAll();
  }

  /**
   * Sets how {@link #connect(String, int, Connection)} resolves host names that are not literal
   * addresses; the default is {@link NameResolver#SYSTEM} ({@code InetAddress.getAllByName}).
   * The resolver runs on the defer pool, never on the reactor thread.
   */
  public void setNameResolver(NameResolver resolver) {
    checkConfigurable();
    connector.setResolver(Objects.requireNonNull(resolver, "resolver"));
  }

  /**
   * Listens on TCP {@code host:port} serving each accepted connection with an {@link
   * EventedConnection}, for applications that prefer listeners to subclassing: register {@link
   * Server#onAccept} listeners, which get each new connection before any of its data. See {@link
   * #startServer(String, int, Supplier)} for the rest.
   */
  public Server startServer(String host, int port) {
    checkLoop();
    EventedServer evented = new EventedServer();
    Server server = connector.listenTcp(host, port, evented::newConnection);
    server.evented = evented;
    return server;
  }

  /** {@link #startServer(String, int)} on a Unix socket at {@code path}, which must not exist. */
  public Server startUnixServer(Path path) {
    checkLoop();
    EventedServer evented = new EventedServer();
    Server server = connector.listenUnix(path, evented::newConnection);
    server.evented = evented;
    return server;
  }

  /**
   * The soft limit on this process's open fds ({@code RLIMIT_NOFILE}), which bounds how many
   * connections every reactor of the process together can hold. Process-wide; any thread.
   */
  public static int descriptorTableSize() {
    return (int) Math.min(Limits.openFiles().soft(), Integer.MAX_VALUE);
  }

  /**
   * Sets the soft limit on this process's open fds (EventMachine's {@code
   * set_descriptor_table_size}), up to the hard limit, which only a privileged process can raise;
   * lowering it below fds already open closes nothing. Process-wide, and inherited by processes
   * started afterwards; any thread.
   *
   * @return the new limit, as read back
   * @throws IllegalArgumentException if {@code size} is below 1 or above the hard limit (the
   *     message names both)
   * @throws dev.tether.unix.NativeCallException if {@code setrlimit} refuses
   */
  public static int setDescriptorTableSize(int size) {
    Limits.setOpenFilesSoft(size);
    return descriptorTableSize();
  }

  /**
   * Makes the whole process run as user {@code name} (EventMachine's {@code set_effective_user}),
   * typically after binding ports below 1024 as root: looks the user up ({@code getpwnam_r}),
   * sets its supplementary groups ({@code initgroups}, so no group of root's is kept), then
   * {@code setgid} and {@code setuid} to the user's ids, and checks that the real and effective
   * ids are the user's. There is no way back. Fds already open (listening sockets) stay open.
   * Process-wide: every thread, every reactor; any thread.
   *
   * @throws IllegalArgumentException if there is no such user
   * @throws dev.tether.unix.NativeCallException naming the call, the user and errno if a step
   *     fails (EPERM when not privileged): the process never goes on as it was without knowing
   */
  public static void setEffectiveUser(String name) {
    Objects.requireNonNull(name, "name");
    Users.Account account = Users.lookup(name);
    if (account == null) {
      throw new IllegalArgumentException("user : " + name
          + " (expected: a user in the password database)");
    }
    Users.become(account);
  }

  /**
   * Listens on TCP {@code host:port} (port 0: any free port; see {@link Server#localAddress()});
   * each accepted connection gets a new {@link Connection} from {@code factory}. {@code host} is
   * resolved on the reactor thread, unlike {@link #connect(String, int, Connection)}'s: a server
   * starts once, at set-up, and its caller wants the bound address (or the failure) at once. Pass
   * a literal address to avoid a blocking lookup.
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

  /**
   * Opens a UDP socket bound to {@code host:port} and serves it with {@code connection}
   * (EventMachine's {@code open_datagram_socket}): {@link DatagramConnection#receiveData} gets
   * each datagram. {@code host} is a literal IPv4 or IPv6 address ({@code 127.0.0.1}, {@code
   * ::1}, {@code 0.0.0.0}, {@code ::}, which on Linux also receives IPv4); names are refused,
   * since resolving one would block the loop. Port 0 picks a free port ({@link
   * DatagramConnection#localAddress()}). The reactor owns the socket from here (see {@link
   * DatagramConnection}). Returns {@code connection}, after its postInit.
   *
   * @throws IllegalArgumentException if {@code host} is not a literal address or {@code port}
   *     is not in 0..65535
   * @throws NativeCallException if the socket cannot be made or bound (EADDRINUSE, ...)
   */
  public <D extends DatagramConnection> D openDatagramSocket(String host, int port,
      D connection) {
    checkLoop();
    Objects.requireNonNull(connection, "connection");
    connector.openDatagram(LiteralAddress.of(host, port), null, connection);
    return connection;
  }

  /**
   * Opens an AF_UNIX datagram socket bound to {@code path} (which must not exist; removed when
   * the socket closes) and serves it as {@link #openDatagramSocket}. Its peers are Unix sockets
   * ({@link DatagramConnection#sendDatagram(ByteBuffer, SocketAddress)} with a {@code
   * UnixDomainSocketAddress}); a datagram from one that is not bound to a name cannot be
   * answered.
   *
   * @throws NativeCallException if the socket cannot be made or bound (EADDRINUSE: the path
   *     exists)
   */
  public <D extends DatagramConnection> D openUnixDatagramSocket(Path path, D connection) {
    checkLoop();
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(connection, "connection");
    connector.openDatagram(UnixDomainSocketAddress.of(path), path, connection);
    return connection;
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
   *
   * <p>A literal address connects at once. A host name is resolved on the defer pool by the
   * {@link NameResolver} ({@link #setNameResolver}), never on the reactor thread, and the connect
   * starts on the loop once it is known (to the first address returned); meanwhile the connection
   * queues what is sent to it as while connecting. A name that does not resolve reaches unbind
   * with an {@link java.net.UnknownHostException} as closeReason. The pending-connect timeout
   * counts from this call and covers the resolution.
   *
   * @throws IllegalArgumentException if {@code port} is outside 0..65535
   */
  public <C extends Connection> C connect(String host, int port, C connection) {
    return connect(InetSocketAddress.createUnresolved(host, port), connection);
  }

  /** Connects to a Unix socket at {@code path}; see {@link #connect(String, int, Connection)}. */
  public <C extends Connection> C connectUnix(Path path, C connection) {
    return connect(UnixDomainSocketAddress.of(path), connection);
  }

  /**
   * Connects to an {@code InetSocketAddress} or {@code UnixDomainSocketAddress}; an unresolved
   * {@code InetSocketAddress} is resolved as in {@link #connect(String, int, Connection)}.
   *
   * @throws NativeCallException if the connect fails at once (e.g. no such Unix socket)
   */
  public <C extends Connection> C connect(SocketAddress target, C connection) {
    checkLoop();
    Objects.requireNonNull(connection, "connection");
    connector.connect(target, null, connection, pendingConnectNanos, true);
    return connection;
  }

  /**
   * Connects to {@code host:port} from the local address {@code bindHost:bindPort}
   * (EventMachine's bind_connect; port 0: any free port): the socket is bound before the connect
   * starts, so the peer sees that address. Otherwise as {@link #connect(String, int,
   * Connection)}: a name for {@code host} is resolved off the loop. {@code bindHost} must be a
   * literal address of this host (a lookup would block the loop).
   *
   * @throws IllegalArgumentException if bindHost is not a literal address or bindPort is not
   *     0..65535
   * @throws NativeCallException naming the bind address if bind(2) fails (EADDRINUSE;
   *     EADDRNOTAVAIL: not an address of this host; EINVAL: not the target's family); nothing is
   *     left open then, and {@code connection} stays unbound
   */
  public <C extends Connection> C bindConnect(String bindHost, int bindPort, String host,
      int port, C connection) {
    checkLoop();
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(connection, "connection");
    if (bindPort < 0 || bindPort > 65535) {
      throw new IllegalArgumentException("bindPort : " + bindPort + " (expected: 0..65535)");
    }
    InetSocketAddress bind = LiteralAddress.of(bindHost, bindPort);
    connector.connect(InetSocketAddress.createUnresolved(host, port), bind, connection,
        pendingConnectNanos, true);
    return connection;
  }

  /**
   * Serves a socket that already listens (EventMachine's attach_server): one inherited from a
   * parent or passed by systemd's socket activation, say. Each accepted connection gets a new
   * {@link Connection} from {@code factory}, as with {@link #startServer}.
   *
   * <p><b>Takes ownership</b>: the fd is made non-blocking and close-on-exec, and the reactor
   * closes it at {@link #stopServer} (or when it stops), or right here if a check fails.
   * EventMachine leaves a descriptor it was given to its Ruby IO object (it detaches rather than
   * closes attached fds); here one owner closes every fd the reactor serves, as {@link
   * #attach(int, Connection)} does, so a forgotten server cannot leak its socket and no second
   * owner can close a number the kernel has reused. A caller that needs the socket afterwards
   * passes a duplicate ({@code fcntl(F_DUPFD_CLOEXEC)}). A Unix socket's file is not removed at
   * stopServer (the reactor did not make it).
   *
   * @throws IllegalArgumentException if {@code fd} is not an open socket, not a stream socket, or
   *     does not listen (the message says which)
   * @throws ReactorException if {@code fd} already serves something in this reactor (then it is
   *     not closed: it is not the caller's to give)
   */
  public Server attachServer(int fd, Supplier<? extends Connection> factory) {
    checkLoop();
    return connector.attachServer(fd, factory);
  }

  /** {@link #attachServer(int, Supplier)} for a {@code FileDescriptor}; takes ownership too. */
  public Server attachServer(FileDescriptor fd, Supplier<? extends Connection> factory) {
    return attachServer(Connector.fdNumber(fd), factory);
  }

  /**
   * {@link #proxy(Connection, Connection)} for the next {@code length} bytes only (EventMachine's
   * enable_proxy with a length): once that many are relayed the relay stops, {@code from} gets
   * {@link Connection#proxyCompleted()}, and bytes read past the limit (in the same read and
   * later) go to {@code from.receiveData}, after proxyCompleted.
   *
   * @throws IllegalArgumentException if {@code length} is not positive
   */
  public void proxy(Connection from, Connection to, long length) {
    checkLoop();
    if (length <= 0) {
      throw new IllegalArgumentException("length : " + length + " (expected: > 0)");
    }
    connector.proxy(from, to);
    from.endpoint.proxyRemaining = length;
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
   * Starts {@code argv} (no shell; argv[0] looked up in PATH) as a child whose stdin and stdout
   * are {@code connection} (EventMachine's {@code EM.popen}); stderr inherited. See {@link
   * #popen(List, ProcessOptions, ProcessConnection)}.
   */
  public <C extends ProcessConnection> C popen(List<String> argv, C connection) {
    return popen(argv, ProcessOptions.defaults(), connection);
  }

  /**
   * Starts {@code argv} as a child served by {@code connection}: one AF_UNIX stream socket is its
   * stdin and stdout, stderr goes where {@code options} says. The child is spawned as workers
   * are: {@code posix_spawnp}, no shell, only fds 0-2 open in it, signal mask and dispositions
   * reset. {@code postInit} runs before this returns; {@code unbind} comes once the output ended
   * and the child is reaped (see {@link ProcessConnection}). The reactor owns every fd involved.
   *
   * @throws ProcessStartException if the child cannot be started (a missing executable or
   *     working directory, EACCES...); nothing is left open or running then
   * @throws IllegalArgumentException if argv is empty or holds null or NUL
   * @throws ReactorException off the reactor thread, or if {@code connection} is bound already
   */
  public <C extends ProcessConnection> C popen(List<String> argv, ProcessOptions options,
      C connection) {
    checkLoop();
    return ProcessStarter.popen(this, argv, options, connection);
  }

  /**
   * Runs {@code argv} with stderr merged into stdout and {@code callback} gets the output and
   * exit status on the reactor thread (EventMachine's {@code EM.system}). See {@link
   * #system(List, ProcessOptions, Consumer)}.
   */
  public void system(List<String> argv, Consumer<SystemResult> callback) {
    system(argv, ProcessOptions.defaults().withStderr(ProcessOptions.Stderr.MERGE), callback);
  }

  /**
   * Runs {@code argv} as {@link #popen} does, its stdin at end of file, and collects what it
   * writes up to {@link ProcessOptions#outputLimit()} bytes (default 16 MiB); beyond that the
   * output is read and dropped, the child runs on, and the result says {@code truncated}. Once the
   * child has been reaped, {@code callback} gets the result on the reactor thread. If something
   * outside Tether reaped the child first (a {@code waitpid(-1)}), its status is a {@link
   * ExitStatus.FailedToStart} saying so.
   *
   * @throws ProcessStartException if the child cannot be started
   * @throws IllegalArgumentException if argv is empty or holds null or NUL, or {@code options}
   *     asks for a separate stderr
   */
  public void system(List<String> argv, ProcessOptions options,
      Consumer<SystemResult> callback) {
    checkLoop();
    Objects.requireNonNull(callback, "callback");
    if (options.stderr() == ProcessOptions.Stderr.SEPARATE) {
      throw new IllegalArgumentException("options.stderr : SEPARATE (expected: MERGE or INHERIT;"
          + " system collects one stream)");
    }
    ProcessStarter.popen(this, argv, options,
        new SystemConnection(options.outputLimit(), callback));
  }

  /**
   * Tells {@code watcher} when process {@code pid} exits (EventMachine's {@code
   * EM.watch_process}), through a pidfd in the poll set: never about a later process that reuses
   * the pid. Never reaps; see {@link ProcessWatcher}.
   *
   * @throws IllegalArgumentException if {@code pid} is not positive
   * @throws dev.tether.unix.NativeCallException from pidfd_open: ESRCH if there is no such
   *     process (also one that has exited and been reaped)
   * @throws ReactorException off the reactor thread, or if {@code watcher} is attached already
   */
  public <W extends ProcessWatcher> W watchProcess(int pid, W watcher) {
    checkLoop();
    Objects.requireNonNull(watcher, "watcher");
    if (pid <= 0) {
      throw new IllegalArgumentException("pid : " + pid + " (expected: > 0)");
    }
    watcher.start(this, pid);
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

  /**
   * Turns per-callback profiling on or off (figures are kept until {@link #resetProfile()}):
   * calls, and CPU time split into user and system time ({@link CallbackProfile}).
   */
  public void setProfiling(boolean on) {
    checkConfigurable();
    callbacks.profiler.setEnabled(on);
  }

  /** Figures gathered while profiling was on. */
  public List<CallbackProfile> profile() {
    checkConfigurable();
    List<CallbackProfile> result = new ArrayList<>();
    callbacks.profiler.snapshot()
        .forEach(s -> result.add(new CallbackProfile(s.name(), s.calls(), s.cpuNanos(),
            s.userNanos(), s.systemNanos())));
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
      throw wrongThread("reactor " + name);
    }
  }

  /**
   * The check every reactor-thread-only method makes, for code built on the reactor (the
   * toolkit, protocols, an application's own objects): returns if called on this reactor's
   * thread, else throws.
   *
   * @throws ReactorException naming {@code operation} and both threads, elsewhere
   */
  public void checkInLoop(String operation) {
    if (Thread.currentThread() != thread) {
      throw wrongThread(operation);
    }
  }

  private ReactorException wrongThread(String operation) {
    return new ReactorException(operation + ": called on thread "
        + Thread.currentThread().getName() + " (expected: the reactor thread"
        + (running ? " " + thread.getName() : ", but the reactor is not running") + ")");
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

  /** Puts a handle in the poll set: a pidfd, a stderr pipe, the inotify fd. */
  void register(Handle h, int interest) {
    table.register(h, interest);
  }

  /**
   * Serves a connected socket {@code fd} (owned from here, closed on failure) with {@code
   * connection}: an accepted one, or a popen child's.
   */
  Endpoint adoptSocket(int fd, Connection connection) {
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

  Connector connector() {
    return connector;
  }

  /**
   * The time of this turn's first traffic: read from the clock at the first call in a turn, so a
   * turn without traffic reads nothing and one with many connections' traffic reads it once.
   */
  long turnNanos() {
    if (!turnStamped) {
      turnNanos = System.nanoTime();
      turnStamped = true;
    }
    return turnNanos;
  }

  long pendingConnectNanos() {
    return pendingConnectNanos;
  }

  boolean stopping() {
    return stopRequested;
  }

  long defaultLowWatermark() {
    return lowWatermark;
  }

  long defaultHighWatermark() {
    return highWatermark;
  }
}
