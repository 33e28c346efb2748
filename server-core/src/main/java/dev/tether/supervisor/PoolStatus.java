package dev.tether.supervisor;

import dev.tether.supervisor.internal.StatusJson;
import dev.tether.supervisor.internal.StatusMetrics;
import dev.tether.supervisor.internal.StatusTable;
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

  /**
   * This status as one line of JSON, pure ASCII, with stable field names: {@code state},
   * {@code size}, {@code ready}, {@code queued}, {@code workers} (each {@code slot}, {@code pid},
   * {@code state}, {@code uptimeMs}, {@code requestsServed}, {@code inFlight},
   * {@code connections}, {@code handoffs}, {@code heapUsedBytes}, {@code loopLagMs},
   * {@code restarts}) and {@code recentExits} (each {@code slot}, {@code pid}, {@code reason},
   * {@code status} as {@code {"type":"exited","code":n}}, {@code {"type":"signaled","signal":n}}
   * or {@code {"type":"failedToStart","cause":text}}, {@code ready}, {@code startedAt} and
   * {@code endedAt} in ISO-8601, {@code uptimeMs}, {@code requestsServed}, {@code summary},
   * {@code lastOutput}, {@code threadDump}). Durations are whole milliseconds.
   */
  public String toJson() {
    return StatusJson.of(this);
  }

  /**
   * This status as a table for people, as {@code passenger-status} prints one: the pool's state,
   * one line per worker (slot, pid, state, uptime, served, in flight, connections, heap MiB, loop
   * lag ms, restarts), then the last exit records with their last output line.
   */
  public String toTable() {
    return StatusTable.of(this);
  }

  /**
   * This status in Prometheus' text format: {@code tether_pool_*} gauges, and
   * {@code tether_worker_*} series labelled {@code slot} and {@code pid}, in seconds and bytes.
   */
  public String toMetrics() {
    return StatusMetrics.of(this);
  }
}
