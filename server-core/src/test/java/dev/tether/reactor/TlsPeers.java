package dev.tether.reactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real TLS peers for tests: a small PKI made with the system's {@code openssl} (a CA, a server
 * certificate for localhost, a second server certificate, a client certificate, and a CA that
 * signed none of them), and {@code openssl s_server} / {@code s_client} processes whose output
 * is collected. {@link #close()} kills every process it started.
 */
final class TlsPeers implements AutoCloseable {
  final Path dir;
  final Path ca;
  final Path serverCert;
  final Path serverKey;
  final Path otherCert;
  final Path otherKey;
  final Path clientCert;
  final Path clientKey;
  final Path wrongCa;
  private final List<Peer> peers = new ArrayList<>();

  /** Makes the PKI in {@code dir} (RSA server keys, EC client key: both key kinds are read). */
  static TlsPeers make(Path dir) throws Exception {
    return new TlsPeers(dir);
  }

  private TlsPeers(Path dir) throws Exception {
    this.dir = dir;
    ca = dir.resolve("ca.pem");
    wrongCa = dir.resolve("wrong-ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    otherCert = dir.resolve("other.pem");
    otherKey = dir.resolve("other.key");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
    Path ext = dir.resolve("ext.cnf");
    Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    Path otherExt = dir.resolve("other-ext.cnf");
    Files.writeString(otherExt, "subjectAltName=DNS:other.test\n");
    selfSigned("ca", "/CN=Tether Test CA");
    selfSigned("wrong-ca", "/CN=Some Other CA");
    signed("server", "/CN=localhost", "rsa:2048", ext);
    signed("other", "/CN=other.test", "rsa:2048", otherExt);
    signed("client", "/CN=tether-client", "ec", null);
  }

  private void selfSigned(String name, String subject) throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
        "-out", name + ".pem", "-days", "2", "-subj", subject);
  }

  private void signed(String name, String subject, String key, Path ext) throws Exception {
    List<String> req = new ArrayList<>(List.of("openssl", "req", "-newkey", key));
    if (key.equals("ec")) {
      req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:prime256v1"));
    }
    req.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
        subject));
    run(req.toArray(new String[0]));
    List<String> x509 = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", name + ".csr",
        "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days",
        "2"));
    if (ext != null) {
      x509.addAll(List.of("-extfile", ext.toString()));
    }
    run(x509.toArray(new String[0]));
  }

  private void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: "
          + new String(output, StandardCharsets.UTF_8));
    }
  }

  /**
   * Starts {@code openssl s_server -accept 0} with {@code args} and returns once it listens;
   * {@link Peer#port} is its port (read from its ACCEPT line).
   */
  Peer server(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "0",
        "-naccept", "1"));
    command.addAll(List.of(args));
    Peer peer = start(command);
    Matcher m = Pattern.compile("ACCEPT \\S*:(\\d+)").matcher("");
    ReactorRunner.waitFor("s_server listening", () -> m.reset(peer.output()).find()
        || !peer.process.isAlive());
    if (!m.reset(peer.output()).find()) {
      throw new AssertionError("s_server did not listen: " + peer.output());
    }
    peer.port = Integer.parseInt(m.group(1));
    return peer;
  }

  /** Starts {@code openssl s_client -connect 127.0.0.1:port} with {@code args}. */
  Peer client(int port, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + port));
    command.addAll(List.of(args));
    return start(command);
  }

  private Peer start(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).start();
    Peer peer = new Peer(process);
    peers.add(peer);
    return peer;
  }

  /** Kills every process started and waits for it. */
  @Override
  public void close() throws Exception {
    for (Peer peer : peers) {
      peer.process.destroyForcibly();
      peer.process.waitFor(10, TimeUnit.SECONDS);
      peer.reader.join(10_000);
    }
    peers.clear();
  }

  /** One openssl process: its stdin, and everything it printed so far (stdout and stderr). */
  static final class Peer {
    final Process process;
    final OutputStream stdin;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Thread reader;
    volatile int port;

    Peer(Process process) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.reader = new Thread(() -> {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = process.getInputStream()) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            synchronized (printed) {
              printed.write(buffer, 0, n);
            }
          }
        } catch (IOException e) {
          // the process was killed: its output ends here
        }
      }, "openssl-output");
      reader.start();
    }

    String output() {
      synchronized (printed) {
        return printed.toString(StandardCharsets.ISO_8859_1);
      }
    }

    byte[] outputBytes() {
      synchronized (printed) {
        return printed.toByteArray();
      }
    }

    void send(String line) throws IOException {
      stdin.write(line.getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    /** Waits until the output contains {@code text}. */
    void awaitOutput(String text) {
      ReactorRunner.waitFor("openssl printed \"" + text + "\"", () -> output().contains(text));
    }

    /** Waits for the process to exit; returns its exit code. */
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new AssertionError("openssl did not exit: " + output());
      }
      return process.exitValue();
    }
  }
}
