package dev.tether.benchmarks.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the channel benchmark in interleaved rounds: each round runs the C socketpair baseline
 * ({@code channel_rtt}, a child process) and then Tether's MessageChannel in this JVM (both ends
 * here, one thread each; see {@link MessageChannelRuns}), and the table shows medians with ratios.
 * MessageChannel has no batched write, so its pipelined row is one write call per message; the C
 * batched figure is printed as the ceiling. System properties: {@code bench.channelRtt} (path of
 * the compiled channel_rtt, required), {@code bench.durationMs} per measurement (1000),
 * {@code bench.rounds} (3).
 */
public final class ChannelBench {
  private ChannelBench() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path binary = Path.of(System.getProperty("bench.channelRtt", ""));
    if (!Files.isExecutable(binary)) {
      throw new IllegalArgumentException("bench.channelRtt : " + binary
          + " (expected: the compiled channel_rtt)");
    }
    long durationMs = Long.getLong("bench.durationMs", 1000);
    int rounds = Integer.getInteger("bench.rounds", 3);
    if (rounds < 1) {
      throw new IllegalArgumentException("bench.rounds : " + rounds + " (expected: > 0)");
    }
    List<Map<String, Map<String, String>>> cRuns = new ArrayList<>();
    List<Map<String, Map<String, String>>> javaRuns = new ArrayList<>();
    String javaFailure = null;
    System.out.printf("channel benchmark: %d round(s), %d ms per measurement, C then Java each"
        + " round, java %s%n", rounds, durationMs, Runtime.version());
    for (int r = 0; r < rounds; r++) {
      cRuns.add(runC(binary, durationMs));
      if (javaFailure == null) {
        try {
          // The Java side, keyed by the C result names so the table pairs them. More variants
          // go here: a two-JVM run, or "pipe_batched" once MessageChannel can batch writes.
          Map<String, Map<String, String>> java = new LinkedHashMap<>();
          java.put("rtt", MessageChannelRuns.roundTrip(durationMs));
          java.put("pipe_single", MessageChannelRuns.pipelined(durationMs));
          javaRuns.add(java);
        } catch (RuntimeException | LinkageError e) {
          javaFailure = "Java MessageChannel run failed: " + e;
          e.printStackTrace();
        }
      }
      System.out.printf("  round %d/%d done%n", r + 1, rounds);
    }

    ChannelTable t = new ChannelTable(cRuns, javaRuns);
    System.out.println();
    System.out.printf("%-34s %12s %12s %9s   %s%n", "channel", "C socketpair", "Tether",
        "Tether/C", "Tether per round");
    t.row("round trip p50 us", "rtt", "p50_us");
    t.row("round trip p99 us", "rtt", "p99_us");
    t.row("round trips/s", "rtt", "ops_per_s");
    t.row("pipelined 32 B msgs/s (1/write)", "pipe_single", "msgs_per_s");
    t.row("pipelined 32 B msgs/s (C batched)", "pipe_batched", "msgs_per_s");
    System.out.println("(medians over rounds; C: two processes over socketpair(2); Tether:"
        + " MessageChannel.pair(), two threads in one JVM; C batched = 128 frames per write(2))");
    if (javaFailure != null) {
      System.out.println(javaFailure);
    }
  }

  /**
   * Runs {@code channel_rtt -d durationMs} and returns its {@code RESULT} lines (see
   * {@link #parseResults}); throws if it fails or overruns.
   */
  public static Map<String, Map<String, String>> runC(Path binary, long durationMs)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary.toString(), "-d", Long.toString(durationMs))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    // A few lines of output: it cannot fill the pipe, so reading after exit is safe.
    if (!p.waitFor(durationMs * 5 + 30_000, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IOException("channel_rtt overran " + (durationMs * 5 + 30_000) + " ms; killed");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("channel_rtt exited with " + p.exitValue() + ":\n" + out);
    }
    return parseResults(out);
  }

  /** Reads {@code RESULT name=X k=v ...} lines into name -> (k -> v). */
  static Map<String, Map<String, String>> parseResults(String output) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (!line.startsWith("RESULT ")) {
        continue;
      }
      Map<String, String> kv = new LinkedHashMap<>();
      for (String part : line.substring(7).trim().split(" +")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
      out.put(kv.get("name"), kv);
    }
    return out;
  }
}
