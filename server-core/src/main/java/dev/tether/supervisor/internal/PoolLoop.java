package dev.tether.supervisor.internal;

import dev.tether.channel.codec.MessageEncoder;
import dev.tether.reactor.ExitStatus;
import dev.tether.reactor.Reactor;
import dev.tether.server.JavaCommand;
import dev.tether.server.SpawnException;
import dev.tether.server.TetherException;
import dev.tether.server.internal.ChildOutput;
import dev.tether.server.internal.PoolProtocol;
import dev.tether.server.internal.ProcessSpawner;
import dev.tether.server.internal.ServerAccess;
import dev.tether.server.internal.SpawnRequest;
import dev.tether.supervisor.ExitReason;
import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.WorkerStatus;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of a {@code WorkerPool}: one reactor on one thread ({@code tether-pool}) owns every
 * worker's channel, process events, timers, the request queue and the listening sockets, so the
 * pool's state needs no lock. Other threads hand work over with {@link Reactor#schedule}. This
 * class keeps the workers' lives; where each stands (serving a slot, a successor, a spare, a
 * slot waiting to be spawned) is kept in its {@link SlotTable}, and its {@link Recycler} decides
 * which to replace, and when, for recycling. Requests go through its {@link RequestRouter},
 * connections through its {@link ConnectionHandoff}, each to the least loaded of the {@link
 * ReadyWorkers}.
 *
 * <p>A worker's life: spawned (paced: at most {@code bootConcurrency} booting at once) with one
 * heartbeat queued; ready when it answers it (after its {@code initializeServer}); a heartbeat
 * every interval, and hung if none is answered for the hang timeout; ended by the pool (drained,
 * then its channel closed, then SIGTERM, then SIGKILL) or on its own; in both cases its exit
 * record is written once its process is reaped and its output drained, and its slot refilled
 * after the restart policy's delay unless it was asked to stop.
 *
 * <p>Fds: each worker's channel belongs to its {@link WorkerLink}, owned by the reactor; output
 * pipes belong to their pumps.
 */
public final class PoolLoop {
  private static final Logger LOG = LoggerFactory.getLogger(PoolLoop.class);
  /** The longest id a request can get, to check a request's size before it is queued. */
  private static final String LONGEST_ID = Long.toString(Long.MAX_VALUE);
  private static final Duration OUTPUT_DRAIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration STATUS_WAIT = Duration.ofSeconds(5);
  /** A JVM past an OutOfMemoryError is in no known state: it exits, and the pool replaces it. */
  private static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";

  private final PoolConfig config;
  private final Reactor reactor = new Reactor("tether-pool");
  private final RestartPolicy policy;
  private final SlotTable slots;
  private boolean sparesHeld; // a spare failed: the next waits for the restart delay
  private final ReadyWorkers readyWorkers;
  private final Recycler recycler;
  private final RequestRouter requests;
  private final ConnectionHandoff connections;
  // Requests handed over by other threads, not taken by the loop yet.
  private final ConcurrentLinkedQueue<PoolRequest> incoming = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<ExitRecord> exits = new ArrayDeque<>();
  private final Consumer<PoolState> onState;
  private volatile List<SocketAddress> addresses = List.of();
  private SystemdStatus systemd; // null unless systemd is told
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private int booting;
  private long nextId;
  private PoolState state = PoolState.NEW;
  private boolean served; // SERVING was reached once: fewer ready since is DEGRADED
  private volatile Thread thread;

  /** A loop for {@code config}; {@code onState} hears each state change, on the loop thread. */
  public PoolLoop(PoolConfig config, Consumer<PoolState> onState) {
    this.config = config;
    this.onState = onState;
    this.slots = new SlotTable(config.size());
    this.readyWorkers = slots.ready();
    this.policy = new RestartPolicy(config.restartDelay(), config.maxRestartDelay(),
        config.maxFailures(), config.failurePeriod(), config.sameBootFailures(),
        ThreadLocalRandom.current());
    this.recycler = new Recycler(config, slots, () -> state, () -> booting, this::takeOver,
        slot -> spawn(slot, true));
    this.requests = new RequestRouter(config, reactor, readyWorkers, () -> state, policy::gaveUp,
        this::nextId, recycler::checkLimits, this::stopIfDrained);
    this.connections = new ConnectionHandoff(config, readyWorkers, () -> state, this::nextId,
        recycler::checkLimits, this::stopIfDrained);
  }

  /** The next id of a request or a connection handed over: one sequence per pool. */
  private long nextId() {
    return ++nextId;
  }

  /** Starts the loop's thread and the first workers. Once. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("pool of " + config.serverClass() + " : started already");
    }
    List<SocketAddress> listening;
    try {
      listening = connections.listen();
      if (config.systemd()) {
        systemd = SystemdStatus.fromEnvironment(config.serverClass()).orElse(null);
      }
    } catch (RuntimeException e) {
      connections.close();
      throw e;
    }
    addresses = listening;
    CompletableFuture<Void> running = new CompletableFuture<>();
    thread = new Thread(() -> {
      try {
        reactor.run(() -> {
          connections.watch(reactor);
          reactor.addPeriodicTimer(config.heartbeatInterval(), this::heartbeat);
          if (systemd != null) {
            systemd.startWatchdog(reactor);
          }
          setState(PoolState.STARTING); // before start() returns: a stop() right after sees it
          running.complete(null);
          resizeTo(slots.size());
        });
      } catch (RuntimeException | Error e) {
        running.completeExceptionally(e);
        LOG.error("pool of {}: loop failed", config.serverClass(), e);
      } finally {
        if (systemd != null) {
          systemd.close();
        }
        connections.close(); // if the loop ended otherwise than by stop()
        stopped.complete(null);
        rejectIncoming();
      }
    }, "tether-pool");
    thread.setDaemon(true);
    thread.start();
    running.join();
  }

  /**
   * Sends {@code message} to the least loaded worker and completes with its reply. Any thread;
   * the future completes on the loop thread.
   *
   * @throws dev.tether.channel.InvalidElementException if an element has NUL
   * @throws dev.tether.channel.FrameTooLargeException if the request would exceed the frame limit
   */
  public CompletableFuture<List<String>> call(List<String> message, Duration timeout) {
    MessageEncoder.messageSize(PoolProtocol.tagged(PoolProtocol.CALL, LONGEST_ID, message));
    PoolRequest request = new PoolRequest(List.copyOf(message), timeout);
    if (thread == null) {
      request.reject(config.serverClass(), "the pool is not started");
      return request.reply;
    }
    incoming.add(request);
    reactor.schedule(this::takeIncoming);
    if (stopped.isDone()) { // the loop ended: what it did not take, nobody will
      rejectIncoming();
    }
    return request.reply;
  }

  private void takeIncoming() {
    PoolRequest request;
    while ((request = incoming.poll()) != null) {
      requests.submit(request);
    }
  }

  private void rejectIncoming() {
    PoolRequest request;
    while ((request = incoming.poll()) != null) {
      request.reject(config.serverClass(), "the pool is stopped");
    }
  }

  /** Where the pool listens; see {@code WorkerPool.localAddresses()}. */
  public List<SocketAddress> localAddresses() {
    return addresses;
  }

  /** Changes the number of workers kept. Any thread. */
  public void resize(int newSize) {
    reactor.schedule(() -> resizeTo(newSize));
  }

  /** Forgets the restart policy's failures after it gave up, and refills the pool. Any thread. */
  public void retry() {
    reactor.schedule(() -> {
      if (state == PoolState.GAVE_UP) {
        policy.reset();
        setState(served ? PoolState.DEGRADED : PoolState.STARTING); // told, then corrected
        updateState();
        resizeTo(slots.size());
      }
    });
  }

  /**
   * Rolling restart: every serving worker is recycled, {@code maxRecycling} at a time. Any
   * thread.
   */
  public void restart() {
    reactor.schedule(recycler::restart);
  }

  /**
   * Stops the pool: rejects what is queued, lets workers finish their requests (up to the drain
   * timeout), then stops them; returns once all have ended and the loop stopped. Any thread but
   * the loop's.
   */
  public void stop() {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("stop() on the pool's own loop thread (expected: another)");
    }
    reactor.schedule(this::beginStop);
    stopped.join();
  }

  /**
   * The pool's status now. Any thread: taken on the loop (waiting at most 5 s for it), or, once
   * the loop ended, from its final state.
   *
   * @throws TetherException if the loop does not answer within 5 s (it is stuck), or if
   *     interrupted
   */
  public PoolStatus status() {
    if (reactor.inReactorThread() || stopped.isDone()) {
      return snapshot(); // the loop's own thread, or a loop that ended: its state is final
    }
    CompletableFuture<PoolStatus> status = new CompletableFuture<>();
    reactor.schedule(() -> status.complete(snapshot()));
    try {
      return status.get(STATUS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TetherException("interrupted while waiting for the status of the pool of "
          + config.serverClass(), e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      if (stopped.isDone()) { // the loop ended meanwhile, dropping the task
        return snapshot();
      }
      throw new TetherException("the loop of the pool of " + config.serverClass()
          + " did not answer within " + STATUS_WAIT.toMillis() + " ms", e);
    }
  }

  private PoolStatus snapshot() {
    List<WorkerStatus> workers = new ArrayList<>();
    for (PooledWorker w : slots.live()) {
      workers.add(w.status());
    }
    workers.sort(java.util.Comparator.comparingInt(WorkerStatus::slot));
    return new PoolStatus(state, slots.size(), requests.queued(), workers, new ArrayList<>(exits));
  }

  // ---- slots and spawning ----

  private void resizeTo(int newSize) {
    if (state == PoolState.STOPPING || state == PoolState.STOPPED) {
      return;
    }
    slots.resize(newSize);
    for (int slot = 0; slot < slots.listed(); slot++) {
      PooledWorker w = slots.serving(slot);
      if (slot < newSize) {
        slots.queueSpawnIfEmpty(slot);
      } else {
        if (w != null && w.state.compareTo(PooledWorker.State.DRAINING) < 0) {
          drain(w, ExitReason.STOPPED);
        }
        PooledWorker successor = slots.removeSuccessor(slot);
        if (successor != null && successor.state.compareTo(PooledWorker.State.DRAINING) < 0) {
          drain(successor, ExitReason.STOPPED); // one being killed keeps its reason
        }
      }
    }
    spawnDue();
    updateState();
  }

  /** Spawns waiting slots while fewer than bootConcurrency workers boot. */
  private void spawnDue() {
    while (booting < config.bootConcurrency() && slots.anySpawnQueued()) {
      int slot = slots.nextToSpawn();
      if (slot < slots.size() && slots.vacant(slot) && policy.gaveUp() == null
          && state != PoolState.STOPPING) {
        spawn(slot, false);
      }
    }
    while (booting < config.bootConcurrency() && slots.spares() < config.spares() && !sparesHeld
        && policy.gaveUp() == null && state != PoolState.STOPPING
        && state != PoolState.STOPPED) {
      spawn(SlotTable.SPARE, false);
    }
  }

  /** Puts {@code spare} in {@code slot} and returns the worker it replaces there, or null. */
  private PooledWorker place(PooledWorker spare, int slot) {
    PooledWorker replaced = slots.place(spare, slot);
    LOG.info("pool of {}: slot {}: spare worker {} takes over", config.serverClass(), slot,
        spare.pid());
    return replaced;
  }

  /** Fills empty slots with ready spares: no boot to wait for. */
  private void fillFromSpares() {
    for (int slot = 0; slot < slots.size(); slot++) {
      PooledWorker spare;
      if (slots.vacant(slot) && (spare = slots.readySpare()) != null) {
        place(spare, slot);
      }
    }
  }

  /** Recycling: a ready spare takes over {@code slot} now, and the worker there drains. */
  private void takeOver(PooledWorker spare, int slot) {
    drain(place(spare, slot), ExitReason.RECYCLED);
    spawnDue();
  }

  /** Spawns a worker for {@code slot}: to serve in it, or as its serving worker's successor. */
  private void spawn(int slot, boolean successor) {
    OutputTail output = new OutputTail(config.outputLines());
    Instant startedAt = Instant.now();
    ProcessSpawner.WithChannel spawned;
    try { // the user's command customizer runs here too: its failure is the slot's
      JavaCommand command = ServerAccess.spawning().command(config.server(),
          b -> b.jvmOptions(EXIT_ON_OOM));
      ChildOutput lines = ChildOutput.lines(line -> {
        int prefixEnd = line.indexOf("] ");
        output.add(prefixEnd >= 0 ? line.substring(prefixEnd + 2) : line);
        config.output().accept(line);
      });
      SpawnRequest.Builder request = SpawnRequest.builder(command.argv())
          .environment(command.environment()).stdout(lines).stderr(lines);
      command.workingDirectory().ifPresent(request::workingDirectory);
      spawned = ProcessSpawner.spawnWithChannel(request,
          () -> ServerAccess.spawning().beforeFork(config.server()));
    } catch (RuntimeException e) {
      LOG.error("pool of {}: slot {}: no worker could be started", config.serverClass(), slot, e);
      ExitRecord record = new ExitRecord(slot, 0, ExitReason.FAILED_TO_START,
          new ExitStatus.FailedToStart(e), false, startedAt, Instant.now(), 0,
          List.of(e.toString()), List.of());
      recordExit(record);
      failed(slot, "failed to start: " + (e instanceof SpawnException ? e.getMessage()
          : e.getClass().getName()));
      return;
    }
    PooledWorker w = new PooledWorker(slot, slot == SlotTable.SPARE ? 0 : slots.restarts(slot),
        spawned.process(), output,
        Recycler.limit(config.recycleRequests()), Recycler.limit(config.recycleConnections()));
    slots.add(w, successor);
    booting++;
    w.link = reactor.attach(spawned.channelFd(),
        new WorkerLink((message, fds) -> received(w, message, fds),
            reason -> channelEnded(w, reason)));
    sendBeat(w);
    w.timer = reactor.addTimer(config.bootTimeout(), () -> kill(w, ExitReason.BOOT_TIMEOUT));
    w.process.onExit().whenComplete((status, e) -> w.process.outputDrained()
        .completeOnTimeout(null, OUTPUT_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((v, x) -> reactor.schedule(() -> exited(w, status, e))));
    LOG.info("pool of {}: slot {}: started worker {}", config.serverClass(), slot, w.pid());
  }

  private void ready(PooledWorker w) {
    w.cancelTimer();
    w.state = PooledWorker.State.READY;
    w.wasReady = true;
    booting--;
    PooledWorker old = slots.promote(w); // a successor serves now; the one it replaces drains
    if (old != null && old.state.compareTo(PooledWorker.State.DRAINING) < 0) {
      drain(old, ExitReason.RECYCLED); // one being killed or ending meanwhile keeps its reason
    }
    policy.booted();
    reactor.addTimer(Duration.ofNanos(policy.periodNanos()), () -> {
      if (w.state == PooledWorker.State.READY) {
        policy.stable(w.slot);
      }
    });
    LOG.info("pool of {}: slot {}: worker {} ready after {} ms", config.serverClass(), w.slot,
        w.pid(), (System.nanoTime() - w.startedNanos) / 1_000_000);
    notifyListener(() -> config.listener().workerReady(w.status()));
    fillFromSpares();
    spawnDue();
    updateState();
    requests.dispatchQueued();
    connections.rehomeOrphans();
    recycler.recycleDue();
  }

  // ---- messages from workers ----

  private void received(PooledWorker w, List<String> message, int[] fds) {
    String name = message.isEmpty() ? "" : message.get(0);
    if (name.equals(PoolProtocol.BACK) && message.size() == 2 && fds.length == 1) {
      connections.handedBack(w, message.get(1), fds[0]);
      return;
    }
    for (int fd : fds) {
      LOG.warn("pool of {}: worker {} passed fd {} with {}; closed", config.serverClass(),
          w.pid(), fd, message);
      Io.close(fd);
    }
    if (name.equals(PoolProtocol.REPLY) && message.size() >= 2) {
      requests.replied(w, message);
    } else if (name.equals(PoolProtocol.ACK) && message.size() == 2) {
      connections.acknowledged(w, message.get(1));
    } else if (name.equals(PoolProtocol.BEAT)
        && message.size() == PoolProtocol.BEAT_ANSWER_SIZE) {
      beatAnswered(w, message);
    } else {
      LOG.info("pool of {}: worker {} wrote {}, which answers no request", config.serverClass(),
          w.pid(), message);
      notifyListener(() -> config.listener().workerMessage(w.pid(), message));
    }
  }

  private void beatAnswered(PooledWorker w, List<String> message) {
    w.lastAnswerNanos = System.nanoTime();
    try {
      w.lagMicros = Long.parseLong(message.get(2));
      w.connections = Integer.parseInt(message.get(4));
      w.handedSinceBeat = 0;
      w.answeredBeat = Long.parseLong(message.get(1));
      w.heapUsed = Long.parseLong(message.get(5));
      w.heapAfterGc = Long.parseLong(message.get(7));
    } catch (NumberFormatException e) {
      LOG.warn("pool of {}: worker {}: malformed heartbeat answer {}", config.serverClass(),
          w.pid(), message);
    }
    if (w.state == PooledWorker.State.BOOTING) {
      ready(w);
    } else {
      recycler.checkLimits(w);
      stopIfDrained(w);
    }
  }

  // ---- heartbeats, hangs, kills ----

  private void heartbeat() {
    connections.updateAccepting(); // resumes a listener that rested after an accept failure
    long now = System.nanoTime();
    for (PooledWorker w : List.copyOf(slots.live())) {
      if (w.state != PooledWorker.State.READY && w.state != PooledWorker.State.DRAINING) {
        continue;
      }
      if (now - w.lastAnswerNanos > config.hangTimeout().toNanos()) {
        LOG.warn("pool of {}: slot {}: worker {} answered no heartbeat for {} ms; taking a thread"
            + " dump, then killing it", config.serverClass(), w.slot, w.pid(),
            (now - w.lastAnswerNanos) / 1_000_000);
        kill(w, ExitReason.HUNG);
      } else {
        sendBeat(w);
      }
    }
  }

  private void sendBeat(PooledWorker w) {
    w.link.send(List.of(PoolProtocol.BEAT, Long.toString(++w.beatsSent)));
  }

  /** Takes a thread dump (SIGQUIT, bounded wait), then SIGKILLs {@code w}. */
  private void kill(PooledWorker w, ExitReason reason) {
    if (w.state == PooledWorker.State.GONE || w.endedBy == ExitReason.HUNG
        || w.endedBy == ExitReason.BOOT_TIMEOUT) {
      return;
    }
    if (w.state == PooledWorker.State.BOOTING) {
      booting--;
      LOG.warn("pool of {}: slot {}: worker {} not ready after {} ms; taking a thread dump, then"
          + " killing it", config.serverClass(), w.slot, w.pid(),
          config.bootTimeout().toMillis());
    }
    w.cancelTimer();
    w.endedBy = reason;
    w.state = PooledWorker.State.STOPPING;
    CompletableFuture<List<String>> dump = w.output.expectDump();
    if (!w.process.signal(Linux.SIGQUIT)) { // reaped already: its exit is on its way
      spawnDue();
      updateState();
      return;
    }
    dump.completeOnTimeout(List.of(), config.dumpTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenAccept(lines -> reactor.schedule(() -> {
          w.threadDump = lines;
          w.process.signal(Linux.SIGKILL);
        }));
    spawnDue();
    updateState();
  }

  /** Stops routing to {@code w}; once its requests are answered, stops it. */
  private void drain(PooledWorker w, ExitReason reason) {
    w.endedBy = reason;
    if (w.state == PooledWorker.State.BOOTING) {
      booting--;
      w.cancelTimer();
      stopWorker(w);
      spawnDue();
    } else {
      w.state = PooledWorker.State.DRAINING;
      w.link.send(List.of(PoolProtocol.DRAIN));
      // Only an answer to a heartbeat sent after DRAIN counts every connection the worker holds:
      // an earlier one may predate a connection handed to it just before the drain.
      sendBeat(w);
      w.drainBeat = w.beatsSent;
      w.timer = reactor.addTimer(config.drainTimeout(), () -> {
        LOG.warn("pool of {}: worker {} still has {} request(s) in flight and {} connection(s)"
            + " after {} ms of draining; stopping it", config.serverClass(), w.pid(),
            w.inFlight.size(), w.connections, config.drainTimeout().toMillis());
        stopWorker(w);
      });
      stopIfDrained(w);
    }
  }

  /**
   * Stops a draining worker once it has nothing left: no request in flight, no connection handed
   * and not acknowledged, none served (by its last heartbeat answer).
   */
  private void stopIfDrained(PooledWorker w) {
    boolean connectionsDone = !connections.listens()
        || (w.answeredBeat >= w.drainBeat && w.connections == 0 && w.handoffs.isEmpty());
    if (w.state == PooledWorker.State.DRAINING && w.inFlight.isEmpty() && connectionsDone) {
      stopWorker(w);
    }
  }

  /** Closes {@code w}'s channel (it exits at end of stream), then SIGTERM, then SIGKILL. */
  private void stopWorker(PooledWorker w) {
    if (w.state == PooledWorker.State.STOPPING || w.state == PooledWorker.State.GONE) {
      return;
    }
    w.state = PooledWorker.State.STOPPING;
    w.cancelTimer();
    w.link.closeConnectionAfterWriting();
    w.timer = reactor.addTimer(config.gracefulTimeout(), () -> {
      LOG.info("pool of {}: worker {} still running {} ms after its channel closed; sending"
          + " SIGTERM", config.serverClass(), w.pid(), config.gracefulTimeout().toMillis());
      w.process.signal(Linux.SIGTERM);
      w.timer = reactor.addTimer(config.termTimeout(), () -> {
        LOG.warn("pool of {}: worker {} still running {} ms after SIGTERM; sending SIGKILL",
            config.serverClass(), w.pid(), config.termTimeout().toMillis());
        w.process.signal(Linux.SIGKILL);
      });
    });
    updateState();
  }

  /** The worker's channel ended: nothing more goes to it; it is stopped if it does not exit. */
  private void channelEnded(PooledWorker w, Throwable reason) {
    if (reason != null) {
      LOG.error("pool of {}: worker {} broke its channel; stopping it", config.serverClass(),
          w.pid(), reason);
    }
    if (w.state == PooledWorker.State.BOOTING) {
      booting--;
      spawnDue();
    }
    if (w.state != PooledWorker.State.GONE) {
      stopWorker(w); // the channel is closed: this only arms the escalation
    }
    connections.orphanHandoffs(w);
  }

  // ---- exits ----

  private void exited(PooledWorker w, ExitStatus status, Throwable waitFailure) {
    if (w.state == PooledWorker.State.BOOTING) {
      booting--;
    }
    w.state = PooledWorker.State.GONE;
    w.cancelTimer();
    if (w.link.isOpen()) {
      w.link.closeConnection();
    }
    ExitStatus how = status != null ? status : new ExitStatus.FailedToStart(waitFailure);
    ExitReason reason = w.endedBy != null ? w.endedBy : classify(how, w.output.lines());
    ExitRecord record = new ExitRecord(w.slot, w.pid(), reason, how, w.wasReady, w.startedAt,
        Instant.now(), w.served, w.output.lines(), w.threadDump);
    requests.failInFlight(w, how);
    connections.orphanHandoffs(w);
    SlotTable.Role was = slots.remove(w);
    recordExit(record);
    if (state == PoolState.STOPPING) {
      finishStopIfDone();
      return;
    }
    boolean failure = reason != ExitReason.STOPPED && reason != ExitReason.RECYCLED;
    // What tells this boot failure from others. A boot timeout's last lines are whatever the
    // hung boot printed last, or the dump's trailer: the reason alone tells it.
    String bootFailure = w.wasReady ? null : reason == ExitReason.BOOT_TIMEOUT ? reason.name()
        : reason + " " + how + ": " + w.output.lastLine();
    if (was == SlotTable.Role.SERVING && w.slot < slots.size()) {
      slots.countRestart(w.slot);
      fillFromSpares(); // before a give-up would reject the queue: a spare serves it
      if (failure) {
        failed(w.slot, bootFailure);
      } else {
        slots.queueSpawn(w.slot);
      }
    } else if (was == SlotTable.Role.SUCCESSOR && failure) {
      failed(w.slot, bootFailure); // the old worker serves on; its recycling is tried again
    } else if (was == SlotTable.Role.SPARE && failure) {
      failed(SlotTable.SPARE, bootFailure);
    }
    fillFromSpares();
    spawnDue();
    updateState();
    requests.dispatchQueued();
    recycler.recycleDue();
  }

  private static ExitReason classify(ExitStatus status, List<String> output) {
    for (String line : output) {
      if (line.contains("java.lang.OutOfMemoryError")) {
        return ExitReason.OUT_OF_MEMORY;
      }
    }
    return status instanceof ExitStatus.Signaled ? ExitReason.KILLED_BY_SIGNAL
        : ExitReason.CRASHED;
  }

  /** Slot {@code slot} failed: its replacement comes after the policy's delay, or never. */
  private void failed(int slot, String bootFailure) {
    boolean gaveUpBefore = policy.gaveUp() != null;
    long delay = policy.failed(slot, System.nanoTime(), bootFailure);
    if (delay < 0 && gaveUpBefore) {
      return; // said once
    }
    if (delay < 0) {
      LOG.error("pool of {}: gave up respawning workers: {}", config.serverClass(),
          policy.gaveUp());
      setState(PoolState.GAVE_UP);
      String why = policy.gaveUp();
      notifyListener(() -> config.listener().gaveUp(why));
      requests.rejectQueuedIfNoneServes();
      return;
    }
    if (slot == SlotTable.SPARE) {
      sparesHeld = true;
    }
    reactor.addTimer(Duration.ofNanos(delay), () -> {
      if (slot == SlotTable.SPARE) {
        sparesHeld = false;
      } else {
        slots.queueSpawnIfEmpty(slot);
      }
      spawnDue();
      recycler.recycleDue();
    });
  }

  private void recordExit(ExitRecord record) {
    exits.addLast(record);
    while (exits.size() > config.exitRecords()) {
      exits.removeFirst();
    }
    if (record.reason() == ExitReason.STOPPED || record.reason() == ExitReason.RECYCLED) {
      LOG.info("pool of {}: {}", config.serverClass(), record.summary());
    } else {
      LOG.warn("pool of {}: {}; last output: {}", config.serverClass(), record.summary(),
          record.lastOutput().subList(Math.max(0, record.lastOutput().size() - 5),
              record.lastOutput().size()));
    }
    notifyListener(() -> config.listener().workerExited(record));
  }

  // ---- state and stop ----

  private void updateState() {
    if (state == PoolState.STOPPING || state == PoolState.STOPPED
        || state == PoolState.GAVE_UP) {
      return;
    }
    if (readyWorkers.count() >= slots.size()) {
      served = true;
      setState(PoolState.SERVING);
    } else {
      setState(served ? PoolState.DEGRADED : PoolState.STARTING);
    }
  }

  private void setState(PoolState next) {
    if (state != next) {
      state = next;
      onState.accept(next);
      if (systemd != null) {
        systemd.changed(next, readyWorkers.count(), slots.size(), policy.gaveUp());
      }
    }
    connections.updateAccepting();
  }

  private void beginStop() {
    if (state == PoolState.STOPPING || state == PoolState.STOPPED) {
      return;
    }
    setState(PoolState.STOPPING);
    connections.close(); // no worker will take the orphans now: their clients see them close
    slots.forgetWaiting();
    requests.rejectQueued("the pool stopped before a worker took it");
    for (PooledWorker w : List.copyOf(slots.live())) {
      if (w.state.compareTo(PooledWorker.State.DRAINING) < 0) {
        drain(w, ExitReason.STOPPED);
      }
    }
    finishStopIfDone();
  }

  private void finishStopIfDone() {
    if (!slots.live().isEmpty()) {
      return;
    }
    setState(PoolState.STOPPED);
    reactor.stop();
  }

  private void notifyListener(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.warn("pool of {}: listener failed", config.serverClass(), e);
    }
  }
}
