package dev.tether.benchmarks.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the wrk load generator against 127.0.0.1:port, one run at a time, and waits for it with a
 * deadline of the run's length plus 30 s (then kills it).
 */
final class Wrk {
  /** How each connection is used: kept alive, or closed after every request. */
  enum Mode {
    KEEP_ALIVE("keep-alive", List.of()),
    CLOSE("Connection: close", List.of("-H", "Connection: close"));

    final String label;
    final List<String> args;

    Mode(String label, List<String> args) {
      this.label = label;
      this.args = args;
    }
  }

  private final Path wrk;
  private final int threads;
  private final int connections;

  Wrk(Path wrk, int threads, int connections) {
    this.wrk = wrk;
    this.threads = threads;
    this.connections = connections;
  }

  /**
   * Loads the server at {@code port} for {@code seconds} in {@code mode}.
   *
   * @throws IOException if wrk cannot start, fails, overruns its deadline, or prints no report
   */
  WrkResult run(int port, Mode mode, int seconds) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(wrk.toString(), "-t" + threads,
        "-c" + connections, "-d" + seconds + "s", "--latency"));
    cmd.addAll(mode.args);
    cmd.add("http://127.0.0.1:" + port + "/");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      // wrk's report is a few hundred bytes: the pipe cannot fill before it exits.
      if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
        throw new IOException(String.join(" ", cmd) + " still running " + (seconds + 30)
            + " s after it started");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n"
            + out);
      }
      return WrkResult.parse(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for wrk", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      p.destroyForcibly();
    }
  }
}
