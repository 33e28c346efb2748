package dev.tether.supervisor.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a pool replaces a worker that failed, and when it stops trying (SUPERVISOR.md):
 * <ul>
 *   <li>per slot, a delay that starts at {@code initialDelay} and doubles with each failure in a
 *       row up to {@code maxDelay}, of which a random half is taken off (jitter: slots that
 *       failed together do not come back together); a worker of the slot that stayed ready for
 *       {@code period} resets it;</li>
 *   <li>over the pool, Erlang/OTP's intensity: more than {@code maxFailures} failures within
 *       {@code period} and the pool gives up;</li>
 *   <li>the same boot failure {@code sameBootFailures} times in a row (a worker that dies before
 *       it is ready, the same way each time: a bad config, a missing class) and the pool gives
 *       up, however slowly the failures come.</li>
 * </ul>
 *
 * <p>Pure: times are passed in ({@link System#nanoTime()} values); no threads, no processes. Not
 * thread-safe (the pool's loop thread).
 */
public final class RestartPolicy {
  private final long initialDelay;
  private final long maxDelay;
  private final int maxFailures;
  private final long period;
  private final int sameBootFailures;
  private final RandomGenerator random;
  private final Map<Integer, Integer> failuresInARow = new HashMap<>();
  private final ArrayDeque<Long> recentFailures = new ArrayDeque<>();
  private String lastBootFailure;
  private int bootFailureRepeats;
  private String gaveUp;

  /**
   * @throws IllegalArgumentException if a duration is not positive, maxDelay is below
   *     initialDelay, or a count is below 1
   */
  public RestartPolicy(Duration initialDelay, Duration maxDelay, int maxFailures, Duration period,
      int sameBootFailures, RandomGenerator random) {
    this.initialDelay = positive("initialDelay", initialDelay);
    this.maxDelay = positive("maxDelay", maxDelay);
    this.period = positive("period", period);
    if (this.maxDelay < this.initialDelay) {
      throw new IllegalArgumentException("maxDelay : " + maxDelay + " (expected: >= initialDelay "
          + initialDelay + ")");
    }
    this.maxFailures = atLeastOne("maxFailures", maxFailures);
    this.sameBootFailures = atLeastOne("sameBootFailures", sameBootFailures);
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Records that the worker of {@code slot} failed at {@code now}.
   *
   * @param bootFailure what tells this boot failure from others (reason, status, last output
   *     line) if the worker died before it was ready, else null
   * @return nanoseconds to wait before spawning the slot's replacement, or -1 if the pool gives
   *     up ({@link #gaveUp()} says why)
   */
  public long failed(int slot, long now, String bootFailure) {
    if (gaveUp != null) {
      return -1;
    }
    recentFailures.addLast(now);
    while (now - recentFailures.peekFirst() > period) {
      recentFailures.removeFirst();
    }
    if (recentFailures.size() > maxFailures) {
      gaveUp = recentFailures.size() + " worker failures within " + Duration.ofNanos(period)
          .toMillis() + " ms (limit: " + maxFailures + ")";
      return -1;
    }
    if (bootFailure == null) {
      lastBootFailure = null;
      bootFailureRepeats = 0;
    } else {
      bootFailureRepeats = bootFailure.equals(lastBootFailure) ? bootFailureRepeats + 1 : 1;
      lastBootFailure = bootFailure;
      if (bootFailureRepeats >= sameBootFailures) {
        gaveUp = "the same boot failure " + bootFailureRepeats + " times in a row: "
            + bootFailure;
        return -1;
      }
    }
    int inARow = failuresInARow.merge(slot, 1, Integer::sum);
    long delay = initialDelay << Math.min(inARow - 1, 30);
    delay = delay <= 0 || delay > maxDelay ? maxDelay : delay;
    return delay - (long) (random.nextDouble() * (delay / 2));
  }

  /** The worker of {@code slot} stayed ready for the period: its next failure starts afresh. */
  public void stable(int slot) {
    failuresInARow.remove(slot);
  }

  /** A worker of some slot became ready: a boot failure is no longer "the same again". */
  public void booted() {
    lastBootFailure = null;
    bootFailureRepeats = 0;
  }

  /** Why the pool gave up, or null while it has not. */
  public String gaveUp() {
    return gaveUp;
  }

  /** Forgets every failure: the pool tries again (an operator's decision). */
  public void reset() {
    failuresInARow.clear();
    recentFailures.clear();
    lastBootFailure = null;
    bootFailureRepeats = 0;
    gaveUp = null;
  }

  /** How long a worker must stay ready for its slot's backoff to start afresh. */
  public long periodNanos() {
    return period;
  }

  private static long positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " : " + d + " (expected: > 0)");
    }
    return d.toNanos();
  }

  private static int atLeastOne(String what, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " : " + n + " (expected: >= 1)");
    }
    return n;
  }
}
