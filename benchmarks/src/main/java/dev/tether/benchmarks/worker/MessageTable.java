package dev.tether.benchmarks.worker;

import dev.tether.benchmarks.channel.ChannelBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Message round trip and pipelined throughput, supervisor to worker, against {@code channel_rtt}
 * (two C processes over a socketpair). Each worker variant is started once, warmed up by one
 * untimed round trip and pipelined run, and kept; every round runs C, then each worker (order
 * rotated); the table shows medians over rounds.
 */
final class MessageTable {
  // Issue 10's goals, all against C in the same run: rtt p50, pipelined msgs/s against C's message
  // layer, and CPU a pipelined message (writer + reader) against C's message layer.
  private static final double RTT_GOAL = 1.1;
  private static final double PIPELINED_GOAL = 0.4;
  private static final double CPU_GOAL = 3.0;
  /** channel_rtt's pipelined rows, in the table's order. */
  private static final List<String> C_PIPE_ROWS =
      List.of("pipe_batched", "pipe_messages", "pipe_single");
  private static final int C_P50 = 0;
  private static final int C_P99 = 1;
  private static final int C_PIPE = 2; // then msgs/s, sender CPU ns, receiver CPU ns per row
  private static final int C_COLUMNS = C_PIPE + 3 * C_PIPE_ROWS.size();

  private final Path channelRtt;
  private final long durationMs;
  private final int rounds;
  private final Map<BenchWorker, MessageRuns> runs = new LinkedHashMap<>();

  MessageTable(Path channelRtt, long durationMs, int rounds) {
    this.channelRtt = channelRtt;
    this.durationMs = durationMs;
    this.rounds = rounds;
  }

  void run() throws Exception {
    Map<String, List<String>> variants = new LinkedHashMap<>();
    variants.put("tether worker, default", List.of());
    variants.put("tether worker, -Djnr.ffi.asm.enabled=false",
        List.of("-Djnr.ffi.asm.enabled=false"));
    variants.put("tether worker, quickStart()", WorkerBench.quickStartOptions());

    List<String> names = new ArrayList<>(variants.keySet());
    Map<String, BenchWorker> workers = new LinkedHashMap<>();
    // name -> [round][p50, p99, msgs/s, supervisor CPU ns, worker CPU ns]
    Map<String, double[][]> results = new LinkedHashMap<>();
    double[][] cResults = new double[rounds][];
    try {
      for (String name : names) {
        BenchWorker w = new BenchWorker();
        w.stopTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5));
        w.configureCommand(b -> b.jvmOptions(variants.get(name).toArray(new String[0])));
        w.start();
        workers.put(name, w);
        w.call("ping"); // up and serving before anything is timed
        results.put(name, new double[rounds][]);
      }
      // Untimed: both JVMs' JIT compiles the message paths (70-120 ms of C2 on JDK 17 and 25, more
      // than a run's own warm-up of a fifth of the time), which round 1 would otherwise count
      // in its msgs/s and CPU a message. C needs none.
      for (String name : names) {
        MessageRuns warm = runsOf(workers.get(name));
        warm.roundTrip(durationMs);
        warm.pipelined(durationMs);
      }
      for (int r = 0; r < rounds; r++) {
        Map<String, Map<String, String>> cr = ChannelBench.runC(channelRtt, durationMs);
        cResults[r] = new double[C_COLUMNS];
        cResults[r][C_P50] = field(cr, "rtt", "p50_us");
        cResults[r][C_P99] = field(cr, "rtt", "p99_us");
        for (int row = 0; row < C_PIPE_ROWS.size(); row++) {
          String name = C_PIPE_ROWS.get(row);
          cResults[r][C_PIPE + 3 * row] = field(cr, name, "msgs_per_s");
          cResults[r][C_PIPE + 3 * row + 1] = field(cr, name, "sender_cpu_ns");
          cResults[r][C_PIPE + 3 * row + 2] = field(cr, name, "receiver_cpu_ns");
        }
        for (int i = 0; i < names.size(); i++) {
          String name = names.get((i + r) % names.size());
          MessageRuns runs = runsOf(workers.get(name));
          double[] rtt = runs.roundTrip(durationMs);
          MessageRuns.Pipelined pipelined = runs.pipelined(durationMs);
          results.get(name)[r] = new double[] {rtt[0], rtt[1], pipelined.msgsPerSecond(),
              pipelined.supervisorCpuNs(), pipelined.workerCpuNs()};
        }
      }
    } finally {
      for (BenchWorker w : workers.values()) {
        w.stop();
      }
    }
    print(names, results, cResults);
  }

  /** Field {@code key} of channel_rtt's result {@code name}, which must be there. */
  private static double field(Map<String, Map<String, String>> results, String name, String key) {
    String value = results.getOrDefault(name, Map.of()).get(key);
    if (value == null) {
      throw new IllegalStateException("channel_rtt printed no " + key + " for " + name
          + " (results: " + results + ")");
    }
    return Double.parseDouble(value);
  }

  private MessageRuns runsOf(BenchWorker w) {
    return runs.computeIfAbsent(w, k -> new MessageRuns(k.server(), k.serverPid()));
  }

  private void print(List<String> names, Map<String, double[][]> results, double[][] cResults) {
    double cP50 = median(cResults, C_P50);
    double cBatched = median(cResults, C_PIPE);
    double cMessages = median(cResults, C_PIPE + 3);
    double cSingle = median(cResults, C_PIPE + 6);
    System.out.println();
    System.out.printf("Messages supervisor<->worker (median of %d interleaved rounds of %d ms)%n",
        rounds, durationMs);
    System.out.println("  rtt: [\"ping\"] written, reply read, one in flight; pipelined: 32-byte"
        + " [\"count\", <23 bytes>] messages decoded and dispatched, windows of "
        + MessageRuns.WINDOW + " then [\"sync\"] in one writeAll, " + MessageRuns.WINDOWS_IN_FLIGHT
        + " windows ahead of their replies");
    System.out.println("  C: channel_rtt (fork + socketpair); its pipelined rows write 128 prebuilt"
        + " frames per write(2) (batched) or 1 (single); its message layer encodes, splits and"
        + " dispatches every message of the same windows and syncs as the workers");
    System.out.println("  cpu ns/msg: CPU time (user + system, all threads) per pipelined message"
        + " of the writing process + the reading one (supervisor + worker)");
    System.out.printf("%-44s %8s %8s %7s %12s %10s %9s %9s %14s%n", "", "p50 us", "p99 us",
        "x C p50", "msgs/s", "x C batch", "x C msgs", "x C single", "cpu ns/msg");
    System.out.printf("%-44s %8.1f %8.1f %7s %12.0f %10s %9s %9s %14s%n", "C socketpair", cP50,
        median(cResults, C_P99), "1.00", cBatched, "1.00", ratio(cBatched, cMessages),
        ratio(cBatched, cSingle), cpu(cResults, C_PIPE + 1));
    System.out.printf("%-44s %8s %8s %7s %12.0f %10s %9s %9s %14s%n", "C message layer", "", "", "",
        cMessages, ratio(cMessages, cBatched), "1.00", ratio(cMessages, cSingle),
        cpu(cResults, C_PIPE + 4));
    System.out.printf("%-44s %8s %8s %7s %12.0f %10s %9s %9s %14s%n",
        "C socketpair, 1 frame per write", "", "", "", cSingle, ratio(cSingle, cBatched),
        ratio(cSingle, cMessages), "1.00", cpu(cResults, C_PIPE + 7));
    for (String name : names) {
      double[][] rows = results.get(name);
      double p50 = median(rows, 0);
      double msgs = median(rows, 2);
      System.out.printf("%-44s %8.1f %8.1f %7.2f %12.0f %10.3f %9.3f %9.2f %14s%n", name, p50,
          median(rows, 1), p50 / cP50, msgs, msgs / cBatched, msgs / cMessages, msgs / cSingle,
          cpu(rows, 3));
    }
    double[][] first = results.get(names.get(0));
    double rttRatio = median(first, 0) / cP50;
    double layerRatio = median(first, 2) / cMessages;
    double cpuRatio = cpuSum(first, 3) / cpuSum(cResults, C_PIPE + 4);
    System.out.printf("Goal rtt p50 <= %.2fx C: %.2fx (%s). Goal pipelined >= %.1fx C's message"
        + " layer: %.3fx (%s). Goal CPU a message (both processes) <= %.1fx C's message layer:"
        + " %.1f / %.1f ns = %.2fx (%s)%n", RTT_GOAL, rttRatio,
        WorkerBench.goal(rttRatio <= RTT_GOAL), PIPELINED_GOAL, layerRatio,
        WorkerBench.goal(layerRatio >= PIPELINED_GOAL), CPU_GOAL, cpuSum(first, 3),
        cpuSum(cResults, C_PIPE + 4), cpuRatio, WorkerBench.goal(cpuRatio <= CPU_GOAL));
    // Both processes share the machine's CPUs, so CPUs / (CPU time a message) bounds msgs/s.
    int cpus = Runtime.getRuntime().availableProcessors();
    double goal = PIPELINED_GOAL * cMessages;
    System.out.printf("CPU bound: %d CPUs at %.0f msgs/s (the pipelined goal) leave %.1f ns of CPU"
        + " a message for both processes; tether default used %.1f, C's message layer %.1f%n",
        cpus, goal, cpus * 1e9 / goal, cpuSum(first, 3), cpuSum(cResults, C_PIPE + 4));
  }

  /** "sender + receiver" CPU ns a message, medians of columns {@code at} and {@code at + 1}. */
  private static String cpu(double[][] rows, int at) {
    return String.format("%.1f + %.1f", median(rows, at), median(rows, at + 1));
  }

  private static double cpuSum(double[][] rows, int at) {
    return median(rows, at) + median(rows, at + 1);
  }

  private static String ratio(double a, double b) {
    return String.format("%.2f", a / b);
  }

  private static double median(double[][] rows, int column) {
    double[] v = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      v[i] = rows[i][column];
    }
    return WorkerBench.median(v);
  }
}
