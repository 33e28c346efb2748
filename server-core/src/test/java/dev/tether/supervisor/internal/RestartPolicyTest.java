package dev.tether.supervisor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1000 * MS;

  /** A generator whose nextDouble is fixed: 0 takes no jitter off, 0.999... takes half. */
  private static RandomGenerator fixed(double d) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return d;
      }
    };
  }

  private static RestartPolicy policy(int maxFailures, Duration period, int sameBoot, double r) {
    return new RestartPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), maxFailures, period,
        sameBoot, fixed(r));
  }

  @Test
  void aSlotsDelayDoublesUpToTheMaximumAndStableResetsIt() {
    RestartPolicy p = policy(1000, Duration.ofSeconds(1), 1000, 0);
    long now = 0;
    long[] expected = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
    for (long ms : expected) {
      now += 2 * S; // outside the intensity period
      assertEquals(ms * MS, p.failed(0, now, null));
    }
    assertEquals(100 * MS, p.failed(1, now, null), "another slot has its own delay");
    p.stable(0);
    assertEquals(100 * MS, p.failed(0, now + 10 * S, null));
  }

  @Test
  void jitterTakesUpToHalfOff() {
    RestartPolicy p = policy(1000, Duration.ofSeconds(1), 1000, 0.5);
    assertEquals(75 * MS, p.failed(0, 0, null));
    assertEquals(150 * MS, p.failed(0, 2 * S, null));
  }

  @Test
  void moreFailuresThanTheIntensityWithinThePeriodGiveUp() {
    RestartPolicy p = policy(5, Duration.ofSeconds(10), 1000, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(p.failed(i, i * S, null) > 0);
    }
    assertNull(p.gaveUp());
    assertEquals(-1, p.failed(0, 9 * S, null));
    assertEquals("6 worker failures within 10000 ms (limit: 5)", p.gaveUp());
    assertEquals(-1, p.failed(1, 100 * S, null), "once given up, until reset");
    p.reset();
    assertEquals(100 * MS, p.failed(0, 200 * S, null));
  }

  @Test
  void failuresOutsideThePeriodDoNotCount() {
    RestartPolicy p = policy(2, Duration.ofSeconds(10), 1000, 0);
    for (int i = 0; i < 10; i++) {
      assertTrue(p.failed(0, i * 6 * S, null) > 0, "failure " + i);
    }
  }

  @Test
  void theSameBootFailureRepeatedGivesUpAnOtherOneStartsOver() {
    RestartPolicy p = policy(1000, Duration.ofSeconds(1), 3, 0);
    assertTrue(p.failed(0, 0, "CRASHED Exited(1): boom") > 0);
    assertTrue(p.failed(0, 5 * S, "CRASHED Exited(1): boom") > 0);
    assertTrue(p.failed(0, 10 * S, "CRASHED Exited(1): other") > 0, "another failure");
    assertTrue(p.failed(0, 15 * S, "CRASHED Exited(1): boom") > 0);
    assertTrue(p.failed(0, 20 * S, "CRASHED Exited(1): boom") > 0);
    p.booted(); // a worker got ready in between: not "in a row"
    assertTrue(p.failed(0, 25 * S, "CRASHED Exited(1): boom") > 0);
    assertTrue(p.failed(0, 30 * S, "CRASHED Exited(1): boom") > 0);
    assertEquals(-1, p.failed(0, 35 * S, "CRASHED Exited(1): boom"));
    assertEquals("the same boot failure 3 times in a row: CRASHED Exited(1): boom", p.gaveUp());
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RestartPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 5,
            Duration.ofSeconds(10), 3, fixed(0)));
    assertTrue(e.getMessage().startsWith("maxDelay : PT1S"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> policy(0, Duration.ofSeconds(1), 3, 0));
    assertEquals("maxFailures : 0 (expected: >= 1)", e.getMessage());
  }
}
