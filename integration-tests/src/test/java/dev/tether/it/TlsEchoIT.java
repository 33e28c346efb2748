package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.tls.TlsEcho;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TlsEcho process, with a certificate made by openssl, under real TLS clients: openssl
 * s_client (verifying against the certificate) and the JDK's SSLSocket.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsEchoIT {
  @TempDir
  static Path dir;
  private static ExampleProcess server;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
        "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    server = ExampleProcess.start(dir, TlsEcho.class, "0", "cert.pem", "key.pem");
    String line = server.stdout().awaitLine(
        l -> l.startsWith("tls echo listening on 127.0.0.1:"), Workers.JVM_START);
    port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    try {
      server.terminate(Duration.ofSeconds(20)); // SIGTERM: the shutdown hook stops the reactor
    } finally {
      server.close();
    }
  }

  @Test
  void opensslClientGetsItsLinesBack() throws Exception {
    Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        "-CAfile", "cert.pem", "-verify_return_error", "-quiet")
        .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      OutputStream in = client.getOutputStream();
      in.write("first line\nsecond line\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("first line", out.readLine());
      assertEquals("second line", out.readLine());
    } finally {
      client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void jdkSslSocketGetsAMegabyteBack() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(dir.resolve("cert.pem"))) {
      trust.setCertificateEntry("echo",
          CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    byte[] data = new byte[1024 * 1024];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
    }
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          socket.getOutputStream().write(data);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      byte[] back = socket.getInputStream().readNBytes(data.length);
      writer.get(60, TimeUnit.SECONDS);
      assertTrue(java.util.Arrays.equals(data, back), "echo differs");
      assertEquals("TLSv1.3", socket.getSession().getProtocol());
    }
  }

  @Test
  void badPemFileExitsWithUsage() throws Exception {
    Files.writeString(dir.resolve("bad.pem"), "not a certificate\n");
    try (ExampleProcess bad = ExampleProcess.start(dir, TlsEcho.class, "0", "bad.pem",
        "key.pem")) {
      assertEquals(2, bad.awaitExit(Duration.ofSeconds(30)), bad.output());
      String output = bad.output();
      assertTrue(output.contains("PEM file bad.pem: no -----BEGIN CERTIFICATE----- block"),
          output);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: "
          + new String(output, StandardCharsets.UTF_8));
    }
  }
}
