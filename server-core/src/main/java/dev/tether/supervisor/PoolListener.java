package dev.tether.supervisor;

/**
 * Events of a {@link WorkerPool}, for operators' tooling. Called on the pool's loop thread, one
 * at a time: keep them short and never wait on the pool from them. Exceptions are logged and
 * ignored.
 */
public interface PoolListener {
  /** A worker answered its first heartbeat and takes requests. */
  default void workerReady(WorkerStatus worker) {}

  /** A worker ended. */
  default void workerExited(ExitRecord record) {}

  /** A worker wrote {@code message}, which answers no request (a message of its own). */
  default void workerMessage(int pid, java.util.List<String> message) {}

  /** The pool stopped respawning workers; {@code why} says which limit was hit. */
  default void gaveUp(String why) {}
}
