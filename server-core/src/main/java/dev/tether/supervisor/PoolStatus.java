package dev.tether.supervisor;

import java.util.List;

/**
 * A pool at one moment, as {@code passenger-status} shows one: its state, its live workers and
 * its most recent exit records (newest last). Immutable snapshot.
 *
 * @param state the pool's state
 * @param size how many workers the pool keeps
 * @param queued requests waiting for a worker with room
 * @param workers the live workers, by slot
 * @param recentExits the most recent exit records, oldest first
 */
public record PoolStatus(PoolState state, int size, int queued, List<WorkerStatus> workers,
    List<ExitRecord> recentExits) {

  /** Copies the lists. */
  public PoolStatus {
    workers = List.copyOf(workers);
    recentExits = List.copyOf(recentExits);
  }

  /** How many workers are ready. */
  public long ready() {
    return workers.stream().filter(w -> w.state().equals("ready")).count();
  }
}
