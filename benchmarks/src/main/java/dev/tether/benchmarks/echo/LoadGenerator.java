package dev.tether.benchmarks.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the C load generator ({@code echo_load}) once against one server and returns its result,
 * with the server's CPU time sampled when the generator announces the measured window's start
 * and end. Each run is a child process bounded in time by its own arguments, and killed by a
 * watchdog here if it overruns them by 30 s.
 */
final class LoadGenerator {
  private final Path binary;
  private final String cpu;
  private final int size;
  private final Path errFile;

  LoadGenerator(Path binary, String cpu, int size, Path logDir) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalArgumentException("bench.load : " + binary
          + " (expected: the compiled echo_load)");
    }
    this.binary = binary;
    this.cpu = cpu;
    this.size = size;
    this.errFile = logDir.resolve("echo_load.err");
  }

  /**
   * Drives {@code server} with {@code conns} connections for {@code warmupMs + durationMs}.
   *
   * @throws IOException if the generator fails (refused connection, hung or misbehaving server);
   *     the message carries its stderr
   */
  LoadResult run(ServerProcess server, int conns, long warmupMs, long durationMs)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (cpu != null) {
      cmd.addAll(List.of("taskset", "-c", cpu));
    }
    cmd.addAll(List.of(binary.toString(), "-h", "127.0.0.1", "-p", Integer.toString(server.port),
        "-c", Integer.toString(conns), "-s", Integer.toString(size),
        "-w", Long.toString(warmupMs), "-d", Long.toString(durationMs)));
    if (EchoBench.isTls(server.spec)) {
      cmd.add("-t");
    }
    Files.createDirectories(errFile.getParent());
    // stderr goes to a file, so a chatty failure can never block the child on a full pipe.
    Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
    p.getOutputStream().close();
    long limitMs = warmupMs + durationMs + 30_000;
    CompletableFuture<Void> watchdog = CompletableFuture.runAsync(p::destroyForcibly,
        CompletableFuture.delayedExecutor(limitMs, TimeUnit.MILLISECONDS));
    long cpuStart = -1;
    long cpuEnd = -1;
    String result = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.equals("MARK warm_end")) {
          cpuStart = server.cpuMicros();
        } else if (line.equals("MARK end")) {
          cpuEnd = server.cpuMicros();
        } else if (line.startsWith("RESULT ")) {
          result = line;
        }
      }
      p.waitFor();
    } finally {
      watchdog.cancel(false);
      if (p.isAlive()) {
        p.destroyForcibly().waitFor();
      }
    }
    if (result == null || p.exitValue() != 0) {
      throw new IOException("echo_load against " + server.spec.name() + " at " + conns
          + " conns exited with " + p.exitValue()
          + (watchdog.isCompletedExceptionally() ? "" : " (killed after " + limitMs + " ms)")
          + ": " + Files.readString(errFile).strip()
          + (server.isAlive() ? "" : "\nserver died; log tail:\n" + server.logTail()));
    }
    long windowCpu = cpuStart >= 0 && cpuEnd >= cpuStart ? cpuEnd - cpuStart : -1;
    return LoadResult.parse(result, windowCpu);
  }
}
