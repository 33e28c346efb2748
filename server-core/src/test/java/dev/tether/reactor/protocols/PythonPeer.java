package dev.tether.reactor.protocols;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A python3 script run as a real peer: its stdout and stderr (merged) read line by line by a
 * daemon thread; {@link #close()} kills it if it still runs.
 */
final class PythonPeer implements AutoCloseable {
  /**
   * Debian's own python3, where Debian's python3-aiosmtpd is installed (a python3 earlier on
   * the PATH, such as pyenv's, does not see it).
   */
  static final String DEBIAN_PYTHON = "/usr/bin/python3";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  PythonPeer(String python, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(python, "-u", "-c", script));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("reading failed: " + e);
      }
      lines.add("<end of output>");
    }, "python-peer-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next output line, waiting up to 20 s; fails the test with the output so far if none. */
  String nextLine() throws InterruptedException {
    String line = lines.poll(20, TimeUnit.SECONDS);
    if (line == null || line.equals("<end of output>")) {
      throw new AssertionError("python3 peer gave no further line; output so far: " + seen);
    }
    seen.add(line);
    return line;
  }

  /** Waits up to 20 s for the exit and returns the status. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("python3 peer did not exit; output so far: " + seen);
    }
    return process.exitValue();
  }

  /** Every line read so far by {@link #nextLine}, then the rest that is already there. */
  List<String> output() {
    List<String> all = new ArrayList<>(seen);
    lines.drainTo(all);
    return all;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
