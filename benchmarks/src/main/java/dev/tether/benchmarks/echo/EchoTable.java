package dev.tether.benchmarks.echo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Collects each (server, conns) point per round and prints medians over rounds, with ratios to
 * the first server (Netty) taken round by round (a server against Netty measured seconds apart)
 * and then the median of those, plus the goal check for Tether at the largest connection count.
 */
final class EchoTable {
  private final int[] conns;
  /** server -> conns -> round -> result. */
  private final Map<String, Map<Integer, TreeMap<Integer, LoadResult>>> results =
      new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  EchoTable(int[] conns) {
    this.conns = conns.clone();
  }

  void addServer(String name) {
    Map<Integer, TreeMap<Integer, LoadResult>> byConns = new LinkedHashMap<>();
    for (int c : conns) {
      byConns.put(c, new TreeMap<>());
    }
    results.put(name, byConns);
  }

  boolean isEmpty() {
    return results.isEmpty();
  }

  void add(String server, int round, LoadResult r) {
    results.get(server).get(r.conns()).put(round, r);
  }

  void fail(String server, int c, String why) {
    failures.add(server + " @ " + c + " conns: " + why);
  }

  void print(PrintStream out) {
    String base = results.isEmpty() ? null : results.keySet().iterator().next();
    out.println();
    out.printf("%-10s %6s %10s %9s %9s %9s %10s %8s %6s %6s   %s%n", "server", "conns", "msgs/s",
        "p50 us", "p99 us", "p99.9 us", "cpu us/msg", "x" + base, "p99 x", "cpu x",
        "msgs/s per round");
    for (int c : conns) {
      Map<Integer, LoadResult> baseRuns = base == null ? Map.of() : results.get(base).get(c);
      for (Map.Entry<String, Map<Integer, TreeMap<Integer, LoadResult>>> e : results.entrySet()) {
        Map<Integer, LoadResult> runs = e.getValue().get(c);
        if (runs.isEmpty()) {
          out.printf("%-10s %6d %10s%n", e.getKey(), c, "(failed)");
          continue;
        }
        out.printf("%-10s %6d %10.0f %9.1f %9.1f %9.1f %10.2f %8s %6s %6s   %s%n", e.getKey(), c,
            median(runs, LoadResult::rate), median(runs, LoadResult::p50Us),
            median(runs, LoadResult::p99Us), median(runs, LoadResult::p999Us),
            median(runs, LoadResult::cpuUsPerMsg),
            format(ratio(runs, baseRuns, LoadResult::rate)),
            format(ratio(runs, baseRuns, LoadResult::p99Us)),
            format(ratio(runs, baseRuns, LoadResult::cpuUsPerMsg)), perRound(runs));
      }
    }
    goal(out, base);
    failures.forEach(f -> out.println("FAILED " + f));
    out.println("(medians over rounds; x" + base + ", p99 x, cpu x = msgs/s, p99 and cpu us/msg"
        + " divided by " + base + "'s in the same round, median over rounds; cpu us/msg = server"
        + " CPU time (all threads) per echo over the measured window: the steadiest number on a"
        + " shared machine)");
  }

  private void goal(PrintStream out, String base) {
    int top = Arrays.stream(conns).max().orElse(0);
    Map<Integer, TreeMap<Integer, LoadResult>> tether = results.get("tether");
    if (base == null || tether == null) {
      return;
    }
    double thr = ratio(tether.get(top), results.get(base).get(top), LoadResult::rate);
    double p99 = ratio(tether.get(top), results.get(base).get(top), LoadResult::p99Us);
    double cpu = ratio(tether.get(top), results.get(base).get(top), LoadResult::cpuUsPerMsg);
    if (Double.isNaN(thr) || Double.isNaN(p99)) {
      return;
    }
    out.printf("goal at %d conns: tether msgs/s %.2fx %s (want >= 1.00) %s,"
        + " p99 %.2fx (want <= 1.50) %s; cpu per echo %sx%n",
        top, thr, base, thr >= 1.0 ? "MET" : "NOT MET", p99,
        p99 <= 1.5 ? "MET" : "NOT MET", format(cpu));
  }

  /** Median over the rounds both have of {@code f(run) / f(base run)}; NaN if none in common. */
  static double ratio(Map<Integer, LoadResult> runs, Map<Integer, LoadResult> base,
      ToDoubleFunction<LoadResult> f) {
    double[] r = runs.entrySet().stream()
        .filter(e -> base.containsKey(e.getKey()))
        .mapToDouble(e -> f.applyAsDouble(e.getValue()) / f.applyAsDouble(base.get(e.getKey())))
        .filter(v -> !Double.isNaN(v) && !Double.isInfinite(v))
        .sorted()
        .toArray();
    return median(r);
  }

  private static String format(double ratio) {
    return Double.isNaN(ratio) ? "-" : String.format("%.2f", ratio);
  }

  private static String perRound(Map<Integer, LoadResult> runs) {
    StringBuilder sb = new StringBuilder();
    for (LoadResult r : runs.values()) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format("%.0f", r.rate()));
      if (r.errors() > 0) {
        sb.append("(").append(r.errors()).append(" errors)");
      }
    }
    return sb.toString();
  }

  static double median(Map<Integer, LoadResult> runs, ToDoubleFunction<LoadResult> f) {
    return median(runs.values().stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).sorted()
        .toArray());
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
