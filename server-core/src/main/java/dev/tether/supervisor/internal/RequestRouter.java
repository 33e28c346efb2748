package dev.tether.supervisor.internal;

import dev.tether.reactor.ExitStatus;
import dev.tether.reactor.Reactor;
import dev.tether.server.CallTimeoutException;
import dev.tether.server.ErrorReplyException;
import dev.tether.server.ServerErrorException;
import dev.tether.server.internal.Dispatcher;
import dev.tether.server.internal.PoolProtocol;
import dev.tether.supervisor.PoolState;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request side of a pool: sends each request, under an id, to the ready worker with the
 * fewest requests in flight (below the in-flight limit), queues it while none has room, and
 * completes its future with the reply, an error reply, a timeout, a rejection (queue full, pool
 * stopping or given up) or the failure of a worker that ended with it in flight.
 *
 * <p>Owns the queue and the requests' deadline timers; a request in flight is kept by its worker
 * ({@link PooledWorker#inFlight}). The pool's loop thread only; the futures complete on it.
 */
final class RequestRouter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);
  /** Fewest requests in flight, then the least loop lag. */
  private static final Comparator<PooledWorker> LIGHTER =
      Comparator.<PooledWorker>comparingInt(w -> w.inFlight.size())
          .thenComparingLong(w -> w.lagMicros);

  private final PoolConfig config;
  private final Reactor reactor;
  private final ReadyWorkers workers;
  private final Supplier<PoolState> state;
  private final Supplier<String> gaveUp;
  private final LongSupplier ids;
  private final Consumer<PooledWorker> checkLimits;
  private final Consumer<PooledWorker> stopIfDrained;
  private final ArrayDeque<PoolRequest> queue = new ArrayDeque<>();

  /**
   * A router over {@code workers}; {@code state} and {@code gaveUp} (the restart policy's reason,
   * or null) are the pool's, {@code ids} its message ids. It tells the pool of each reply a
   * worker sends: {@code checkLimits} once it counts as served, {@code stopIfDrained} once the
   * request is done.
   */
  RequestRouter(PoolConfig config, Reactor reactor, ReadyWorkers workers,
      Supplier<PoolState> state, Supplier<String> gaveUp, LongSupplier ids,
      Consumer<PooledWorker> checkLimits, Consumer<PooledWorker> stopIfDrained) {
    this.config = config;
    this.reactor = reactor;
    this.workers = workers;
    this.state = state;
    this.gaveUp = gaveUp;
    this.ids = ids;
    this.checkLimits = checkLimits;
    this.stopIfDrained = stopIfDrained;
  }

  /** Requests waiting for a worker. */
  int queued() {
    return queue.size();
  }

  /** Sends {@code request} to the least loaded worker, or queues it, or rejects it. */
  void submit(PoolRequest request) {
    PoolState now = state.get();
    if (now == PoolState.STOPPING || now == PoolState.STOPPED) {
      reject(request, "the pool is " + now.name().toLowerCase());
      return;
    }
    if (request.timeout != null) {
      request.deadline = reactor.addTimer(request.timeout, () -> timedOut(request));
    }
    PooledWorker w = leastLoaded();
    if (w != null) {
      send(w, request);
    } else if (now == PoolState.GAVE_UP && workers.count() == 0) {
      reject(request, "the pool gave up respawning workers (" + gaveUp.get()
          + ") and none is left");
    } else if (queue.size() < config.queueLimit()) {
      queue.addLast(request);
    } else {
      reject(request, "every worker has " + config.maxInFlight() + " requests in flight and "
          + queue.size() + " requests are queued (limit: " + config.queueLimit() + ")");
    }
  }

  /** {@code w} answered: {@code message} is the reply tag, the request's id, then the reply. */
  void replied(PooledWorker w, List<String> message) {
    long id;
    try {
      id = Long.parseLong(message.get(1));
    } catch (NumberFormatException e) {
      id = -1;
    }
    PoolRequest request = w.inFlight.remove(id);
    if (request == null) {
      LOG.warn("pool of {}: worker {} answered request {}, which is not in flight; dropped",
          config.serverClass(), w.pid(), message.get(1));
      return;
    }
    w.served++;
    checkLimits.accept(w);
    request.cancelDeadline();
    List<String> reply = List.copyOf(message.subList(2, message.size()));
    if (!reply.isEmpty() && reply.get(0).equals(Dispatcher.ERROR)) {
      request.reply.completeExceptionally(
          new ErrorReplyException(config.serverClass(), request.name(), reply));
    } else {
      request.reply.complete(reply); // a request that timed out is done already: dropped
    }
    stopIfDrained.accept(w);
    dispatchQueued();
  }

  /** Sends queued requests while a worker has room. */
  void dispatchQueued() {
    PooledWorker w;
    while (!queue.isEmpty() && (w = leastLoaded()) != null) {
      send(w, queue.pollFirst());
    }
  }

  /** {@code w} ended ({@code how}): what it had in flight fails. */
  void failInFlight(PooledWorker w, ExitStatus how) {
    for (PoolRequest request : w.inFlight.values()) {
      request.cancelDeadline();
      request.reply.completeExceptionally(new ServerErrorException(config.serverClass(),
          w.pid(), how, "while handling '" + request.name() + "'", null));
    }
    w.inFlight.clear();
  }

  /** The pool gave up respawning: with no worker left to serve, what is queued is rejected. */
  void rejectQueuedIfNoneServes() {
    if (workers.count() == 0) {
      rejectQueued("the pool gave up respawning workers (" + gaveUp.get() + ")");
    }
  }

  /** Rejects every queued request, saying {@code why}. */
  void rejectQueued(String why) {
    PoolRequest request;
    while ((request = queue.pollFirst()) != null) {
      reject(request, why);
    }
  }

  private void reject(PoolRequest request, String why) {
    request.reject(config.serverClass(), why);
  }

  private void send(PooledWorker w, PoolRequest request) {
    request.id = ids.getAsLong();
    request.worker = w;
    w.inFlight.put(request.id, request);
    w.link.send(PoolProtocol.tagged(PoolProtocol.CALL, Long.toString(request.id),
        request.message));
  }

  /** The least loaded ready worker below the in-flight limit, or null. */
  private PooledWorker leastLoaded() {
    return workers.leastLoaded(w -> w.inFlight.size() < config.maxInFlight(), LIGHTER);
  }

  private void timedOut(PoolRequest request) {
    request.deadline = null;
    if (request.worker == null) {
      queue.remove(request);
    }
    // Still in flight on its worker (it counts against its load) until the late reply comes.
    request.reply.completeExceptionally(new CallTimeoutException(config.serverClass(),
        request.worker == null ? 0 : request.worker.pid(), request.name(), request.timeout,
        false));
  }
}
