package dev.tether.benchmarks.http;

import dev.tether.benchmarks.echo.BenchArgs;
import dev.tether.benchmarks.echo.ServerProcess;
import dev.tether.benchmarks.echo.ServerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the HTTP hello servers side by side under wrk and prints one table with the ratio of
 * Tether to Netty: each server in its own JVM, started once; two short untimed warm-ups per
 * server (keep-alive, then Connection: close) so the JIT has compiled both paths; then every
 * round measures both modes on both servers, alternating which server goes first. Nothing is
 * pinned to a CPU: wrk and the servers share the machine's cores.
 *
 * <p>Configured by system properties (scripts/bench maps its environment onto them):
 * {@code bench.wrk} (path of wrk, required), {@code bench.conns} (100), {@code bench.threads}
 * (wrk threads, 2), {@code bench.durationS} per point (10), {@code bench.warmupS} per warm-up
 * (2), {@code bench.rounds} (1), {@code bench.servers} (tether,pool,netty),
 * {@code bench.examplesCp} (class path of module examples), {@code bench.serverJvmOpts},
 * {@code bench.logDir}.
 */
public final class HttpBench {
  private HttpBench() {}

  /** The servers, in table order, and the label of each row. */
  static Map<ServerSpec, String> servers(String benchmarksCp, String examplesCp) {
    Map<ServerSpec, String> servers = new LinkedHashMap<>();
    servers.put(new ServerSpec("tether", "dev.tether.examples.http.HttpHello", examplesCp,
        List.of()), "Tether HttpHello, 1 reactor");
    servers.put(new ServerSpec("pool", "dev.tether.examples.http.HttpHelloPool", examplesCp,
        List.of(), List.of("2")), HttpTable.POOL_ROW);
    // Leak detection off, as in Netty's own benchmarks: the baseline gets its best showing.
    servers.put(new ServerSpec("netty", NettyHttpHello.class.getName(), benchmarksCp,
        List.of("-Dio.netty.leakDetection.level=disabled")), "Netty 4.2 codec-http, 2 loops");
    return servers;
  }

  public static void main(String[] args) throws Exception {
    String wrkPath = System.getProperty("bench.wrk", "");
    if (wrkPath.isBlank()) {
      throw new IllegalArgumentException("bench.wrk : missing (expected: -Dbench.wrk=PATH)");
    }
    int conns = positive("bench.conns", "100");
    int threads = positive("bench.threads", "2");
    int durationS = positive("bench.durationS", "10");
    int warmupS = positive("bench.warmupS", "2");
    int rounds = positive("bench.rounds", "1");
    List<String> wanted =
        List.of(System.getProperty("bench.servers", "tether,pool,netty").split(","));
    Path logDir = Path.of(System.getProperty("bench.logDir", "target/bench-logs"));
    List<String> jvmArgs = new ArrayList<>();
    String extra = System.getProperty("bench.serverJvmOpts", "").trim();
    if (!extra.isEmpty()) {
      jvmArgs.addAll(Arrays.asList(extra.split("\\s+")));
    }
    if (Runtime.version().feature() >= 22) {
      jvmArgs.add("--enable-native-access=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 23) {
      jvmArgs.add("--sun-misc-unsafe-memory-access=allow");
    }

    Wrk wrk = new Wrk(Path.of(wrkPath), threads, conns);
    System.out.printf("http benchmark: wrk -t%d -c%d, %d round(s) of %d s per point (+2 warm-ups"
            + " of %d s per server), unpinned, %d cpus, java %s%n",
        threads, conns, rounds, durationS, warmupS,
        Runtime.getRuntime().availableProcessors(), Runtime.version());

    Map<String, String> labels = new LinkedHashMap<>();
    List<ServerProcess> running = new ArrayList<>();
    Thread reaper = new Thread(() -> running.forEach(ServerProcess::close), "bench-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      servers(System.getProperty("java.class.path"), System.getProperty("bench.examplesCp", ""))
          .forEach((spec, label) -> {
            if (wanted.contains(spec.name())) {
              labels.put(spec.name(), label);
              start(spec, jvmArgs, logDir, running);
            }
          });
      HttpTable table = new HttpTable(labels);
      for (ServerProcess s : running) {
        for (Wrk.Mode mode : Wrk.Mode.values()) {
          try {
            wrk.run(s.port, mode, warmupS); // JIT warm-up, not reported
          } catch (IOException e) {
            System.out.println("  " + s.spec.name() + ": warm-up failed: " + e.getMessage());
          }
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (Wrk.Mode mode : Wrk.Mode.values()) {
          for (int i = 0; i < running.size(); i++) {
            ServerProcess s = running.get((i + r) % running.size());
            try {
              long cpuBefore = s.cpuMicros();
              WrkResult result = wrk.run(s.port, mode, durationS);
              double cpu = (double) (s.cpuMicros() - cpuBefore) / Math.max(1, result.requests());
              table.add(mode, s.spec.name(), r, new HttpTable.Point(result, cpu));
            } catch (IOException e) {
              table.fail(mode, s.spec.name(), e.getMessage());
            }
          }
        }
        System.out.printf("  round %d/%d done%n", r + 1, rounds);
      }
      table.print(System.out);
    } finally {
      running.forEach(ServerProcess::close);
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
  }

  private static void start(ServerSpec spec, List<String> jvmArgs, Path logDir,
      List<ServerProcess> running) {
    String skip = spec.skipReason();
    if (skip != null) {
      System.out.println("  " + spec.name() + ": skipped: " + skip);
      return;
    }
    try {
      running.add(ServerProcess.start(spec, null, jvmArgs, logDir));
    } catch (IOException e) {
      System.out.println("  " + spec.name() + ": failed to start: " + e.getMessage());
    }
  }

  private static int positive(String property, String defaultValue) {
    return BenchArgs.positive(property, System.getProperty(property, defaultValue));
  }
}
