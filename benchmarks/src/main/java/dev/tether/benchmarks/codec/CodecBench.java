package dev.tether.benchmarks.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link CodecBenchmark} under JMH with the GC profiler and prints Tether against the naive
 * baseline: ns/op, bytes allocated per op, and their ratios. Short by default; system properties
 * {@code bench.forks} (1), {@code bench.warmupIterations} (3), {@code bench.iterations} (5),
 * {@code bench.time} per iteration (1s), and {@code bench.jmhArgs} (any JMH command line options,
 * which win over these defaults, e.g. "-p message=small,1k,utf8").
 */
public final class CodecBench {
  private CodecBench() {}

  public static void main(String[] args) throws Exception {
    String extra = System.getProperty("bench.jmhArgs", "").trim();
    CommandLineOptions cli = new CommandLineOptions(extra.isEmpty() ? new String[0]
        : extra.split("\\s+"));
    OptionsBuilder b = new OptionsBuilder();
    b.parent(cli);
    if (cli.getIncludes().isEmpty()) {
      b.include(CodecBenchmark.class.getName());
    }
    if (!cli.getForkCount().hasValue()) {
      b.forks(Integer.getInteger("bench.forks", 1));
    }
    if (!cli.getWarmupIterations().hasValue()) {
      b.warmupIterations(Integer.getInteger("bench.warmupIterations", 3));
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      b.measurementIterations(Integer.getInteger("bench.iterations", 5));
    }
    TimeValue time = TimeValue.fromString(System.getProperty("bench.time", "1s"));
    if (!cli.getWarmupTime().hasValue()) {
      b.warmupTime(time);
    }
    if (!cli.getMeasurementTime().hasValue()) {
      b.measurementTime(time);
    }
    if (cli.getProfilers().isEmpty()) {
      b.addProfiler(GCProfiler.class);
    }
    Collection<RunResult> results = new Runner(b.build()).run();
    print(results);
  }

  private static void print(Collection<RunResult> results) {
    // message -> "encode"/"decode" -> "Tether"/"Baseline" -> result
    Map<String, Map<String, Map<String, RunResult>>> byMessage = new TreeMap<>();
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      String op = method.startsWith("encode") ? "encode" : "decode";
      String impl = method.substring(op.length());
      byMessage.computeIfAbsent(r.getParams().getParam("message"), k -> new TreeMap<>())
          .computeIfAbsent(op, k -> new TreeMap<>()).put(impl, r);
    }
    System.out.println();
    System.out.printf("%-8s %-7s %14s %14s %9s %10s %10s%n", "message", "op", "tether ns/op",
        "naive ns/op", "x naive", "tether B/op", "naive B/op");
    List<String> lines = new ArrayList<>();
    byMessage.forEach((message, ops) -> ops.forEach((op, impls) -> {
      RunResult t = impls.get("Tether");
      RunResult n = impls.get("Baseline");
      lines.add(String.format("%-8s %-7s %14s %14s %9s %10s %10s", message, op, time(t), time(n),
          t == null || n == null ? "-" : String.format("%.2f",
              t.getPrimaryResult().getScore() / n.getPrimaryResult().getScore()),
          alloc(t), alloc(n)));
    }));
    lines.forEach(System.out::println);
    System.out.println(
        "(x naive = Tether ns/op / naive ns/op, same JMH run; B/op = gc.alloc.rate.norm)");
  }

  private static String time(RunResult r) {
    if (r == null) {
      return "-";
    }
    Result<?> p = r.getPrimaryResult();
    return Double.isNaN(p.getScoreError())
        ? String.format("%.1f", p.getScore())
        : String.format("%.1f ±%.1f", p.getScore(), p.getScoreError());
  }

  private static String alloc(RunResult r) {
    if (r == null) {
      return "-";
    }
    // JMH declares this map with a raw Result; go through the keys to keep -Xlint quiet.
    for (String key : r.getSecondaryResults().keySet()) {
      if (key.endsWith("gc.alloc.rate.norm")) {
        return String.format("%.0f", r.getSecondaryResults().get(key).getScore());
      }
    }
    return "-";
  }
}
