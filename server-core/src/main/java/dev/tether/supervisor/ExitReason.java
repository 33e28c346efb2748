package dev.tether.supervisor;

/** Why a pool's worker ended, as its {@link ExitRecord} tells. */
public enum ExitReason {
  /** The pool asked it to stop (pool stop, shrink) and it did. */
  STOPPED,
  /** The pool replaced it after its request limit or heap limit (recycling). */
  RECYCLED,
  /** It exited on its own: the record's status has the code. */
  CRASHED,
  /** A signal the pool did not send ended it: the record's status has the signal. */
  KILLED_BY_SIGNAL,
  /** It answered no heartbeat for the hang timeout; the pool took a thread dump and killed it. */
  HUNG,
  /** It was not ready within the boot timeout; the pool took a thread dump and killed it. */
  BOOT_TIMEOUT,
  /** It ran out of memory (an OutOfMemoryError in its last output). */
  OUT_OF_MEMORY,
  /** No process could be started. */
  FAILED_TO_START
}
