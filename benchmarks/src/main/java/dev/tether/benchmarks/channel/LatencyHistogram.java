package dev.tether.benchmarks.channel;

/**
 * Latencies in nanoseconds, in the same log-linear buckets as the C benchmarks (exact below 128
 * ns, then 64 sub-buckets per power of two: under 1.6% error), so Java and C percentiles are
 * rounded alike. Fixed size whatever is recorded. Not thread-safe: one recording thread.
 */
final class LatencyHistogram {
  private static final int BUCKETS = 3840;

  private final long[] counts = new long[BUCKETS];
  private long total;

  void record(long nanos) {
    counts[bucketOf(Math.max(0, nanos))]++;
    total++;
  }

  long count() {
    return total;
  }

  /** The value at percentile {@code p} (0..1) in microseconds, 0 if nothing was recorded. */
  double percentileMicros(double p) {
    long rank = Math.max(1, (long) (p * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return bucketMid(i) / 1000.0;
      }
    }
    return 0;
  }

  private static int bucketOf(long v) {
    if (v < 128) {
      return (int) v;
    }
    int msb = 63 - Long.numberOfLeadingZeros(v);
    int shift = msb - 6;
    return 128 + (shift - 1) * 64 + (int) (v >>> shift) - 64;
  }

  private static double bucketMid(int idx) {
    if (idx < 128) {
      return idx;
    }
    int shift = (idx - 128) / 64 + 1;
    long top = (idx - 128) % 64 + 64;
    return (double) (top << shift) + (double) (1L << shift) / 2.0;
  }
}
