package dev.tether.supervisor;

/** Where a {@link WorkerPool} is in its life. */
public enum PoolState {
  /** Created; {@link WorkerPool#start()} not called yet. */
  NEW,
  /** Started; fewer workers than the pool's size are ready yet. */
  STARTING,
  /** As many workers ready as the pool's size. */
  SERVING,
  /** Fewer workers ready than the pool's size after it served: workers are being replaced. */
  DEGRADED,
  /**
   * The restart limit was hit (too many failures in the period, or the same boot failure again
   * and again): the pool spawns no more workers; those alive still serve.
   */
  GAVE_UP,
  /** {@link WorkerPool#stop()} runs. */
  STOPPING,
  /** Stopped: every worker ended. */
  STOPPED
}
