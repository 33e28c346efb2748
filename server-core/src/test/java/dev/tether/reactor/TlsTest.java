package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS on reactor connections against real peers: openssl s_server and s_client, JDK sockets. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
  @TempDir
  static Path dir;
  static TlsPeers pki;

  /** A TLS connection that records what happens to it; echoes if asked. */
  static class Tls extends Connection {
    final TlsOptions options;
    final boolean echo;
    final StringBuffer received = new StringBuffer();
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile String greeting;
    volatile boolean accept = true;
    volatile X509Certificate verified;
    volatile X509Certificate peer;
    volatile String sni;
    volatile String protocol;
    volatile Throwable reason;
    volatile boolean inputEnded;
    volatile boolean peerClosed;
    volatile boolean unbound;

    Tls(TlsOptions options, boolean echo) {
      this.options = options;
      this.echo = echo;
    }

    @Override
    protected void postInit() {
      startTls(options);
      if (greeting != null) {
        sendData(greeting.getBytes(StandardCharsets.UTF_8)); // before the handshake: queued
        write(() -> events.add("greeting written")); // queued behind it
      }
    }

    @Override
    protected boolean sslVerifyPeer(X509Certificate certificate) {
      events.add("verify");
      verified = certificate;
      return accept;
    }

    @Override
    protected void sslHandshakeCompleted() {
      peer = peerCertificate();
      sni = sniHostName();
      protocol = sslSession().getProtocol();
      events.add("handshake"); // last: a test that waits for it then reads the fields above
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      events.add("receive");
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      received.append(new String(bytes, StandardCharsets.ISO_8859_1));
      if (echo) {
        sendData(bytes);
      }
    }

    @Override
    protected void unbind() {
      reason = closeReason();
      inputEnded = isInputEnded();
      peerClosed = endpoint.tls() != null && endpoint.tls().peerClosed();
      unbound = true;
    }

    void awaitReceived(String text) {
      ReactorRunner.waitFor("received \"" + text + "\" (got \"" + received + "\")",
          () -> received.toString().contains(text));
    }

    void awaitUnbound() {
      ReactorRunner.waitFor("unbind", () -> unbound);
    }
  }

  @BeforeAll
  static void makePki() throws Exception {
    pki = TlsPeers.make(dir);
  }

  @AfterEach
  void killPeers() throws Exception {
    pki.close();
  }

  private static TlsOptions.Builder serverOptions() {
    return TlsOptions.builder().certificateChain(pki.serverCert, pki.serverKey);
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  @Test
  void clientTalksToOpensslServerBothWaysAndEndsWithCloseNotify() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString());
    Tls client = new Tls(TlsOptions.builder().trustedCertificates(pki.ca)
        .sniHostName("localhost").build(), false);
    client.greeting = "ping from tether\n";
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      server.awaitOutput("ping from tether");
      server.send("pong from openssl\n");
      client.awaitReceived("pong from openssl");
      assertEquals(List.of("verify", "greeting written", "handshake", "receive"),
          client.events.subList(0, 4));
      assertEquals("CN=localhost", subject(client.verified));
      assertEquals("CN=localhost", subject(client.peer));
      assertEquals("TLSv1.3", client.protocol);
      assertEquals("localhost", client.sni);
      runner.run(client::closeConnectionAfterWriting);
      client.awaitUnbound();
      server.awaitOutput("DONE"); // s_server's answer to close_notify (a bare FIN: "ERROR")
      assertFalse(server.output().contains("ERROR"), server.output());
      assertNull(client.reason);
    }
  }

  @Test
  void theCipherSuiteChosenIsOneOfTheOptionsAndNoCommonSuiteFailsTheHandshake()
      throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString(), "-ciphersuites", "TLS_AES_256_GCM_SHA384");
    Tls agreeing = new Tls(TlsOptions.builder().trustedCertificates(pki.ca).sniHostName("localhost")
        .protocols("TLSv1.3").cipherSuites("TLS_AES_256_GCM_SHA384").build(), false);
    agreeing.greeting = "agreed\n";
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, agreeing));
      server.awaitOutput("agreed");
      assertEquals("TLS_AES_256_GCM_SHA384",
          runner.call(() -> agreeing.sslSession().getCipherSuite()));
      runner.run(agreeing::closeConnection);
    }
    pki.close();
    TlsPeers.Peer other = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString(), "-ciphersuites", "TLS_AES_256_GCM_SHA384");
    Tls disagreeing = new Tls(TlsOptions.builder().trustedCertificates(pki.ca)
        .protocols("TLSv1.3").cipherSuites("TLS_AES_128_GCM_SHA256").build(), false);
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", other.port, disagreeing));
      disagreeing.awaitUnbound();
      assertInstanceOf(javax.net.ssl.SSLException.class, disagreeing.reason);
      assertFalse(disagreeing.events.contains("handshake"), disagreeing.events.toString());
    }
  }

  @Test
  void opensslClientTalksToServerAndBothCloseNotifiesArrive() throws Exception {
    CompletableFuture<Tls> accepted = new CompletableFuture<>();
    TlsOptions options = serverOptions().build();
    try (ReactorRunner runner = new ReactorRunner()) {
      int port = startTlsServer(runner, options, accepted::complete);
      // close_notify from openssl: s_client sends it when its stdin ends.
      TlsPeers.Peer client = pki.client(port, "-CAfile", pki.ca.toString(),
          "-verify_return_error", "-servername", "sni.test");
      client.send("hello tether\n");
      client.awaitOutput("hello tether"); // s_client prints what it receives only
      client.stdin.close();
      assertEquals(0, client.awaitExit(), client.output());
      Tls c = accepted.get(10, TimeUnit.SECONDS);
      c.awaitUnbound();
      assertTrue(c.peerClosed, "close_notify came");
      assertTrue(c.inputEnded);
      assertNull(c.reason);
      assertEquals("sni.test", c.sni);
      assertNull(c.peer, "no client certificate was asked for");
      assertFalse(c.events.contains("verify"));
    }
  }

  @Test
  void serverCloseNotifyReachesOpensslClient() throws Exception {
    TlsOptions options = serverOptions().build();
    try (ReactorRunner runner = new ReactorRunner()) {
      int port = startServer(runner, () -> new Tls(options, false) {
        @Override
        protected void receiveData(ByteBuffer data) {
          sendData("bye\n".getBytes(StandardCharsets.UTF_8));
          closeConnectionAfterWriting();
        }
      });
      TlsPeers.Peer client = pki.client(port, "-CAfile", pki.ca.toString(),
          "-verify_return_error");
      client.send("go\n");
      client.awaitOutput("bye\n");
      client.awaitOutput("closed"); // s_client's word for close_notify; a bare FIN is an error
      assertEquals(0, client.awaitExit(), client.output());
    }
  }

  @Test
  void clientSendsSniAndGetsTheCertificateForThatName() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString(), "-servername", "other.test", "-cert2",
        pki.otherCert.toString(), "-key2", pki.otherKey.toString());
    Tls client = new Tls(TlsOptions.builder().trustedCertificates(pki.ca)
        .sniHostName("other.test").build(), false);
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      ReactorRunner.waitFor("handshake", () -> client.events.contains("handshake"));
      assertEquals("CN=other.test", subject(client.peer));
      assertEquals("other.test", client.sni);
    }
  }

  @Test
  void untrustedServerFailsTheHandshake() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString());
    Tls client = new Tls(TlsOptions.builder().trustedCertificates(pki.wrongCa).build(), false);
    client.greeting = "never sent\n";
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      client.awaitUnbound();
      assertInstanceOf(SSLHandshakeException.class, client.reason);
      assertFalse(client.events.contains("verify"), "sslVerifyPeer after a failed trust check");
      assertFalse(client.events.contains("handshake"));
      assertFalse(server.output().contains("never sent"));
    }
  }

  @Test
  void sslVerifyPeerSayingNoFailsTheHandshake() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString());
    Tls client = new Tls(TlsOptions.builder().trustedCertificates(pki.ca).build(), false);
    client.accept = false;
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      client.awaitUnbound();
      assertInstanceOf(SSLHandshakeException.class, client.reason);
      assertEquals("CN=localhost", subject(client.verified));
      assertTrue(causes(client.reason).contains("sslVerifyPeer(CN=localhost) returned false"),
          causes(client.reason));
      assertFalse(client.events.contains("handshake"));
      server.awaitOutput("alert"); // the peer was told why
    }
  }

  @Test
  void givenSslContextVerifiesAndSslVerifyPeerIsAskedAfterTheHandshake() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString());
    Tls client = new Tls(TlsOptions.builder().sslContext(jdkContext()).build(), false);
    client.accept = false;
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      client.awaitUnbound();
      assertEquals("CN=localhost", subject(client.verified));
      assertInstanceOf(SSLHandshakeException.class, client.reason);
      assertEquals("sslVerifyPeer(CN=localhost) returned false", client.reason.getMessage());
      assertFalse(client.events.contains("handshake"));
    }
    TlsPeers.Peer second = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString());
    Tls accepting = new Tls(TlsOptions.builder().sslContext(jdkContext()).build(), false);
    accepting.greeting = "context ok\n";
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", second.port, accepting));
      second.awaitOutput("context ok");
      assertEquals(List.of("verify", "greeting written", "handshake"),
          accepting.events.subList(0, 3));
    }
  }

  @Test
  void serverVerifiesClientCertificates() throws Exception {
    TlsOptions options = serverOptions().trustedCertificates(pki.ca).verifyPeer(true)
        .failIfNoPeerCertificate(true).build();
    List<Tls> accepted = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      int port = startTlsServer(runner, options, accepted::add);
      TlsPeers.Peer withCert = pki.client(port, "-CAfile", pki.ca.toString(), "-cert",
          pki.clientCert.toString(), "-key", pki.clientKey.toString());
      withCert.send("with a certificate\n");
      withCert.awaitOutput("with a certificate");
      Tls first = accepted.get(0);
      assertEquals("CN=tether-client", subject(first.verified));
      assertEquals("CN=tether-client", subject(first.peer));

      pki.client(port, "-CAfile", pki.ca.toString()); // no input: it may exit at once
      ReactorRunner.waitFor("second connection", () -> accepted.size() == 2);
      Tls second = accepted.get(1);
      second.awaitUnbound();
      assertInstanceOf(SSLHandshakeException.class, second.reason);
      assertFalse(second.events.contains("receive"));
    }
  }

  @Test
  void tls13OnlyServerRefusesTls12Client() throws Exception {
    TlsOptions options = serverOptions().protocols("TLSv1.3").build();
    CompletableFuture<Tls> accepted = new CompletableFuture<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      int port = startTlsServer(runner, options, accepted::complete);
      // No input for it: s_client exits as soon as the handshake fails.
      TlsPeers.Peer client = pki.client(port, "-CAfile", pki.ca.toString(), "-tls1_2");
      assertNotEquals(0, client.awaitExit(), client.output());
      Tls c = accepted.get(10, TimeUnit.SECONDS);
      c.awaitUnbound();
      assertInstanceOf(SSLHandshakeException.class, c.reason);
      assertFalse(c.events.contains("handshake"));
      assertTrue(client.output().contains("alert protocol version"), client.output());
    }
  }

  @Test
  void tls12ClientIsServedWhenAllowedAndItsCloseNotifyArrives() throws Exception {
    TlsOptions options = serverOptions().build();
    CompletableFuture<Tls> accepted = new CompletableFuture<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      int port = startTlsServer(runner, options, accepted::complete);
      TlsPeers.Peer client = pki.client(port, "-CAfile", pki.ca.toString(), "-tls1_2",
          "-verify_return_error");
      client.send("twelve\n");
      client.awaitOutput("twelve");
      client.stdin.close();
      assertEquals(0, client.awaitExit(), client.output());
      Tls c = accepted.get(10, TimeUnit.SECONDS);
      c.awaitUnbound();
      assertEquals("TLSv1.2", c.protocol);
      assertTrue(c.peerClosed);
      assertNull(c.reason);
    }
  }

  @Test
  void tls12RenegotiationByTheServerKeepsDataFlowing() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString(), "-tls1_2");
    Tls client = new Tls(TlsOptions.builder().trustedCertificates(pki.ca)
        .protocols("TLSv1.2").build(), false);
    client.greeting = "before\n";
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      server.awaitOutput("before");
      server.send("r\n"); // s_server: renegotiate
      server.awaitOutput("SSL_do_handshake -> 1");
      server.send("after renegotiation\n");
      client.awaitReceived("after renegotiation");
      runner.run(() -> client.sendData("still here\n".getBytes(StandardCharsets.UTF_8)));
      server.awaitOutput("still here");
      assertEquals(1, client.events.stream().filter("handshake"::equals).count());
      assertEquals("TLSv1.2", client.protocol);
    }
  }

  @Test
  void clientWithoutPeerVerificationAcceptsAnyServer() throws Exception {
    TlsPeers.Peer server = pki.server("-cert", pki.serverCert.toString(), "-key",
        pki.serverKey.toString());
    Tls client = new Tls(TlsOptions.builder().trustedCertificates(pki.wrongCa)
        .verifyPeer(false).build(), false);
    client.greeting = "unverified\n";
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", server.port, client));
      server.awaitOutput("unverified");
      // The greeting goes out just before sslHandshakeCompleted runs: wait for it.
      ReactorRunner.waitFor("handshake", () -> client.events.contains("handshake"));
      assertFalse(client.events.contains("verify"), "sslVerifyPeer only with verifyPeer on");
      assertEquals("CN=localhost", subject(client.peer));
    }
  }

  @Test
  void fourMegabytesEachWayHoldBackPressure() throws Exception {
    int size = 4 * 1024 * 1024;
    long high = 64 * 1024;
    AtomicLong maxQueued = new AtomicLong();
    CompletableFuture<Boolean> full = new CompletableFuture<>();
    TlsOptions options = serverOptions().build();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0,
          () -> new Connection() {
            @Override
            protected void postInit() {
              setWatermarks(16 * 1024, high);
              startTls(options);
            }

            @Override
            protected void receiveData(ByteBuffer data) {
              sendData(data);
              maxQueued.accumulateAndGet(outboundBytes(), Math::max);
              if (!isWritable()) {
                full.complete(true);
              }
            }
          }));
      byte[] data = new byte[size];
      new Random(12).nextBytes(data);
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
      try (SSLSocket socket = (SSLSocket) jdkContext().getSocketFactory().createSocket()) {
        socket.setReceiveBufferSize(16 * 1024); // else the kernel takes it all: no back pressure
        socket.connect(server.localAddress());
        socket.startHandshake();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            OutputStream out = socket.getOutputStream();
            for (int off = 0; off < size; off += 100_000) {
              out.write(data, off, Math.min(100_000, size - off));
            }
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        full.get(30, TimeUnit.SECONDS); // the client has not read a byte: the queue filled
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; total < size && (n = in.read(buffer)) > 0; total += n) {
          got.update(buffer, 0, n);
        }
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(size, total);
        assertArrayEquals(expected, got.digest());
      }
      // High watermark, plus one read (64 KiB) encrypted: records add ~22 bytes per 16 KiB.
      assertTrue(maxQueued.get() <= high + 64 * 1024 + 1024, "queued " + maxQueued.get());
    }
  }

  @Test
  void aMegabyteSentBeforeTheHandshakeNeitherStallsItNorStopsReadingAfterIt() throws Exception {
    byte[] early = new byte[1024 * 1024];
    new Random(3).nextBytes(early);
    TlsOptions options = serverOptions().build();
    List<Tls> accepted = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, () -> {
        Tls tls = new Tls(options, false) {
          @Override
          protected void postInit() {
            super.postInit();
            sendData(early); // far above the high watermark, before the peer said a word
          }
        };
        accepted.add(tls);
        return tls;
      }));
      try (SSLSocket socket = (SSLSocket) jdkContext().getSocketFactory().createSocket()) {
        socket.connect(server.localAddress());
        byte[] got = socket.getInputStream().readNBytes(early.length);
        assertArrayEquals(early, got);
        socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        ReactorRunner.waitFor("a connection", () -> !accepted.isEmpty());
        accepted.get(0).awaitReceived("ping"); // reading resumed once the early bytes went
      }
    }
  }

  @Test
  void streamedFileGoesThroughTlsInOrderWithDataBeforeAndAfterIt() throws Exception {
    byte[] file = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(file);
    Path path = dir.resolve("streamed.bin");
    Files.write(path, file);
    CompletableFuture<CompletableFuture<Void>> streamed = new CompletableFuture<>();
    TlsOptions options = serverOptions().build();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0,
          () -> new Connection() {
            @Override
            protected void postInit() {
              startTls(options);
              sendData("before\n".getBytes(StandardCharsets.US_ASCII));
              // No sendfile under TLS: the file goes in chunks through the TLS layer.
              streamed.complete(streamFileData(path));
              sendData("after".getBytes(StandardCharsets.US_ASCII));
              closeConnectionAfterWriting();
            }
          }));
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write("before\n".getBytes(StandardCharsets.US_ASCII));
      expected.write(file);
      expected.write("after".getBytes(StandardCharsets.US_ASCII));
      try (SSLSocket socket = (SSLSocket) jdkContext().getSocketFactory().createSocket()) {
        socket.connect(server.localAddress());
        byte[] got = socket.getInputStream().readAllBytes(); // to the server's close_notify
        assertEquals(expected.size(), got.length);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(expected.toByteArray()),
            MessageDigest.getInstance("SHA-256").digest(got));
      }
      streamed.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void proxyRelaysPlaintextBetweenTlsClientAndPlainServer() throws Exception {
    TlsOptions options = serverOptions().build();
    CompletableFuture<String> upstreamGot = new CompletableFuture<>();
    try (ServerSocket upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      Thread echo = new Thread(() -> {
        try (Socket s = upstream.accept()) {
          byte[] buffer = new byte[64];
          int n = s.getInputStream().read(buffer);
          upstreamGot.complete(new String(buffer, 0, n, StandardCharsets.UTF_8));
          s.getOutputStream().write(buffer, 0, n);
          s.getInputStream().read(); // until the proxy closes
        } catch (Exception e) {
          upstreamGot.completeExceptionally(e);
        }
      }, "plain-upstream");
      echo.start();
      InetSocketAddress up = (InetSocketAddress) upstream.getLocalSocketAddress();
      int port = startServer(runner,
          () -> new ProxyTest.Front(up, new AtomicInteger(), options));
      TlsPeers.Peer client = pki.client(port, "-CAfile", pki.ca.toString(),
          "-verify_return_error");
      client.send("through the proxy\n");
      assertEquals("through the proxy\n", upstreamGot.get(20, TimeUnit.SECONDS));
      client.awaitOutput("through the proxy\n");
      client.stdin.close();
      assertEquals(0, client.awaitExit(), client.output());
      echo.join(10_000);
      assertFalse(echo.isAlive());
      ReactorRunner.waitFor("both sides closed", () -> runner.call(
          runner.reactor::connectionCount) == 0);
    }
  }

  @Test
  void badOptionsFailWhenBuiltNamingTheValue() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertMessage("PEM file " + missing + ": no such file", () -> TlsOptions.builder()
        .certificateChain(missing, pki.serverKey).build());
    Path garbage = dir.resolve("garbage.pem");
    java.nio.file.Files.writeString(garbage,
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertMessage("PEM file " + garbage + ": a CERTIFICATE block that is not base64",
        () -> TlsOptions.builder().certificateChain(garbage, pki.serverKey).build());
    assertMessage("PEM file " + pki.serverCert + ": 0 -----BEGIN PRIVATE KEY----- blocks",
        () -> TlsOptions.builder().certificateChain(pki.serverCert, pki.serverCert).build());
    assertMessage("PEM file " + pki.clientKey + ": a EC key (expected: the RSA key of",
        () -> TlsOptions.builder().certificateChain(pki.serverCert, pki.clientKey).build());
    assertMessage("protocols : TLSv9 (expected: one of [",
        () -> TlsOptions.builder().protocols("TLSv1.3", "TLSv9").build());
    assertMessage("cipherSuites : TLS_NO_SUCH_CIPHER (expected: one of [",
        () -> TlsOptions.builder().cipherSuites("TLS_NO_SUCH_CIPHER").build());
    assertMessage("sniHostName : not a host! (expected: a DNS host name)",
        () -> TlsOptions.builder().sniHostName("not a host!").build());
  }

  @Test
  void startTlsTwiceIsRefused() throws Exception {
    TlsOptions options = serverOptions().build();
    CompletableFuture<Throwable> second = new CompletableFuture<>();
    try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> runner.reactor.connect("127.0.0.1", peer.getLocalPort(),
          new Connection() {
            @Override
            protected void postInit() {
              startTls(options);
              try {
                startTls(options);
                second.complete(null);
              } catch (IllegalStateException e) {
                second.complete(e);
              }
            }
          }));
      assertTrue(second.get(10, TimeUnit.SECONDS).getMessage()
          .contains("(expected: once per connection; TLS is already on)"));
    }
  }

  /**
   * Starts a server on 127.0.0.1 whose connections are server-side {@link Tls} with
   * {@code options}, each handed to {@code accepted}; returns its port.
   */
  private static int startTlsServer(ReactorRunner runner, TlsOptions options,
      Consumer<Tls> accepted) {
    return startServer(runner, () -> {
      Tls c = new Tls(options, true);
      accepted.accept(c);
      return c;
    });
  }

  /** Starts a server on 127.0.0.1 with {@code connections}; returns its port. */
  private static int startServer(ReactorRunner runner,
      Supplier<? extends Connection> connections) {
    Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, connections));
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private static void assertMessage(String expected, Runnable build) {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  private static String causes(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c).append(" <- ");
    }
    return all.toString();
  }

  /** A JDK client context trusting the test CA. */
  private static SSLContext jdkContext() throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", dev.tether.reactor.internal.PemFiles.certificates(pki.ca)
        .get(0));
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
