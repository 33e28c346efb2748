package dev.tether.benchmarks.echo;

import java.util.HashMap;
import java.util.Map;

/**
 * One measured point: what {@code echo_load} printed on its RESULT line, plus the server's CPU
 * time over the measured window (-1 if it could not be sampled).
 */
record LoadResult(int conns, long msgs, long total, double rate, double p50Us, double p99Us,
    double p999Us, long errors, long serverCpuMicros) {

  /** Server CPU microseconds per echoed message; robust to a noisy neighbour stealing time. */
  double cpuUsPerMsg() {
    return msgs == 0 || serverCpuMicros < 0 ? Double.NaN : (double) serverCpuMicros / msgs;
  }

  /**
   * Parses {@code RESULT conns=.. msgs=.. ...}.
   *
   * @throws IllegalArgumentException naming the line if a field is missing
   */
  static LoadResult parse(String line, long serverCpuMicros) {
    if (!line.startsWith("RESULT ")) {
      throw new IllegalArgumentException("not a RESULT line: " + line);
    }
    Map<String, String> f = new HashMap<>();
    for (String kv : line.substring(7).trim().split(" +")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        f.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    try {
      return new LoadResult(
          Integer.parseInt(f.get("conns")),
          Long.parseLong(f.get("msgs")),
          Long.parseLong(f.get("total")),
          Double.parseDouble(f.get("rate")),
          Double.parseDouble(f.get("p50_us")),
          Double.parseDouble(f.get("p99_us")),
          Double.parseDouble(f.get("p999_us")),
          Long.parseLong(f.get("errors")),
          serverCpuMicros);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed RESULT line: " + line, e);
    }
  }
}
