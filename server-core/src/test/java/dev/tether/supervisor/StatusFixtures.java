package dev.tether.supervisor;

import dev.tether.reactor.ExitStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Pool statuses built by hand, for the renderers and the status server. */
public final class StatusFixtures {
  /** Every troublesome character class an output line may hold. */
  public static final String NASTY = "q\" b\\ nl\n cr\r tab\t esc\u001b[31m nul\u0000 del\u007f"
      + " c1\u0085 \u00e9\u4e2d \ud83d\ude00 lone\ud800 end";

  private StatusFixtures() {}

  /** Two workers, one ready, and two exit records (a crash whose output is {@link #NASTY}). */
  public static PoolStatus sample(PoolState state) {
    Instant t0 = Instant.parse("2026-01-02T03:04:05Z");
    return new PoolStatus(state, 2, 3, List.of(
        new WorkerStatus(0, 101, "ready", Duration.ofMillis(3_723_456), 42, 1, 2, 17, 0,
            5L * 1024 * 1024 + 512 * 1024, Duration.ofMillis(7), 1),
        new WorkerStatus(1, 102, "booting", Duration.ofMillis(900), 0, 0, 0, 0, 0, 0,
            Duration.ZERO, 0)),
        List.of(new ExitRecord(0, 99, ExitReason.CRASHED, new ExitStatus.Exited(3), true, t0,
                t0.plusMillis(1500), 7, List.of("first", NASTY), List.of()),
            new ExitRecord(1, 98, ExitReason.KILLED_BY_SIGNAL, new ExitStatus.Signaled(9), false,
                t0, t0.plusMillis(20), 0, List.of(), List.of("\"main\" #1"))));
  }
}
