package dev.tether.supervisor.internal;

import dev.tether.supervisor.ExitReason;
import dev.tether.supervisor.PoolState;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recycling: marks a serving worker once it passed one of its limits (requests served,
 * connections handed, heap used), or every one for a rolling restart, and replaces those marked
 * while fewer than {@code maxRecycling} slots recycle and the boot pacing allows. A ready spare
 * takes over at once; otherwise a successor boots, and the old worker serves until it is ready.
 * The pool does the replacing (placing, spawning, draining); this class decides which and when.
 *
 * <p>The pool's loop thread only. Owns no fds.
 */
final class Recycler {
  private static final Logger LOG = LoggerFactory.getLogger(Recycler.class);

  private final PoolConfig config;
  private final SlotTable slots;
  private final Supplier<PoolState> state;
  private final IntSupplier booting;
  private final ObjIntConsumer<PooledWorker> takeOver;
  private final IntConsumer spawnSuccessor;

  /**
   * Recycling in {@code slots}; {@code state} is the pool's, {@code booting} the number of its
   * workers booting. To replace a worker it asks the pool to {@code takeOver} a slot with a ready
   * spare (the worker there drains), or to {@code spawnSuccessor} for a slot.
   */
  Recycler(PoolConfig config, SlotTable slots, Supplier<PoolState> state, IntSupplier booting,
      ObjIntConsumer<PooledWorker> takeOver, IntConsumer spawnSuccessor) {
    this.config = config;
    this.slots = slots;
    this.state = state;
    this.booting = booting;
    this.takeOver = takeOver;
    this.spawnSuccessor = spawnSuccessor;
  }

  /**
   * A worker's own limit: {@code limit} plus up to a tenth more, so that workers never recycle
   * in lockstep (the jitter cannot be turned off); 0 (off) stays 0.
   */
  static long limit(long limit) {
    return limit <= 0 ? 0
        : limit + ThreadLocalRandom.current().nextLong(Math.max(1, limit / 10) + 1);
  }

  /** Marks {@code w} for recycling if it passed one of its limits. */
  void checkLimits(PooledWorker w) {
    if (!w.recycle && w.state == PooledWorker.State.READY
        && ((w.requestLimit > 0 && w.served >= w.requestLimit)
            || (w.connectionLimit > 0 && w.handedTotal >= w.connectionLimit)
            || (config.recycleHeap() > 0 && w.heapAfterGc > config.recycleHeap()))) {
      LOG.info("pool of {}: slot {}: worker {} reached a recycling limit ({} requests, {}"
          + " connections, {} bytes of heap after GC)", config.serverClass(), w.slot, w.pid(),
          w.served, w.handedTotal, w.heapAfterGc);
      w.recycle = true;
      recycleDue();
    }
  }

  /** Rolling restart: every serving worker is recycled, {@code maxRecycling} at a time. */
  void restart() {
    for (PooledWorker w : slots.serving()) {
      if (w != null && w.state == PooledWorker.State.READY) {
        w.recycle = true;
      }
    }
    recycleDue();
  }

  /**
   * Starts successors for workers marked for recycling, while fewer than {@code maxRecycling}
   * slots recycle (a successor booting, or a recycled worker draining) and the boot pacing
   * allows: the old worker serves until its successor is ready.
   */
  void recycleDue() {
    PoolState now = state.get();
    if (now == PoolState.STOPPING || now == PoolState.STOPPED || now == PoolState.GAVE_UP) {
      return;
    }
    int recycling = slots.successors();
    for (PooledWorker w : slots.live()) {
      if (w.endedBy == ExitReason.RECYCLED) {
        recycling++;
      }
    }
    for (int slot = 0; slot < slots.size() && recycling < config.maxRecycling()
        && booting.getAsInt() < config.bootConcurrency(); slot++) {
      PooledWorker w = slots.serving(slot);
      if (w != null && w.recycle && w.state == PooledWorker.State.READY
          && !slots.hasSuccessor(slot)) {
        PooledWorker spare = slots.readySpare();
        if (spare != null) { // takes over now; the recycled worker drains
          takeOver.accept(spare, slot);
        } else {
          spawnSuccessor.accept(slot);
        }
        recycling++;
      }
    }
  }
}
