package dev.tether.supervisor.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a pool's workers stand: the number of slots kept, the worker serving each slot, a slot's
 * successor while it boots (recycling: it takes the slot once ready), the warm spares (in no
 * slot, each taking one over at once when ready), the slots waiting to be spawned, each slot's
 * restart count, and every worker not reaped yet. Bookkeeping only: when a worker is spawned,
 * placed, drained or replaced is the pool loop's decision.
 *
 * <p>A worker is at most one of serving, successor and spare; a spare's slot is {@link #SPARE}
 * until it is placed. Slots above the size stay listed, and their workers keep them until they
 * exit.
 *
 * <p>The pool's loop thread only. Owns no fds.
 */
final class SlotTable {
  /** The slot of a spare. */
  static final int SPARE = -1;

  /** What a worker was in the table when it left it. */
  enum Role {
    /** It served in its slot, which is empty now. */
    SERVING,
    /** It booted to replace its slot's serving worker. */
    SUCCESSOR,
    /** It waited, in no slot, to take one over. */
    SPARE,
    /** None of those any more: replaced in its slot, or dropped by a resize or the stop. */
    REPLACED
  }

  private final List<PooledWorker> slots = new ArrayList<>(); // serving, by slot; null: empty
  private final List<PooledWorker> serving = Collections.unmodifiableList(slots);
  private final List<Integer> restarts = new ArrayList<>(); // by slot
  private final Map<Integer, PooledWorker> successors = new HashMap<>();
  private final List<PooledWorker> spares = new ArrayList<>();
  private final ArrayDeque<Integer> toSpawn = new ArrayDeque<>();
  private final List<PooledWorker> live = new ArrayList<>(); // every worker not reaped yet
  private final List<PooledWorker> liveView = Collections.unmodifiableList(live);
  private final ReadyWorkers ready = new ReadyWorkers(slots);
  private int size;

  /** A table of {@code size} slots, listed once {@link #resize} is called. */
  SlotTable(int size) {
    this.size = size;
  }

  /** The serving workers as the sides that route work to them see them. */
  ReadyWorkers ready() {
    return ready;
  }

  /** The number of slots kept. */
  int size() {
    return size;
  }

  /** Keeps {@code newSize} slots, listing those not listed yet (empty, never restarted). */
  void resize(int newSize) {
    size = newSize;
    while (slots.size() < size) {
      slots.add(null);
      restarts.add(0);
    }
  }

  /** The slots listed: at least {@link #size()}, with those above it until emptied. */
  int listed() {
    return slots.size();
  }

  /** The worker serving {@code slot}, or null. */
  PooledWorker serving(int slot) {
    return slots.get(slot);
  }

  /** The serving workers, by slot (null: empty); a read-only view. */
  List<PooledWorker> serving() {
    return serving;
  }

  /** Every worker not reaped yet: serving, successors, spares, and those on their way out. */
  List<PooledWorker> live() {
    return liveView;
  }

  /** Whether {@code slot} has no worker: none serving, none booting to replace one. */
  boolean vacant(int slot) {
    return slots.get(slot) == null && !successors.containsKey(slot);
  }

  /** Adds a worker just spawned: a spare, {@code slot}'s successor, or the one serving it. */
  void add(PooledWorker w, boolean successor) {
    live.add(w);
    if (w.slot == SPARE) {
      spares.add(w);
    } else if (successor) {
      successors.put(w.slot, w);
    } else {
      slots.set(w.slot, w);
    }
  }

  /**
   * If {@code w} is its slot's successor, it serves there from now on; returns the worker it
   * replaces there, or null (none, or {@code w} is no successor).
   */
  PooledWorker promote(PooledWorker w) {
    if (successors.get(w.slot) != w) {
      return null;
    }
    successors.remove(w.slot);
    return slots.set(w.slot, w);
  }

  /** {@code w} was reaped: it leaves the table; returns what it was there. */
  Role remove(PooledWorker w) {
    live.remove(w);
    boolean spare = spares.remove(w);
    boolean served = w.slot >= 0 && slots.get(w.slot) == w;
    if (served) {
      slots.set(w.slot, null);
    }
    boolean successor = successors.remove(w.slot, w);
    return served ? Role.SERVING : successor ? Role.SUCCESSOR : spare ? Role.SPARE
        : Role.REPLACED;
  }

  // ---- successors ----

  /** Whether a successor boots for {@code slot}. */
  boolean hasSuccessor(int slot) {
    return successors.containsKey(slot);
  }

  /** Removes and returns {@code slot}'s successor, or null. */
  PooledWorker removeSuccessor(int slot) {
    return successors.remove(slot);
  }

  /** Successors booting. */
  int successors() {
    return successors.size();
  }

  // ---- spares ----

  /** Spares, booting or ready. */
  int spares() {
    return spares.size();
  }

  /** A ready spare, or null. */
  PooledWorker readySpare() {
    for (PooledWorker w : spares) {
      if (w.state == PooledWorker.State.READY) {
        return w;
      }
    }
    return null;
  }

  /** Puts {@code spare} in {@code slot} and returns the worker it replaces there, or null. */
  PooledWorker place(PooledWorker spare, int slot) {
    spares.remove(spare);
    spare.slot = slot;
    toSpawn.remove((Integer) slot);
    return slots.set(slot, spare);
  }

  // ---- the spawn queue and restarts ----

  /** Queues {@code slot} to be spawned. */
  void queueSpawn(int slot) {
    toSpawn.add(slot);
  }

  /** Queues {@code slot} to be spawned unless a worker serves it or it is queued already. */
  void queueSpawnIfEmpty(int slot) {
    if (slots.get(slot) == null && !toSpawn.contains(slot)) {
      toSpawn.add(slot);
    }
  }

  /** Whether a slot is queued to be spawned. */
  boolean anySpawnQueued() {
    return !toSpawn.isEmpty();
  }

  /** Takes the next slot queued to be spawned; {@link #anySpawnQueued()} first. */
  int nextToSpawn() {
    return toSpawn.poll();
  }

  /** The times {@code slot}'s serving worker was replaced after it ended. */
  int restarts(int slot) {
    return restarts.get(slot);
  }

  /** {@code slot}'s serving worker ended: one more restart. */
  void countRestart(int slot) {
    restarts.set(slot, restarts.get(slot) + 1);
  }

  /** The pool stops: no slot waits to be spawned, and no successor or spare will take one. */
  void forgetWaiting() {
    toSpawn.clear();
    successors.clear();
    spares.clear();
  }
}
