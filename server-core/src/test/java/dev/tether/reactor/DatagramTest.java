package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** UDP (and Unix datagram) sockets on the reactor, against the JDK's DatagramSocket as peer. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramTest {

  /** Records each datagram and its sender; replies with the same bytes when {@code echo}. */
  static class Recorder extends DatagramConnection {
    final List<byte[]> datagrams = new CopyOnWriteArrayList<>();
    final List<SocketAddress> senders = new CopyOnWriteArrayList<>();
    final AtomicInteger unbinds = new AtomicInteger();
    final AtomicInteger drains = new AtomicInteger();
    final List<NativeCallException> failures = new CopyOnWriteArrayList<>();
    final boolean echo;

    Recorder(boolean echo) {
      this.echo = echo;
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      byte[] bytes = new byte[data.remaining()];
      data.duplicate().get(bytes);
      senders.add(peerAddress()); // first: tests wait on datagrams, then read senders
      datagrams.add(bytes);
      if (echo) {
        sendData(data);
      }
    }

    @Override
    protected void drained() {
      drains.incrementAndGet();
    }

    @Override
    protected void sendFailed(SocketAddress target, NativeCallException error) {
      failures.add(error);
    }

    @Override
    protected void unbind() {
      unbinds.incrementAndGet();
    }
  }

  private static DatagramSocket peer(String host) throws Exception {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, 0));
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(DatagramSocket from, byte[] bytes, SocketAddress to) throws Exception {
    from.send(new DatagramPacket(bytes, bytes.length, to));
  }

  private static byte[] receive(DatagramSocket socket) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
    socket.receive(packet);
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aBurstKeepsItsBoundariesAndOrderEmptyDatagramsIncluded() throws Exception {
    try (ReactorRunner runner = new ReactorRunner(); DatagramSocket peer = peer("127.0.0.1")) {
      Recorder recorder = runner.call(() ->
          runner.reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(false)));
      SocketAddress address = runner.call(recorder::localAddress);
      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        // Sizes 0, 1, 2, ... 1000-odd: a byte stream would merge them; each must stay whole.
        byte[] bytes = randomBytes(i % 10 == 0 ? 0 : i * 11, i);
        sent.add(bytes);
        send(peer, bytes, address);
      }
      ReactorRunner.waitFor("100 datagrams", () -> recorder.datagrams.size() == 100);
      for (int i = 0; i < 100; i++) {
        assertArrayEquals(sent.get(i), recorder.datagrams.get(i), "datagram " + i);
      }
      assertEquals(0, recorder.datagrams.get(0).length);
      assertEquals(peer.getLocalSocketAddress(), recorder.senders.get(99));
    }
  }

  @Test
  void aReplyInReceiveDataGoesToItsSenderWithTwoSendersInterleaved() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        DatagramSocket a = peer("127.0.0.1");
        DatagramSocket b = peer("127.0.0.1")) {
      Recorder echo = runner.call(() ->
          runner.reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(true)));
      SocketAddress address = runner.call(echo::localAddress);
      for (int i = 0; i < 20; i++) {
        send(a, ascii("a" + i), address);
        send(b, ascii("b" + i), address);
        assertEquals("a" + i, new String(receive(a), StandardCharsets.US_ASCII));
        assertEquals("b" + i, new String(receive(b), StandardCharsets.US_ASCII));
      }
      send(a, new byte[0], address); // the empty datagram is echoed as one too
      assertEquals(0, receive(a).length);
      for (int i = 0; i < 40; i++) {
        DatagramSocket from = i % 2 == 0 ? a : b;
        assertEquals(from.getLocalSocketAddress(), echo.senders.get(i), "sender of " + i);
      }
    }
  }

  @Test
  void peerAddressIsTheSenderOfTheLastDatagramAndKeptForOneSender() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        DatagramSocket a = peer("127.0.0.1");
        DatagramSocket b = peer("127.0.0.1")) {
      Recorder recorder = runner.call(() ->
          runner.reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(false)));
      assertNull(runner.call(recorder::peerAddress));
      SocketAddress address = runner.call(recorder::localAddress);
      send(a, ascii("1"), address);
      send(a, ascii("2"), address);
      send(b, ascii("3"), address);
      ReactorRunner.waitFor("3 datagrams", () -> recorder.datagrams.size() == 3);
      assertSame(recorder.senders.get(0), recorder.senders.get(1), "one sender, one decode");
      assertEquals(a.getLocalSocketAddress(), recorder.senders.get(0));
      assertEquals(b.getLocalSocketAddress(), runner.call(recorder::peerAddress));
      // Outside receiveData, sendData still goes to the last datagram's sender.
      assertTrue(runner.call(() -> recorder.sendData(ascii("to b"))));
      assertEquals("to b", new String(receive(b), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void sendDatagramReachesAThirdSocket() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        DatagramSocket sender = peer("127.0.0.1");
        DatagramSocket third = peer("127.0.0.1")) {
      int thirdPort = third.getLocalPort();
      DatagramConnection forwarder = runner.call(() -> runner.reactor.openDatagramSocket(
          "127.0.0.1", 0, new DatagramConnection() {
            @Override
            protected void receiveData(ByteBuffer data) {
              sendDatagram(data, "127.0.0.1", thirdPort);
            }
          }));
      send(sender, ascii("forward me"), runner.call(forwarder::localAddress));
      assertEquals("forward me", new String(receive(third), StandardCharsets.US_ASCII));
      // The SocketAddress form, from a heap array, outside any callback.
      assertTrue(runner.call(() -> forwarder.sendDatagram(ByteBuffer.wrap(ascii("direct")),
          third.getLocalSocketAddress())));
      assertEquals("direct", new String(receive(third), StandardCharsets.US_ASCII));
      assertTrue(runner.call(() -> forwarder.sendDatagram(new byte[0], "127.0.0.1", thirdPort)));
      assertEquals(0, receive(third).length);
    }
  }

  @Test
  void ipv6LoopbackBothWays() throws Exception {
    try (ReactorRunner runner = new ReactorRunner(); DatagramSocket peer = peer("::1")) {
      Recorder echo = runner.call(() ->
          runner.reactor.openDatagramSocket("::1", 0, new Recorder(true)));
      InetSocketAddress local = (InetSocketAddress) runner.call(echo::localAddress);
      assertTrue(local.getAddress() instanceof Inet6Address, local.toString());
      assertTrue(local.getPort() > 0, local.toString());
      send(peer, ascii("over ipv6"), local);
      assertEquals("over ipv6", new String(receive(peer), StandardCharsets.US_ASCII));
      assertEquals(peer.getLocalSocketAddress(), echo.senders.get(0));
      int peerPort = peer.getLocalPort();
      assertTrue(runner.call(() -> echo.sendDatagram(ascii("to [::1]"), "[::1]", peerPort)));
      assertEquals("to [::1]", new String(receive(peer), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void anIpv6WildcardSocketAlsoServesIpv4() throws Exception {
    try (ReactorRunner runner = new ReactorRunner(); DatagramSocket peer = peer("127.0.0.1")) {
      Recorder echo = runner.call(() ->
          runner.reactor.openDatagramSocket("::", 0, new Recorder(true)));
      int port = ((InetSocketAddress) runner.call(echo::localAddress)).getPort();
      send(peer, ascii("v4 to ::"), new InetSocketAddress("127.0.0.1", port));
      assertEquals("v4 to ::", new String(receive(peer), StandardCharsets.US_ASCII));
      // Not ::ffff:127.0.0.1: the IPv4 address it is.
      assertEquals(peer.getLocalSocketAddress(), echo.senders.get(0));
      assertTrue(((InetSocketAddress) echo.senders.get(0)).getAddress()
          instanceof java.net.Inet4Address, echo.senders.get(0).toString());
      assertTrue(runner.call(() -> echo.sendData(ascii("reply later"))));
      assertEquals("reply later", new String(receive(peer), StandardCharsets.US_ASCII));
      int peerPort = peer.getLocalPort();
      assertTrue(runner.call(() -> echo.sendDatagram(ascii("v4 target"), "127.0.0.1", peerPort)));
      assertEquals("v4 target", new String(receive(peer), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void theLargestDatagramsGoBothWaysWhole() throws Exception {
    for (String host : new String[] {"127.0.0.1", "::1"}) {
      int max = host.contains(":") ? 65_527 : 65_507;
      try (ReactorRunner runner = new ReactorRunner(); DatagramSocket peer = peer(host)) {
        peer.setSendBufferSize(256 * 1024);
        peer.setReceiveBufferSize(256 * 1024);
        Recorder echo = runner.call(() ->
            runner.reactor.openDatagramSocket(host, 0, new Recorder(true)));
        byte[] big = randomBytes(max, max);
        send(peer, big, runner.call(echo::localAddress));
        assertArrayEquals(big, receive(peer), host);
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
            () -> runner.call(() -> echo.sendData(new byte[max + 1])));
        assertTrue(tooBig.getMessage().startsWith("datagram length : " + (max + 1) + " bytes"),
            tooBig.getMessage());
        assertTrue(tooBig.getMessage().endsWith("(expected: <= " + max + ")"),
            tooBig.getMessage());
      }
    }
  }

  @Test
  void badInputIsRefusedNamingTheValue() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor reactor = runner.reactor;
      assertEquals("port : -1 (expected: 0..65535)", assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> reactor.openDatagramSocket("127.0.0.1", -1, new Recorder(false))))
          .getMessage());
      assertEquals("port : 65536 (expected: 0..65535)",
          assertThrows(IllegalArgumentException.class, () -> runner.call(() ->
              reactor.openDatagramSocket("127.0.0.1", 65536, new Recorder(false)))).getMessage());
      for (String name : new String[] {"localhost", "example.com", "127.1", "1", "", "1:2"}) {
        String message = assertThrows(IllegalArgumentException.class, () -> runner.call(() ->
            reactor.openDatagramSocket(name, 0, new Recorder(false)))).getMessage();
        assertTrue(message.startsWith("host : " + name + " (expected: a literal IPv4 or IPv6"),
            message);
        assertTrue(message.contains("resolve them first"), message);
      }
      assertThrows(NullPointerException.class,
          () -> runner.call(() -> reactor.openDatagramSocket(null, 0, new Recorder(false))));
      assertThrows(NullPointerException.class,
          () -> runner.call(() -> reactor.openDatagramSocket("127.0.0.1", 0, null)));
      assertThrows(ReactorException.class,
          () -> reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(false)));

      Recorder recorder = runner.call(() ->
          reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(false)));
      assertThrows(ReactorException.class, () -> runner.call(() ->
          reactor.openDatagramSocket("127.0.0.1", 0, recorder)));
      int port = ((InetSocketAddress) runner.call(recorder::localAddress)).getPort();
      NativeCallException inUse = assertThrows(NativeCallException.class, () -> runner.call(() ->
          reactor.openDatagramSocket("127.0.0.1", port, new Recorder(false))));
      assertTrue(inUse.getMessage().startsWith("bind(/127.0.0.1:" + port + ") failed"),
          inUse.getMessage());
      assertThrows(IllegalStateException.class,
          () -> runner.call(() -> recorder.sendData(ascii("to nobody"))));
      String wrongFamily = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> recorder.sendDatagram(new byte[1], "::1", 9))).getMessage();
      assertTrue(wrongFamily.startsWith("target : ") && wrongFamily.endsWith("(expected: an IPv4"
          + " address, for the IPv4 socket /127.0.0.1:" + port + ")"), wrongFamily);
      assertThrows(IllegalArgumentException.class, () -> runner.call(() ->
          recorder.sendDatagram(new byte[1], "localhost", 9)));
      assertThrows(IllegalArgumentException.class, () -> runner.call(() ->
          recorder.sendDatagram(ByteBuffer.allocate(1),
              InetSocketAddress.createUnresolved("example.com", 9))));
      assertThrows(IllegalArgumentException.class, () -> runner.call(() ->
          recorder.sendDatagram(new byte[1], "127.0.0.1", 65536)));
      assertThrows(NullPointerException.class, () -> runner.call(() ->
          recorder.sendDatagram(ByteBuffer.allocate(1), (SocketAddress) null)));
      assertThrows(ReactorException.class, () -> new Recorder(false).peerAddress());
      assertEquals(0, runner.call(recorder::droppedDatagrams));
    }
  }

  @Test
  void aDatagramTheKernelRefusesIsDroppedReportedAndTheSocketServesOn() throws Exception {
    try (ReactorRunner runner = new ReactorRunner(); DatagramSocket peer = peer("127.0.0.1")) {
      Recorder echo = runner.call(() ->
          runner.reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(true)));
      // Broadcast without SO_BROADCAST: sendmsg fails with EACCES at once.
      assertFalse(runner.call(() -> echo.sendDatagram(ascii("all"), "255.255.255.255", 9)));
      assertEquals(1, echo.failures.size());
      assertEquals(Linux.EACCES, echo.failures.get(0).errno(), echo.failures.get(0).toString());
      assertTrue(echo.failures.get(0).getMessage().startsWith("sendmsg(/255.255.255.255:9)"),
          echo.failures.get(0).getMessage());
      assertEquals(1, runner.call(echo::droppedDatagrams));
      send(peer, ascii("still here"), runner.call(echo::localAddress));
      assertEquals("still here", new String(receive(peer), StandardCharsets.US_ASCII));
      assertTrue(runner.call(echo::isOpen));
    }
  }

  @Test
  void closeUnbindsOnceAndClosesTheFd() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder recorder = runner.call(() ->
          runner.reactor.openDatagramSocket("127.0.0.1", 0, new Recorder(false)));
      int fd = runner.call(() -> recorder.handle.fd);
      assertTrue(Io.isOpen(fd));
      runner.run(() -> {
        recorder.closeConnection();
        assertFalse(Io.isOpen(fd), "fd closed by closeConnection");
        recorder.closeConnection();
        assertFalse(recorder.isOpen());
        assertFalse(recorder.sendDatagram(new byte[1], "127.0.0.1", 9), "dropped once closed");
      });
      assertEquals(1, recorder.unbinds.get());
      runner.stop();
      assertEquals(1, recorder.unbinds.get(), "no second unbind at stop");
    }
  }

  @Test
  void stoppingTheReactorClosesItsDatagramSockets(@TempDir Path dir) {
    ReactorRunner.warmUp();
    var before = OpenFds.snapshot();
    ReactorRunner runner = new ReactorRunner();
    Recorder udp = runner.call(() ->
        runner.reactor.openDatagramSocket("::1", 0, new Recorder(false)));
    Path path = dir.resolve("dgram.sock");
    Recorder unix = runner.call(() ->
        runner.reactor.openUnixDatagramSocket(path, new Recorder(false)));
    int[] fds = {runner.call(() -> udp.handle.fd), runner.call(() -> unix.handle.fd)};
    assertTrue(Files.exists(path));
    runner.stop();
    assertEquals(1, udp.unbinds.get());
    assertEquals(1, unix.unbinds.get());
    assertFalse(Files.exists(path), "socket file removed");
    assertFalse(Io.isOpen(fds[0]), "udp fd closed");
    assertFalse(Io.isOpen(fds[1]), "unix fd closed");
    OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(10), "after stop");
  }



  @Test
  void echoingOneSenderAllocatesNothingPerDatagram() throws Exception {
    // com.sun.management is not readable from the module at compile time: reflect.
    Object threads = java.lang.management.ManagementFactory.getThreadMXBean();
    java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getThreadAllocatedBytes", long.class);
    int rounds = 10_000;
    try (ReactorRunner runner = new ReactorRunner(); DatagramSocket peer = peer("127.0.0.1")) {
      long reactorThread = runner.call(() -> Thread.currentThread().getId());
      DatagramConnection echo = runner.call(() -> runner.reactor.openDatagramSocket("127.0.0.1",
          0, new DatagramConnection() {
            @Override
            protected void receiveData(ByteBuffer data) {
              sendData(data);
            }
          }));
      SocketAddress address = runner.call(echo::localAddress);
      byte[] message = new byte[64];
      DatagramPacket out = new DatagramPacket(message, 64, address);
      DatagramPacket in = new DatagramPacket(new byte[64], 64);
      long before = 0;
      for (int i = 0; i < 2 * rounds; i++) {
        if (i == rounds) {
          before = (long) allocatedBytes.invoke(threads, reactorThread);
        }
        message[0] = (byte) i;
        peer.send(out);
        peer.receive(in);
        assertEquals(message[0], in.getData()[0]);
      }
      long allocated = (long) allocatedBytes.invoke(threads, reactorThread) - before;
      // Slack for one-off allocations (a TLAB refill, a JIT deopt), far below one per datagram.
      assertTrue(allocated < rounds, "reactor thread allocated " + allocated + " bytes for "
          + rounds + " echoed datagrams");
      System.out.println("udp steady-state allocation: " + allocated + " bytes for " + rounds
          + " echoed datagrams");
    }
  }
}
