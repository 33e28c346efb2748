package dev.tether.supervisor.internal;

import dev.tether.reactor.Reactor;
import dev.tether.server.internal.PoolProtocol;
import dev.tether.supervisor.PoolState;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection side of a pool: its listening sockets accept while a ready worker has room, and
 * each accepted connection is handed, under an id, to the ready worker serving the fewest (below
 * the limit of connections not acknowledged); the pool's copy is closed once the worker
 * acknowledges it. Connections whose worker ended before acknowledging them (orphans) go to the
 * next worker with room; while one waits, accepting pauses, and the kernel's backlog holds what
 * comes.
 *
 * <p>Fds: owns the listening sockets, the pool's copies of connections handed and not
 * acknowledged (kept by their worker, {@link PooledWorker#handoffs}) and the orphans; {@link
 * #close()} closes the sockets and the orphans. {@link #listen()}, and {@link #close()} if the
 * start fails, run on the thread that starts the pool, before its loop runs; everything else on
 * the pool's loop thread only.
 */
final class ConnectionHandoff {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandoff.class);
  private static final byte[] NOTHING_READ = {};
  /** Fewest connections: the last heartbeat's count plus those handed since. */
  private static final Comparator<PooledWorker> LIGHTER =
      Comparator.comparingInt(w -> w.connections + w.handedSinceBeat);

  private final PoolConfig config;
  private final ReadyWorkers workers;
  private final Supplier<PoolState> state;
  private final LongSupplier ids;
  private final Consumer<PooledWorker> checkLimits;
  private final Consumer<PooledWorker> stopIfDrained;
  private final List<PoolListenSocket> listenSockets = new ArrayList<>();
  // Connections whose worker ended before acknowledging them, or handed back while no worker had
  // room: the next worker's.
  private final ArrayDeque<PooledWorker.Handoff> orphans = new ArrayDeque<>();

  /**
   * Hand-off to {@code workers}; {@code state} is the pool's, {@code ids} its message ids. It
   * tells the pool of a worker's connections: {@code checkLimits} once one is handed to it,
   * {@code stopIfDrained} once it acknowledged one.
   */
  ConnectionHandoff(PoolConfig config, ReadyWorkers workers, Supplier<PoolState> state,
      LongSupplier ids, Consumer<PooledWorker> checkLimits,
      Consumer<PooledWorker> stopIfDrained) {
    this.config = config;
    this.workers = workers;
    this.state = state;
    this.ids = ids;
    this.checkLimits = checkLimits;
    this.stopIfDrained = stopIfDrained;
  }

  /**
   * Opens the pool's listening sockets (bound, and those inherited) and returns where they
   * listen. Before the loop runs; on failure, those opened stay open until {@link #close()}.
   *
   * @throws dev.tether.unix.NativeCallException if an address cannot be bound
   */
  List<SocketAddress> listen() {
    for (SocketAddress address : config.listen()) {
      listenSockets.add(PoolListenSocket.open(address));
    }
    for (int fd : config.inheritedListenFds()) {
      listenSockets.add(PoolListenSocket.adopt(fd));
    }
    return listenSockets.stream().map(PoolListenSocket::localAddress).toList();
  }

  /** Whether the pool serves connections at all (also once its sockets closed at stop). */
  boolean listens() {
    return !config.listen().isEmpty() || !config.inheritedListenFds().isEmpty();
  }

  /** Starts accepting: the listening sockets are watched by {@code reactor}, the loop's. */
  void watch(Reactor reactor) {
    Sockets sockets = new Sockets();
    for (PoolListenSocket socket : listenSockets) {
      reactor.watch(socket.listenFd(), socket);
      socket.serve(sockets, fd -> hasRoomForConnection(),
          fd -> handOff(new PooledWorker.Handoff(fd, NOTHING_READ)));
    }
  }

  /** {@code w} acknowledged connection {@code id}: the pool's copy is closed. */
  void acknowledged(PooledWorker w, String id) {
    PooledWorker.Handoff handed;
    try {
      handed = w.handoffs.remove(Long.parseLong(id));
    } catch (NumberFormatException e) {
      handed = null;
    }
    if (handed == null) {
      LOG.warn("pool of {}: worker {} acknowledged connection {}, which it was not handed",
          config.serverClass(), w.pid(), id);
      return;
    }
    Io.close(handed.fd()); // the worker serves its own copy
    stopIfDrained.accept(w);
    rehomeOrphans();
    updateAccepting();
  }

  /**
   * {@code from} (draining) handed back connection {@code fd} (owned here from now on) with the
   * bytes it read and did not handle, base64 in {@code read}: it goes to another worker, and the
   * client keeps its connection.
   */
  void handedBack(PooledWorker from, String read, int fd) {
    PoolState now = state.get();
    if (now == PoolState.STOPPING || now == PoolState.STOPPED) { // no worker takes it any more
      Io.close(fd);
      return;
    }
    byte[] alreadyRead;
    try {
      alreadyRead = Base64.getDecoder().decode(read);
    } catch (IllegalArgumentException e) {
      LOG.error("pool of {}: worker {} handed back fd {} with bytes that are not base64; closed",
          config.serverClass(), from.pid(), fd);
      Io.close(fd);
      return;
    }
    LOG.debug("pool of {}: worker {} handed back a connection ({} bytes read)",
        config.serverClass(), from.pid(), alreadyRead.length);
    handOff(new PooledWorker.Handoff(fd, alreadyRead));
  }

  /** {@code w} will acknowledge nothing more: what it was handed goes to other workers. */
  void orphanHandoffs(PooledWorker w) {
    if (w.handoffs.isEmpty()) {
      return;
    }
    LOG.info("pool of {}: worker {} ended with {} connection(s) not acknowledged; handing them"
        + " to other workers", config.serverClass(), w.pid(), w.handoffs.size());
    orphans.addAll(w.handoffs.values());
    w.handoffs.clear();
    rehomeOrphans();
  }

  /** Hands orphans to workers with room, then accepts again if none is left waiting. */
  void rehomeOrphans() {
    int n = orphans.size();
    for (int i = 0; i < n && workers.anyHasRoom(this::hasRoom); i++) {
      handOff(orphans.pollFirst());
    }
    updateAccepting();
  }

  /** Accepts while a worker has room (and no orphan waits), and pauses accepting otherwise. */
  void updateAccepting() {
    if (!listenSockets.isEmpty()) {
      boolean room = hasRoomForConnection();
      for (PoolListenSocket socket : listenSockets) {
        socket.accepting(room);
      }
    }
  }

  /** Closes the listening sockets and the orphans: their clients see them close. */
  void close() {
    for (PoolListenSocket socket : listenSockets) {
      socket.close();
    }
    listenSockets.clear();
    orphans.forEach(h -> Io.close(h.fd()));
    orphans.clear();
  }

  private boolean hasRoomForConnection() {
    PoolState now = state.get();
    return now != PoolState.STOPPING && now != PoolState.STOPPED && orphans.isEmpty()
        && workers.anyHasRoom(this::hasRoom);
  }

  /** A connection was accepted, handed back, or its worker died: hand it to a worker. */
  private void handOff(PooledWorker.Handoff handed) {
    PooledWorker w = leastLoaded();
    if (w == null) {
      orphans.addLast(handed);
      updateAccepting();
      return;
    }
    long id = ids.getAsLong();
    try {
      w.link.sendWithFd(List.of(PoolProtocol.CONN, Long.toString(id),
          Base64.getEncoder().encodeToString(handed.alreadyRead())), handed.fd());
    } catch (RuntimeException e) { // EMFILE for the queued duplicate: the client sees a close
      LOG.error("pool of {}: a connection could not be handed to worker {}; closed",
          config.serverClass(), w.pid(), e);
      Io.close(handed.fd());
      return;
    }
    w.handoffs.put(id, handed);
    w.handedSinceBeat++;
    w.handedTotal++;
    checkLimits.accept(w);
    updateAccepting();
  }

  /** The ready worker with the fewest connections, below the limit not acknowledged, or null. */
  private PooledWorker leastLoaded() {
    return workers.leastLoaded(this::hasRoom, LIGHTER);
  }

  /** Below the limit of connections not acknowledged. */
  private boolean hasRoom(PooledWorker w) {
    return w.handoffs.size() < config.maxHandoffs();
  }
}
