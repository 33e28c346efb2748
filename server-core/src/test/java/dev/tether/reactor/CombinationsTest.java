package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ProcessOptions.Stderr;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features of the reactor used together: name resolution with reconnect, bindConnect and socket
 * options; TLS against the features that work on the socket's bytes; detach with pushed-back
 * input; the descriptor map with every kind of fd the reactor serves.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CombinationsTest {
  /** Resolves "peer.test" to the loopback address, counting lookups; anything else fails. */
  static final class TestNames implements NameResolver {
    final AtomicInteger lookups = new AtomicInteger();

    @Override
    public InetAddress[] resolve(String host) throws java.net.UnknownHostException {
      lookups.incrementAndGet();
      if (!host.equals("peer.test")) {
        throw new java.net.UnknownHostException(host);
      }
      return new InetAddress[] {InetAddress.getLoopbackAddress()};
    }
  }

  @Test
  void reconnectAndBindConnectResolveNamesOffTheLoopAndKeepTheBindAddress() throws Exception {
    TestNames names = new TestNames();
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      runner.run(() -> runner.reactor.setNameResolver(names));
      int bindPort;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        bindPort = free.getLocalPort();
      }
      Echo bound = runner.call(() -> runner.reactor.bindConnect("127.0.0.1", bindPort,
          "peer.test", peer.getLocalPort(), new Echo()));
      try (Socket accepted = peer.accept()) {
        assertEquals(bindPort, accepted.getPort(), "the peer sees the bind port");
        ReactorRunner.waitFor("completed", () -> bound.events.contains("completed"));
      }
      ReactorRunner.waitFor("unbind", () -> bound.events.contains("unbind"));
      runner.run(() -> bound.reconnect("peer.test", peer.getLocalPort()));
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("completed again", () -> bound.events.stream()
            .filter("completed"::equals).count() == 2);
      }
      assertEquals(2, names.lookups.get(), "each connect resolved the name");

      // A name that does not resolve ends in unbind, whatever the way of connecting.
      Echo lost = runner.call(() -> runner.reactor.bindConnect("127.0.0.1", 0, "nowhere.test",
          peer.getLocalPort(), new Echo()));
      ReactorRunner.waitFor("unbind", () -> lost.events.contains("unbind"));
      assertTrue(runner.call(lost::closeReason) instanceof java.net.UnknownHostException);

      // A bind host must be a literal (a lookup would block the loop).
      IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> runner.reactor.bindConnect("localhost", 0, "127.0.0.1", 1,
              new Echo())));
      assertTrue(named.getMessage().startsWith("host : localhost (expected: a literal"),
          named.getMessage());
      assertEquals(3, names.lookups.get());
      // Not a valid dotted quad, so a name: it goes to the resolver, off the loop.
      Echo odd = runner.call(() -> runner.reactor.connect("999.1.1.1", 80, new Echo()));
      ReactorRunner.waitFor("unbind", () -> odd.events.contains("unbind"));
      assertTrue(runner.call(odd::closeReason) instanceof java.net.UnknownHostException);
      assertEquals(4, names.lookups.get());
    }
  }

  @Test
  void socketOptionsWaitForTheNameToResolve() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      runner.run(() -> runner.reactor.setNameResolver(host -> {
        ReactorRunner.await(release);
        return new InetAddress[] {InetAddress.getLoopbackAddress()};
      }));
      Echo client = runner.call(() -> runner.reactor.connect("peer.test", peer.getLocalPort(),
          new Echo()));
      IllegalStateException resolving = assertThrows(IllegalStateException.class,
          () -> runner.run(() -> client.setSocketOption(StandardSocketOptions.SO_KEEPALIVE,
              true)));
      assertTrue(resolving.getMessage().contains("while its peer's name is being resolved"),
          resolving.getMessage());
      release.countDown();
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("completed", () -> client.events.contains("completed"));
        runner.run(() -> client.setSocketOption(StandardSocketOptions.SO_KEEPALIVE, true));
        assertTrue(runner.call(() -> client.getSocketOption(StandardSocketOptions.SO_KEEPALIVE)));
      }
    }
  }

  @Test
  void tlsAndTheFeaturesThatSeeTheSocketsBytesExcludeEachOther() throws Exception {
    TlsOptions options = TlsOptions.builder().verifyPeer(false).build();
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      int port = peer.getLocalPort();
      String[] refusals = runner.call(() -> {
        Echo pulling = runner.reactor.connect("127.0.0.1", port, new Echo());
        pulling.setPullReading(true);
        Echo pushed = runner.reactor.connect("127.0.0.1", port, new Echo());
        pushed.pushBackRead(ByteBuffer.wrap(new byte[] {1}));
        Echo written = runner.reactor.connect("127.0.0.1", port, new Echo());
        written.setWriter((data, socket) -> socket.write(data));
        Echo tls = runner.reactor.connect("127.0.0.1", port, new Echo());
        tls.startTls(options);
        return new String[] {
          refusal(() -> pulling.startTls(options)),
          refusal(() -> pushed.startTls(options)),
          refusal(() -> written.startTls(options)),
          refusal(() -> tls.setPullReading(true)),
          refusal(() -> tls.pushBackRead(ByteBuffer.wrap(new byte[] {1}))),
          refusal(() -> tls.setWriter((data, socket) -> socket.write(data))),
          refusal(() -> tls.enableFileDescriptorReceiving(1)),
        };
      });
      for (int i = 0; i < 3; i++) {
        assertTrue(refusals[i].contains("without pull reading, pushed-back input or a writer"),
            refusals[i]);
      }
      assertTrue(refusals[3].startsWith("setPullReading on a TLS connection"), refusals[3]);
      assertTrue(refusals[4].startsWith("pushBackRead on a TLS connection"), refusals[4]);
      assertTrue(refusals[5].startsWith("setWriter on a TLS connection"), refusals[5]);
      assertTrue(refusals[6].startsWith("enableFileDescriptorReceiving on a TLS connection"),
          refusals[6]);
    }
  }

  @Test
  void aConnectionWithPushedBackInputIsNotDetachedAndReconnectRefusesTls() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Echo client = runner.call(() -> runner.reactor.connect("127.0.0.1", peer.getLocalPort(),
          new Echo()));
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("completed", () -> client.events.contains("completed"));
        String refused = runner.call(() -> {
          client.pushBackRead(ByteBuffer.wrap("held".getBytes(StandardCharsets.US_ASCII)));
          return refusal(client::detach);
        });
        assertTrue(refused.contains("4 pushed back"), refused);
        assertTrue(runner.call(client::isOpen), "the fd stays with the reactor");
      }
      Echo tls = runner.call(() -> {
        Echo c = runner.reactor.connect("127.0.0.1", peer.getLocalPort(), new Echo());
        c.startTls(TlsOptions.builder().verifyPeer(false).build());
        return c;
      });
      peer.accept().close();
      ReactorRunner.waitFor("unbind", () -> tls.events.contains("unbind"));
      String refused = runner.call(() -> refusal(() -> tls.reconnect("127.0.0.1",
          peer.getLocalPort())));
      assertTrue(refused.contains("it used TLS"), refused);
    }
  }

  @Test
  void theDescriptorMapNamesDatagramInotifyPidfdAndStderrFds(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("watched"), "x");
    try (ReactorRunner runner = new ReactorRunner()) {
      ProcessRecorder child = runner.call(() -> {
        runner.reactor.openDatagramSocket("127.0.0.1", 0, new DatagramConnection() {});
        runner.reactor.watchFile(file, new FileWatcher() {});
        return runner.reactor.popen(List.of("sleep", "30"),
            ProcessOptions.defaults().withStderr(Stderr.SEPARATE), new ProcessRecorder());
      });
      Collection<String> all = runner.call(() -> runner.reactor.descriptors()).values();
      assertTrue(all.stream().anyMatch(d -> d.startsWith("datagram socket /127.0.0.1:")), all
          .toString());
      assertTrue(all.stream().anyMatch(d -> d.startsWith("inotify: " + file + " (")),
          all.toString());
      int pid = runner.call(child::pid);
      assertTrue(all.stream().anyMatch(d -> d.startsWith("pidfd of process " + pid
          + ", a child it reaps")), all.toString());
      assertTrue(all.stream().anyMatch(d -> d.startsWith("stderr of process " + pid)),
          all.toString());
      assertTrue(all.stream().anyMatch(d -> d.startsWith("connection "
          + ProcessRecorder.class.getName())), all.toString());
    }
  }

  private static String refusal(Runnable call) {
    return assertThrows(IllegalStateException.class, call::run).getMessage();
  }
}
