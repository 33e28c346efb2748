package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.udp.UdpEcho;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The UdpEcho process under real peers: python3's socket module and the JDK's DatagramSocket,
 * empty and largest datagrams included; then SIGTERM. One echo process serves every test; the
 * last test stops it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UdpEchoIT {
  private static ExampleProcess server;
  private static InetSocketAddress address;

  @BeforeAll
  static void startServer() throws Exception {
    server = ExampleProcess.start(UdpEcho.class, "0");
    String line = server.stdout().awaitLine(
        l -> l.startsWith("udp echo listening on 127.0.0.1:"), Workers.JVM_START);
    address = new InetSocketAddress("127.0.0.1",
        Integer.parseInt(line.substring(line.lastIndexOf(':') + 1)));
  }

  @AfterAll
  static void killServer() throws InterruptedException {
    server.close();
  }

  @Test
  void pythonSocketGetsEachDatagramBackWhole() throws Exception {
    String script = String.join("\n",
        "import os, socket, sys",
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "s.settimeout(10)",
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)",
        "target = ('127.0.0.1', int(sys.argv[1]))",
        "sizes = [0, 1, 2, 100, 1472, 9000, 65507, 0]",
        "for n in sizes:",
        "    data = os.urandom(n)",
        "    s.sendto(data, target)",
        "    reply, sender = s.recvfrom(65536)",
        "    assert (reply, sender) == (data, target), (n, len(reply), sender)",
        "burst = [b'%03d' % i * (i % 7) for i in range(40)]", // some empty: i % 7 == 0
        "for d in burst:",
        "    s.sendto(d, target)",
        "got = [s.recvfrom(65536)[0] for _ in burst]",
        "assert got == burst, got",
        "print(len(sizes) + len(burst), 'datagrams echoed')");
    assertEquals("48 datagrams echoed\n",
        PeerPrograms.run("python3", "-c", script, String.valueOf(address.getPort())));
  }

  @Test
  void jdkDatagramSocketsInterleavedEachGetTheirOwnReplies() throws Exception {
    try (DatagramSocket a = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket b = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      a.setSoTimeout(10_000);
      b.setSoTimeout(10_000);
      a.setReceiveBufferSize(1 << 20);
      Random random = new Random(12);
      for (int i = 0; i < 30; i++) {
        byte[] toA = new byte[i % 5 == 0 ? 0 : random.nextInt(2000)];
        byte[] toB = ("b" + i).getBytes(StandardCharsets.US_ASCII);
        random.nextBytes(toA);
        a.send(new DatagramPacket(toA, toA.length, address));
        b.send(new DatagramPacket(toB, toB.length, address));
        assertArrayEquals(toA, receive(a), "a " + i);
        assertArrayEquals(toB, receive(b), "b " + i);
      }
      byte[] largest = new byte[65_507];
      random.nextBytes(largest);
      a.send(new DatagramPacket(largest, largest.length, address));
      assertArrayEquals(largest, receive(a), "65507 bytes");
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // after every test that needs the server
  void exitsOnSigterm() throws Exception {
    server.assertStopsCleanlyOnSigterm();
  }

  @Test
  void aBadPortExitsWithUsage() throws Exception {
    try (ExampleProcess p = ExampleProcess.start(UdpEcho.class, "65536")) {
      assertEquals(2, p.awaitExit(Duration.ofSeconds(60)), p.output());
      String out = p.output();
      assertTrue(out.contains("usage: UdpEcho PORT") && out.contains("port : 65536"), out);
    }
  }

  private static byte[] receive(DatagramSocket socket) throws IOException {
    DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
    socket.receive(packet);
    assertEquals(address, packet.getSocketAddress(), "the reply comes from the echo's socket");
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }
}
