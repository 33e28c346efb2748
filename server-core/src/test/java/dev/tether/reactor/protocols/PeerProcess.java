package dev.tether.reactor.protocols;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real peer in its own process (python3 script, memcached), destroyed by close(). */
final class PeerProcess implements AutoCloseable {
  final Process process;
  final int port;

  private PeerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Runs a python3 script of the test resources that prints its port first. */
  static PeerProcess python(String script, String... args) throws Exception {
    Path copy = Files.createTempFile("tether-peer", ".py");
    try (InputStream in = PeerProcess.class.getResourceAsStream(script)) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    copy.toFile().deleteOnExit();
    List<String> argv = new java.util.ArrayList<>(List.of("python3", copy.toString()));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      String port = line.get(20, TimeUnit.SECONDS);
      if (port == null) {
        throw new AssertionError(script + " exited with " + process.waitFor());
      }
      return new PeerProcess(process, Integer.parseInt(port.trim()));
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Starts memcached on a free loopback port and waits until it accepts connections. */
  static PeerProcess memcached() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process process = new ProcessBuilder("memcached", "-p", String.valueOf(port), "-U", "0",
        "-l", "127.0.0.1", "-u", "nobody").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new PeerProcess(process, port);
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new AssertionError("memcached on port " + port + " did not start (alive: "
              + process.isAlive() + ")", notYet);
        }
        Thread.sleep(10); // polling with a deadline: memcached gives no readiness signal
      }
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
