package dev.tether.supervisor.internal;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The pool's serving workers, by slot, as the sides that route work to them see them: how many
 * are ready, and which ready one is the least loaded. A read-only view of the slots the pool
 * keeps; its one state is where the next search starts, shared by every choice (requests and
 * connections alike), so that equally loaded workers take turns.
 *
 * <p>The pool's loop thread only.
 */
final class ReadyWorkers {
  private final List<PooledWorker> slots; // the pool's; null: empty
  private int rotation; // the slot where the next search starts

  ReadyWorkers(List<PooledWorker> slots) {
    this.slots = Collections.unmodifiableList(slots);
  }

  /** Serving workers that are ready. */
  int count() {
    int ready = 0;
    for (PooledWorker w : slots) {
      if (w != null && w.state == PooledWorker.State.READY) {
        ready++;
      }
    }
    return ready;
  }

  /** Whether a ready worker has room; moves nothing (a check, not a choice). */
  boolean anyHasRoom(Predicate<PooledWorker> hasRoom) {
    for (PooledWorker w : slots) {
      if (w != null && w.state == PooledWorker.State.READY && hasRoom.test(w)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The ready worker with room that no other is {@code lighter} than, the first from where the
   * last choice left off among equals; null if none has room. Each choice moves the start past
   * the worker chosen.
   */
  PooledWorker leastLoaded(Predicate<PooledWorker> hasRoom, Comparator<PooledWorker> lighter) {
    PooledWorker best = null;
    int n = slots.size();
    for (int i = 0; i < n; i++) {
      PooledWorker w = slots.get((rotation + i) % n);
      if (w == null || w.state != PooledWorker.State.READY || !hasRoom.test(w)) {
        continue;
      }
      if (best == null || lighter.compare(w, best) < 0) {
        best = w;
      }
    }
    if (best != null) {
      rotation = (best.slot + 1) % n;
    }
    return best;
  }
}
