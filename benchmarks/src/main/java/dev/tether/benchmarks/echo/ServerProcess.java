package dev.tether.benchmarks.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running server JVM (echo, http). Owns the child process: {@link #close()} terminates it
 * (SIGTERM, then SIGKILL after a deadline) and reaps it, so no process outlives the benchmark.
 * Output goes to a log file whose tail is shown when the server fails to start. Public for the
 * other benchmarks that start servers (http).
 */
public final class ServerProcess implements AutoCloseable {
  private static final long START_DEADLINE_MS = 30_000;
  private static final long CLK_TCK = 100; // USER_HZ on Linux x86-64

  public final ServerSpec spec;
  public final int port;
  private final Process process;
  private final Path log;

  private ServerProcess(ServerSpec spec, int port, Process process, Path log) {
    this.spec = spec;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code spec} on a free loopback port, pinned to {@code cpu} when it is not null, and
   * waits until the port accepts connections.
   *
   * @throws IOException if the JVM cannot start, dies, or does not listen within 30 s; the message
   *     carries the tail of its log
   */
  public static ServerProcess start(ServerSpec spec, String cpu, List<String> commonJvmArgs,
      Path logDir) throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    if (cpu != null) {
      cmd.addAll(List.of("taskset", "-c", cpu));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(commonJvmArgs);
    cmd.addAll(spec.jvmArgs());
    cmd.addAll(List.of("-cp", spec.classPath(), spec.mainClass(), Integer.toString(port)));
    cmd.addAll(spec.args());
    Files.createDirectories(logDir);
    Path log = logDir.resolve(spec.name() + ".log");
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    ServerProcess server = new ServerProcess(spec, port, p, log);
    try {
      server.awaitListening();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(spec.name() + " exited with " + process.exitValue()
            + " before listening on 127.0.0.1:" + port + "; log tail:\n" + logTail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IOException(spec.name() + " (pid " + process.pid()
              + ") not listening on 127.0.0.1:"
              + port + " after " + START_DEADLINE_MS + " ms; log tail:\n" + logTail());
        }
      }
      try {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + spec.name(), e);
      }
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** CPU time (user + system, all threads) the server has used so far, in microseconds. */
  public long cpuMicros() throws IOException {
    // The server's own CPU and its live children's (a pool's workers); reaped children's CPU
    // counts in cutime/cstime, included too.
    long ticks = ticks(process.toHandle(), true);
    for (ProcessHandle child : process.children().toList()) {
      ticks += ticks(child, false);
    }
    return ticks * 1_000_000L / CLK_TCK;
  }

  private static long ticks(ProcessHandle p, boolean withReapedChildren) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
    } catch (java.nio.file.NoSuchFileException e) {
      return 0; // ended meanwhile
    }
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15,
    // cutime 16, cstime 17.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return withReapedChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      int from = Math.max(0, lines.size() - 20);
      return (from > 0 ? "[... " + from + " lines cut]\n" : "")
          + String.join("\n", lines.subList(from, lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
