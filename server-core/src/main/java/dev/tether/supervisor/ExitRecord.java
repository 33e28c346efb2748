package dev.tether.supervisor;

import dev.tether.reactor.ExitStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the pool knows of a worker that ended: why, how, when, after how long and how much work,
 * and its last output (bounded). Immutable.
 *
 * @param slot the pool slot the worker held (its replacement takes the same)
 * @param pid the worker's process id, or 0 if it never started
 * @param reason why it ended
 * @param status how the process ended (exit code, signal, or failed to start)
 * @param ready whether it was ever ready (answered its first heartbeat); false is a boot failure
 * @param startedAt when it was spawned
 * @param endedAt when the pool saw it end
 * @param requestsServed requests it answered
 * @param lastOutput its last lines of stdout and stderr, oldest first, without the pid prefix
 * @param threadDump the thread dump taken before the pool killed it, or empty
 */
public record ExitRecord(int slot, int pid, ExitReason reason, ExitStatus status, boolean ready,
    Instant startedAt, Instant endedAt, long requestsServed, List<String> lastOutput,
    List<String> threadDump) {

  /** Checks and copies the fields. */
  public ExitRecord {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    lastOutput = List.copyOf(lastOutput);
    threadDump = List.copyOf(threadDump);
  }

  /** How long the worker lived. */
  public Duration uptime() {
    return Duration.between(startedAt, endedAt);
  }

  /** One line for logs: slot, pid, reason, status, uptime, requests. */
  public String summary() {
    return "worker " + pid + " (slot " + slot + ") " + reason.name().toLowerCase().replace('_',
        ' ') + ": " + status + (ready ? "" : " before it was ready") + " after "
        + uptime().toMillis() + " ms, " + requestsServed + " request(s) served";
  }
}
