package dev.tether.benchmarks.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LatencyHistogramTest {

  @Test
  void percentilesAreWithinTheBucketError() {
    LatencyHistogram h = new LatencyHistogram();
    for (long us = 1; us <= 1000; us++) {
      h.record(us * 1000);
    }
    assertEquals(1000, h.count());
    assertEquals(500, h.percentileMicros(0.50), 500 * 0.016);
    assertEquals(990, h.percentileMicros(0.99), 990 * 0.016);
  }

  @Test
  void smallValuesAreExactAndHugeOnesStayInRange() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(100);
    h.record(Long.MAX_VALUE);
    assertEquals(0.1, h.percentileMicros(0.5), 1e-9);
    assertEquals(Long.MAX_VALUE / 1000.0, h.percentileMicros(1.0), Long.MAX_VALUE / 1000.0 * 0.016);
  }

  @Test
  void emptyHistogramReportsZero() {
    assertEquals(0, new LatencyHistogram().percentileMicros(0.99));
  }
}
