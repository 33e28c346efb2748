package dev.tether.supervisor.internal;

import dev.tether.reactor.Timer;
import dev.tether.server.internal.ChildProcess;
import dev.tether.supervisor.ExitReason;
import dev.tether.supervisor.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker of a pool as the pool's loop sees it: its process, its channel, where it is in its
 * life, its requests in flight and its last heartbeat answer. The pool's loop thread only.
 */
final class PooledWorker {
  enum State {
    BOOTING, READY, DRAINING, STOPPING, GONE;

    String label() {
      return name().toLowerCase();
    }
  }

  /** Its slot; {@code -1} while it is a spare (a spare that takes over gets the slot). */
  int slot;
  final int restarts;
  final ChildProcess process;
  final OutputTail output;
  final Instant startedAt = Instant.now();
  final long startedNanos = System.nanoTime();
  final Map<Long, PoolRequest> inFlight = new LinkedHashMap<>();
  /** A connection handed over: the pool's copy of its fd, and bytes read before (handed back). */
  record Handoff(int fd, byte[] alreadyRead) {}

  /** Connections handed over and not acknowledged, by id. */
  final Map<Long, Handoff> handoffs = new LinkedHashMap<>();
  /** Connections handed over since the last heartbeat answer counted its connections. */
  int handedSinceBeat;
  WorkerLink link;
  State state = State.BOOTING;
  /** Why the pool ended it, or null if it ended on its own. */
  ExitReason endedBy;
  List<String> threadDump = List.of();
  long lastAnswerNanos = System.nanoTime();
  boolean wasReady;
  long beatsSent;
  /** Sequence number of the last heartbeat answered, and of the first sent after DRAIN. */
  long answeredBeat;
  long drainBeat = Long.MAX_VALUE;
  long lagMicros;
  int connections;
  long heapUsed;
  /** Heap in use after the worker's last GC (last heartbeat), or -1 while not known. */
  long heapAfterGc = -1;
  long served;
  /** Boot timeout, then the stop escalation's next step; null if none. */
  Timer timer;

  /** Requests served, then connections handed, after which it is recycled; 0: no limit. */
  final long requestLimit;
  final long connectionLimit;
  long handedTotal;
  /** Marked for recycling: a successor replaces it as soon as the pool allows. */
  boolean recycle;

  PooledWorker(int slot, int restarts, ChildProcess process, OutputTail output,
      long requestLimit, long connectionLimit) {
    this.slot = slot;
    this.restarts = restarts;
    this.process = process;
    this.output = output;
    this.requestLimit = requestLimit;
    this.connectionLimit = connectionLimit;
  }

  int pid() {
    return process.pid();
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  WorkerStatus status() {
    return new WorkerStatus(slot, pid(), slot < 0 && state == State.READY ? "spare"
        : state.label(),
        Duration.ofNanos(System.nanoTime() - startedNanos), served, inFlight.size(), connections,
        handedTotal, handoffs.size(), heapUsed, Duration.ofNanos(lagMicros * 1000), restarts);
  }
}
