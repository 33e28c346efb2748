package dev.tether.supervisor;

import dev.tether.channel.codec.MessageEncoder;
import dev.tether.server.AbstractServer;
import dev.tether.server.internal.ServerAccess;
import dev.tether.supervisor.internal.PoolConfig;
import dev.tether.supervisor.internal.PoolLoop;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A pool of worker JVMs of one {@link AbstractServer} class, kept alive: workers that die are
 * replaced (per-slot backoff, an intensity limit, a repeated boot failure recognised), hung
 * workers are found by heartbeat, dumped and replaced, and requests go to the least loaded
 * worker.
 *
 * <pre>{@code
 * WorkerPool pool = WorkerPool.builder(new MyServer()).size(4).build();
 * pool.start();
 * pool.awaitState(PoolState.SERVING, Duration.ofSeconds(60));
 * List<String> reply = pool.call("hello", "Joe", "Dalton").get();
 * pool.stop();
 * }</pre>
 *
 * <p><b>Workers.</b> Each is the prototype server's class in a child JVM, started as
 * {@link AbstractServer#start()} starts one (its {@code configureCommand} and
 * {@code beforeFork} apply), with its stdout and stderr captured: each line goes to the pool's
 * output (the supervisor's stderr by default) and the last ones into the worker's
 * {@link ExitRecord}. A worker is ready once it answers its first heartbeat, that is once its
 * {@code initializeServer()} ran. Heartbeats go over the channel every second; the answer
 * carries the worker's loop lag, connections and heap. A ready worker silent for the hang timeout
 * (30 s) is hung: the pool sends SIGQUIT, keeps the thread dump the JVM prints, then SIGKILLs it.
 * A request that runs long but leaves the worker's loop free (deferred work,
 * {@code client().deferReply()}) is not a hang.
 *
 * <p><b>Requests.</b> {@link #call} sends {@code [name, args...]} to the ready worker with the
 * fewest requests in flight (then the least loop lag) and completes with the reply that carries
 * the request's id (see {@code WorkerChannel}); a reply that comes after its request timed out is
 * dropped. Above {@code maxInFlight} requests per worker, requests wait in a bounded queue; past
 * it they are rejected with {@link PoolRejectedException}.
 *
 * <p><b>Connections.</b> With {@code listen(address)} or {@code listenFd(fd)} the pool accepts
 * connections and hands each to the ready worker serving the fewest, as an fd, for the
 * prototype's {@code serveConnections} factory; the pool's copy is closed once the worker
 * acknowledges it, and a worker that ends first has its connections handed to another. A
 * draining worker may hand connections back ({@code AbstractServer.handBack}) for another worker
 * to serve: clients keep them across recycling and rolling restarts.
 *
 * <p><b>Draining.</b> A worker stopped by the pool (stop, shrink, recycling, {@link #restart()})
 * first drains: it gets no new work, is told ({@code drainConnections()}), and is stopped once it
 * has no request in flight and serves no connection, or at the drain timeout (30 s); then its
 * channel closes, then SIGTERM, then SIGKILL.
 *
 * <p><b>Threading.</b> All methods are thread-safe. The pool runs one thread of its own
 * ({@code tether-pool}) that owns every worker's channel, the listening sockets and the timers;
 * futures and the {@link PoolListener} complete and run on it, so a dependent action added without
 * an executor runs there: keep it short, and never wait on the pool from it.
 *
 * <p><b>Fds.</b> The pool owns each worker's channel (closed when the worker is stopped), its
 * output pipes, its listening sockets (inherited ones from {@link #start()} on) and its copies of
 * connections not yet acknowledged; all are closed by {@link #stop()}. A worker inherits nothing
 * but 0-2 and its channel at fd 3.
 */
public final class WorkerPool {
  private final PoolConfig config;
  private final PoolLoop loop;
  private final Path statusSocket; // null: none
  private volatile StatusServer statusServer;
  private final Object stateLock = new Object();
  private PoolState state = PoolState.NEW; // guarded by stateLock

  private WorkerPool(PoolConfig config, Path statusSocket) {
    this.config = config;
    this.statusSocket = statusSocket;
    this.loop = new PoolLoop(config, this::stateChanged);
  }

  /** A builder of a pool whose workers are {@code prototype}'s class and command line. */
  public static Builder builder(AbstractServer prototype) {
    return new Builder(prototype);
  }

  /**
   * Binds the pool's listening sockets, starts its thread and its first workers (paced) and
   * returns without waiting for them.
   *
   * @throws IllegalStateException if started already
   * @throws dev.tether.unix.NativeCallException if an address cannot be bound (nothing is left
   *     open then)
   * @throws StatusSocketException if the status socket cannot be served (the pool is stopped)
   */
  public void start() {
    loop.start();
    if (statusSocket != null) {
      try {
        statusServer = StatusServer.start(statusSocket, loop::status,
            Math.max(1, config.minSize()), StatusServer.DEFAULT_DEADLINE);
      } catch (RuntimeException e) {
        loop.stop();
        throw e;
      }
    }
  }

  /**
   * Sends {@code [name, args...]} to the least loaded worker, with the pool's default request
   * timeout.
   *
   * @return the reply; completes exceptionally with {@link dev.tether.server.ErrorReplyException}
   *     (an error reply), {@link dev.tether.server.CallTimeoutException} (no reply in time),
   *     {@link dev.tether.server.ServerErrorException} (the worker died with it in flight) or
   *     {@link PoolRejectedException} (queue full, pool not running)
   * @throws dev.tether.channel.InvalidElementException if an element has NUL
   * @throws dev.tether.channel.FrameTooLargeException if the request exceeds the frame limit
   */
  public CompletableFuture<List<String>> call(String name, String... args) {
    return loop.call(MessageEncoder.elements(name, args), config.requestTimeout());
  }

  /** As {@link #call(String, String...)}, with {@code timeout} (null: none). */
  public CompletableFuture<List<String>> call(Duration timeout, String name, String... args) {
    return loop.call(MessageEncoder.elements(name, args), timeout);
  }

  /**
   * Keeps {@code size} workers from now on: more are spawned (paced), or the highest slots are
   * drained and stopped.
   *
   * @throws IllegalArgumentException if {@code size} is outside the pool's min and max size
   */
  public void resize(int size) {
    if (size < config.minSize() || size > config.maxSize()) {
      throw new IllegalArgumentException("size : " + size + " (expected: " + config.minSize()
          + ".." + config.maxSize() + ")");
    }
    loop.resize(size);
  }

  /**
   * Rolling restart: every serving worker is replaced, {@code maxRecycling} at a time; each keeps
   * serving until its replacement is ready, then drains (its requests in flight are answered) and
   * stops, so no fewer workers than the pool's size serve meanwhile. Returns at once.
   */
  public void restart() {
    loop.restart();
  }

  /** After the pool gave up respawning ({@link PoolState#GAVE_UP}): forget and try again. */
  public void retry() {
    loop.retry();
  }

  /** The pool's state now. */
  public PoolState state() {
    synchronized (stateLock) {
      return state;
    }
  }

  /**
   * Waits until the pool is in {@code wanted} state, or until {@code timeout}.
   *
   * @return whether it is
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitState(PoolState wanted, Duration timeout) throws InterruptedException {
    return awaitState(wanted::equals, timeout);
  }

  /** Waits until the pool's state satisfies {@code wanted}, or until {@code timeout}. */
  public boolean awaitState(Predicate<PoolState> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stateLock) {
      while (!wanted.test(state)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(stateLock, left);
      }
      return true;
    }
  }

  /**
   * Where the pool accepts connections, in the order given to the builder (ports chosen for port
   * 0 included); empty before {@link #start()} and for a pool that does not listen.
   */
  public List<SocketAddress> localAddresses() {
    return loop.localAddresses();
  }

  /**
   * The pool's workers, queue and recent exit records now (after {@link #stop()}: as it ended).
   *
   * @throws dev.tether.server.TetherException if the pool's loop does not answer within 5 s
   */
  public PoolStatus status() {
    return loop.status();
  }

  /**
   * Stops the pool: queued requests are rejected, workers finish the requests they have (up to
   * the drain timeout), then are stopped (channel closed, SIGTERM, SIGKILL). Returns once every
   * worker ended; their exit records stay in {@link #status()}. Does nothing if stopped already.
   *
   * @throws IllegalStateException if called on the pool's own thread (a listener, a future)
   */
  public void stop() {
    if (state() != PoolState.NEW) {
      loop.stop(); // meanwhile the status socket says: live, not ready (stopping)
    }
    StatusServer server = statusServer;
    if (server != null) {
      statusServer = null;
      server.close();
    }
  }

  private void stateChanged(PoolState next) {
    synchronized (stateLock) {
      state = next;
      stateLock.notifyAll();
    }
  }

  @Override
  public String toString() {
    return "WorkerPool[" + config.serverClass() + ", " + state() + "]";
  }

  /**
   * Settings of a {@link WorkerPool}; defaults after SUPERVISOR.md. Not thread-safe.
   */
  public static final class Builder {
    private final AbstractServer prototype;
    private int size = Runtime.getRuntime().availableProcessors();
    private int minSize = 1;
    private int maxSize = -1; // default: max(size, 4 * cores)
    private int bootConcurrency = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private Duration hangTimeout = Duration.ofSeconds(30);
    private Duration bootTimeout = Duration.ofSeconds(60);
    private Duration dumpTimeout = Duration.ofSeconds(5);
    private Duration restartDelay = Duration.ofMillis(100);
    private Duration maxRestartDelay = Duration.ofSeconds(30);
    private int maxFailures = 5;
    private Duration failurePeriod = Duration.ofSeconds(10);
    private int sameBootFailures = 3;
    private int maxInFlight = 16;
    private int queueLimit = 100;
    private Duration requestTimeout;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration gracefulTimeout = AbstractServer.DEFAULT_GRACEFUL_TIMEOUT;
    private Duration termTimeout = AbstractServer.DEFAULT_TERM_TIMEOUT;
    private int outputLines = 100;
    private int exitRecords = 100;
    private Consumer<String> output = System.err::println; // as if the workers inherited it
    private final List<SocketAddress> listen = new ArrayList<>();
    private long recycleRequests;
    private long recycleConnections;
    private long recycleHeap;
    private int maxRecycling = 1;
    private int spares;
    private Path statusSocket;
    private int maxHandoffs = 64;
    private final List<Integer> inheritedListenFds = new ArrayList<>();
    private boolean systemd = true;
    private PoolListener listener = new PoolListener() {};

    private Builder(AbstractServer prototype) {
      this.prototype = Objects.requireNonNull(prototype, "prototype");
    }

    /** Workers kept from the start (default: available cores). */
    public Builder size(int size) {
      this.size = size;
      return this;
    }

    /** Bounds of {@link WorkerPool#resize} (default: 1 and the larger of size and 4 x cores). */
    public Builder sizeLimits(int min, int max) {
      this.minSize = min;
      this.maxSize = max;
      return this;
    }

    /** Most workers booting at once (default: half the cores, at least 1). */
    public Builder bootConcurrency(int n) {
      this.bootConcurrency = n;
      return this;
    }

    /** Heartbeat interval (1 s) and the silence after which a worker is hung (30 s). */
    public Builder heartbeat(Duration interval, Duration hangTimeout) {
      this.heartbeatInterval = positive("interval", interval);
      this.hangTimeout = positive("hangTimeout", hangTimeout);
      return this;
    }

    /** Longest time from spawn to ready (60 s); then a thread dump and SIGKILL. */
    public Builder bootTimeout(Duration timeout) {
      this.bootTimeout = positive("bootTimeout", timeout);
      return this;
    }

    /** Longest wait for a thread dump before a kill (5 s). */
    public Builder dumpTimeout(Duration timeout) {
      this.dumpTimeout = positive("dumpTimeout", timeout);
      return this;
    }

    /** A slot's first restart delay (100 ms), doubled per failure in a row up to max (30 s). */
    public Builder restartBackoff(Duration first, Duration max) {
      this.restartDelay = positive("first", first);
      this.maxRestartDelay = positive("max", max);
      return this;
    }

    /** More than {@code maxFailures} failures within {@code period} (5 in 10 s): give up. */
    public Builder restartIntensity(int maxFailures, Duration period) {
      this.maxFailures = maxFailures;
      this.failurePeriod = positive("period", period);
      return this;
    }

    /** The same boot failure this many times in a row (3): give up. */
    public Builder sameBootFailureLimit(int n) {
      this.sameBootFailures = n;
      return this;
    }

    /** Requests in flight on one worker before it counts as full (16). */
    public Builder maxInFlight(int n) {
      this.maxInFlight = n;
      return this;
    }

    /** Requests waiting for a worker with room before the pool rejects (100). */
    public Builder queueLimit(int n) {
      this.queueLimit = n;
      return this;
    }

    /** Default deadline of a request (default: none). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout == null ? null : positive("requestTimeout", timeout);
      return this;
    }

    /** How long a stopping pool lets workers finish their requests (30 s). */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = positive("drainTimeout", timeout);
      return this;
    }

    /** Waits after closing a worker's channel (3 s) and after SIGTERM (3 s). */
    public Builder stopTimeouts(Duration graceful, Duration afterTerm) {
      this.gracefulTimeout = positive("graceful", graceful);
      this.termTimeout = positive("afterTerm", afterTerm);
      return this;
    }

    /** Lines of output kept per worker for its exit record (100). */
    public Builder outputLines(int n) {
      this.outputLines = n;
      return this;
    }

    /** Where workers' output lines go, each prefixed with {@code "[pid] "} (default: stderr). */
    public Builder output(Consumer<String> sink) {
      this.output = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Accepts connections on {@code address} (an {@link java.net.InetSocketAddress}, port 0 for
     * any, or a {@link java.net.UnixDomainSocketAddress} whose file must not exist) and hands each
     * to the least loaded worker; the prototype must serve connections
     * ({@code serveConnections}). May be called more than once.
     */
    public Builder listen(SocketAddress address) {
      listen.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /**
     * Accepts connections on {@code fd}, a listening socket this process inherited, as systemd's
     * socket activation passes them ({@link SocketActivation#takeListenFds()}); the pool owns it
     * from {@link WorkerPool#start()} on and closes it when it stops.
     */
    public Builder listenFd(int fd) {
      if (fd < 0) {
        throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
      }
      inheritedListenFds.add(fd);
      return this;
    }

    /**
     * Whether to tell systemd the pool's state when NOTIFY_SOCKET is set (default: true):
     * {@code READY=1} once the pool's size serves, {@code STATUS=} at each change,
     * {@code STOPPING=1}, and {@code WATCHDOG=1} at half of {@code WATCHDOG_USEC}.
     */
    public Builder notifySystemd(boolean on) {
      this.systemd = on;
      return this;
    }

    /** Connections handed to one worker and not acknowledged yet, at most (64). */
    public Builder maxHandoffs(int n) {
      this.maxHandoffs = n;
      return this;
    }

    /**
     * Recycles a worker after {@code n} requests served (0: never, the default), plus a random
     * tenth more per worker (jitter, always on: workers never recycle in lockstep).
     */
    public Builder recycleAfterRequests(long n) {
      this.recycleRequests = n;
      return this;
    }

    /** Recycles a worker after {@code n} connections handed to it (0: never), with jitter. */
    public Builder recycleAfterConnections(long n) {
      this.recycleConnections = n;
      return this;
    }

    /**
     * Recycles a worker whose heap in use after its last garbage collection exceeds
     * {@code bytes} (0: never), as its heartbeat reports it: garbage not collected yet does not
     * count.
     */
    public Builder recycleAboveHeap(long bytes) {
      this.recycleHeap = bytes;
      return this;
    }

    /** Most slots recycling at once, rolling restarts included (1). */
    public Builder maxRecycling(int k) {
      this.maxRecycling = k;
      return this;
    }

    /**
     * Warm spares (default 0): booted, idle workers beside the pool's size that take a slot over
     * at once when its worker dies or is recycled (a JVM boots in 0.1-0.5 s, an application
     * often in seconds); a new spare then boots.
     */
    public Builder spares(int n) {
      this.spares = n;
      return this;
    }

    /**
     * Serves the pool's status to operators at {@code socket} ({@link StatusServer}: 0600 in a
     * 0700 directory, the peer's uid checked; {@code scripts/tether-status}) from
     * {@link WorkerPool#start()} until {@link WorkerPool#stop()}. Ready means at least the pool's
     * minimum size (at least 1) serves.
     */
    public Builder statusSocket(Path socket) {
      this.statusSocket = Objects.requireNonNull(socket, "socket");
      return this;
    }

    /** The pool's events. */
    public Builder listener(PoolListener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * The pool.
     *
     * @throws IllegalArgumentException if a count is out of range (named in the message)
     */
    public WorkerPool build() {
      int max = maxSize < 0 ? Math.max(size, 4 * Runtime.getRuntime().availableProcessors())
          : maxSize;
      atLeast("minSize", minSize, 0);
      if (size < minSize || size > max) {
        throw new IllegalArgumentException("size : " + size + " (expected: " + minSize + ".."
            + max + ")");
      }
      atLeast("bootConcurrency", bootConcurrency, 1);
      atLeast("maxFailures", maxFailures, 1);
      atLeast("sameBootFailureLimit", sameBootFailures, 1);
      atLeast("maxInFlight", maxInFlight, 1);
      atLeast("queueLimit", queueLimit, 0);
      atLeast("outputLines", outputLines, 1);
      atLeast("maxHandoffs", maxHandoffs, 1);
      atLeast("maxRecycling", maxRecycling, 1);
      atLeast("spares", spares, 0);
      if (recycleRequests < 0 || recycleConnections < 0 || recycleHeap < 0) {
        throw new IllegalArgumentException("recycle limits : " + recycleRequests + " requests, "
            + recycleConnections + " connections, " + recycleHeap + " bytes (expected: >= 0)");
      }
      boolean listens = !listen.isEmpty() || !inheritedListenFds.isEmpty();
      if (listens && !ServerAccess.spawning().servesConnections(prototype)) {
        throw new IllegalArgumentException("prototype : " + prototype.getClass().getName()
            + " serves no connections, but the pool listens on " + listen + inheritedListenFds
            + " (expected: serveConnections(factory) in its constructor)");
      }
      if (maxRestartDelay.compareTo(restartDelay) < 0) {
        throw new IllegalArgumentException("restart backoff max : " + maxRestartDelay
            + " (expected: >= first " + restartDelay + ")");
      }
      return new WorkerPool(new PoolConfig(prototype, size, minSize, max, bootConcurrency,
          heartbeatInterval, hangTimeout, bootTimeout, dumpTimeout, restartDelay,
          maxRestartDelay, maxFailures, failurePeriod, sameBootFailures, maxInFlight,
          queueLimit, requestTimeout, drainTimeout, gracefulTimeout, termTimeout, outputLines,
          exitRecords, recycleRequests, recycleConnections, recycleHeap, maxRecycling,
          spares, List.copyOf(listen), List.copyOf(inheritedListenFds), systemd, maxHandoffs,
          output, listener), statusSocket);
    }

    private static void atLeast(String what, int n, int min) {
      if (n < min) {
        throw new IllegalArgumentException(what + " : " + n + " (expected: >= " + min + ")");
      }
    }

    private static Duration positive(String what, Duration d) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " : " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
