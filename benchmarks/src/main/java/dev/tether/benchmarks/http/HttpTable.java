package dev.tether.benchmarks.http;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Collects each (mode, server) point per round and prints medians over rounds, then per mode the
 * ratio of Tether to Netty taken round by round (the two measured seconds apart) and the median
 * of those, for Tether's one reactor and its pool.
 */
final class HttpTable {
  /** One measured run: wrk's figures and the server's CPU time per request. */
  record Point(WrkResult wrk, double cpuUsPerRequest) {}

  static final String POOL_ROW = "Tether pool, 2 workers, handoff";

  private final Map<String, String> labels;
  /** mode -> server -> round -> point. */
  private final Map<Wrk.Mode, Map<String, TreeMap<Integer, Point>>> points =
      new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  /** {@code labels}: server name to the label of its row, in table order. */
  HttpTable(Map<String, String> labels) {
    this.labels = new LinkedHashMap<>(labels);
    for (Wrk.Mode m : Wrk.Mode.values()) {
      Map<String, TreeMap<Integer, Point>> byServer = new LinkedHashMap<>();
      labels.keySet().forEach(s -> byServer.put(s, new TreeMap<>()));
      points.put(m, byServer);
    }
  }

  void add(Wrk.Mode mode, String server, int round, Point p) {
    points.get(mode).get(server).put(round, p);
  }

  void fail(Wrk.Mode mode, String server, String why) {
    failures.add(server + " (" + mode.label + "): " + why);
  }

  void print(PrintStream out) {
    out.println();
    out.printf("%-18s %-31s %10s %8s %10s %6s   %s%n", "connections", "server", "requests/s",
        "p99 ms", "cpu us/req", "errors", "requests/s @ p99 ms per round");
    for (Map.Entry<Wrk.Mode, Map<String, TreeMap<Integer, Point>>> m : points.entrySet()) {
      for (Map.Entry<String, String> s : labels.entrySet()) {
        TreeMap<Integer, Point> runs = m.getValue().get(s.getKey());
        if (runs.isEmpty()) {
          out.printf("%-18s %-31s %10s%n", m.getKey().label, s.getValue(), "(not run)");
          continue;
        }
        out.printf("%-18s %-31s %10.0f %8.2f %10.1f %6d   %s%n", m.getKey().label, s.getValue(),
            median(runs, p -> p.wrk().requestsPerSecond()), median(runs, p -> p.wrk().p99Ms()),
            median(runs, Point::cpuUsPerRequest),
            runs.values().stream().mapToLong(p -> p.wrk().errors()).sum(), perRound(runs));
      }
    }
    out.println();
    for (String server : List.of("tether", "pool")) {
      for (Map.Entry<Wrk.Mode, Map<String, TreeMap<Integer, Point>>> m : points.entrySet()) {
        TreeMap<Integer, Point> ours = m.getValue().get(server);
        TreeMap<Integer, Point> netty = m.getValue().get("netty");
        if (ours == null || ours.isEmpty() || netty == null || netty.isEmpty()) {
          continue;
        }
        out.printf("%-6s/netty, %-18s requests/s %sx  p99 %sx  cpu per request %sx%s%n", server,
            m.getKey().label + ":",
            format(ratio(ours, netty, p -> p.wrk().requestsPerSecond())),
            format(ratio(ours, netty, p -> p.wrk().p99Ms())),
            format(ratio(ours, netty, Point::cpuUsPerRequest)),
            server.equals("pool") ? "   (goal: requests/s >= "
                + (m.getKey() == Wrk.Mode.KEEP_ALIVE ? "0.8" : "0.7") + "x, p99 <= 1.5x)" : "");
      }
    }
    failures.forEach(f -> out.println("FAILED " + f));
    out.println("(medians over rounds; ratios are taken round by round, median over rounds, so"
        + " they need not equal the ratio of the medians; cpu us/req = the server's CPU time,"
        + " all threads, over the run / requests; errors = wrk's socket errors + non-2xx"
        + " answers, all rounds)");
  }

  private static String perRound(TreeMap<Integer, Point> runs) {
    StringBuilder sb = new StringBuilder();
    for (Point p : runs.values()) {
      sb.append(sb.length() == 0 ? "" : "  ")
          .append(String.format("%.0f @ %.1f", p.wrk().requestsPerSecond(), p.wrk().p99Ms()));
    }
    return sb.toString();
  }

  private static double ratio(TreeMap<Integer, Point> runs, TreeMap<Integer, Point> base,
      ToDoubleFunction<Point> f) {
    return median(runs.entrySet().stream()
        .filter(e -> base.containsKey(e.getKey()))
        .mapToDouble(e -> f.applyAsDouble(e.getValue()) / f.applyAsDouble(base.get(e.getKey())))
        .filter(v -> !Double.isNaN(v) && !Double.isInfinite(v))
        .sorted().toArray());
  }

  private static double median(TreeMap<Integer, Point> runs, ToDoubleFunction<Point> f) {
    return median(runs.values().stream().mapToDouble(f).sorted().toArray());
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String format(double ratio) {
    return Double.isNaN(ratio) ? "-" : String.format("%.2f", ratio);
  }
}
