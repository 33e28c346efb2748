package dev.tether.unix.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.NativeCallException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unix datagrams to paths and abstract names, socket inspection, the C environment, clocks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DatagramAndEnvironmentTest {
  private final Sockets sockets = new Sockets();

  @Test
  void datagramsReachAPathAndAnAbstractName(@TempDir Path dir) {
    roundTrip(dir.resolve("receiver").toString());
    roundTrip("@tether-native-test-" + ProcessHandle.current().pid());
  }

  private void roundTrip(String name) {
    int receiver = Sockets.unixDatagram();
    int sender = Sockets.unixDatagram();
    try {
      sockets.bindUnix(receiver, name);
      assertEquals(name, sockets.localName(receiver));
      assertEquals(Linux.AF_UNIX, sockets.family(receiver));
      assertFalse(sockets.isListening(receiver));
      ByteBuffer out = Memory.allocate(64);
      out.put(0, "READY=1".getBytes(StandardCharsets.US_ASCII));
      sockets.sendTo(sender, Memory.address(out), 7, name);
      ByteBuffer in = Memory.allocate(64);
      assertEquals(7, Sockets.receive(receiver, Memory.address(in), 64)); // queued by sendto
      byte[] got = new byte[7];
      in.get(0, got);
      assertEquals("READY=1", new String(got, StandardCharsets.US_ASCII));
    } finally {
      Io.close(sender);
      Io.close(receiver);
    }
  }

  @Test
  void sendingToANameNobodyHoldsFailsWithItsErrno(@TempDir Path dir) {
    int sender = Sockets.unixDatagram();
    try {
      ByteBuffer out = Memory.allocate(1);
      NativeCallException gone = assertThrows(NativeCallException.class,
          () -> sockets.sendTo(sender, Memory.address(out), 1, dir.resolve("none").toString()));
      assertEquals(Linux.ENOENT, gone.errno());
      String nobody = "@tether-nobody-" + System.nanoTime();
      NativeCallException refused = assertThrows(NativeCallException.class,
          () -> sockets.sendTo(sender, Memory.address(out), 1, nobody));
      assertEquals(Linux.ECONNREFUSED, refused.errno());
    } finally {
      Io.close(sender);
    }
  }

  @Test
  void aListeningSocketTellsItsFamilyAndName() throws Exception {
    int tcp = sockets.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    int[] pair = Sockets.pair();
    int[] pipe = Io.pipe(true);
    try {
      assertTrue(sockets.isListening(tcp));
      assertEquals(Linux.AF_INET, sockets.family(tcp));
      InetSocketAddress bound = (InetSocketAddress) sockets.localAddress(tcp);
      assertEquals("127.0.0.1:" + bound.getPort(), sockets.localName(tcp));
      assertFalse(sockets.isListening(pair[0]));
      assertEquals("", sockets.localName(pair[0])); // unnamed
      assertEquals(Linux.ENOTSOCK, assertThrows(NativeCallException.class,
          () -> sockets.isListening(pipe[0])).errno());
      assertNull(sockets.localName(pipe[0]));
    } finally {
      Io.close(tcp);
      Io.close(pair[0]);
      Io.close(pair[1]);
      Io.close(pipe[0]);
      Io.close(pipe[1]);
    }
  }

  @Test
  void theCEnvironmentStartsAsTheJdksCopy() {
    assertEquals(System.getenv("PATH"), Environment.get("PATH"));
    assertNull(Environment.get("TETHER_NEVER_SET"));
    Environment.unset("TETHER_NEVER_SET"); // not set: nothing to do
    assertThrows(NativeCallException.class, () -> Environment.unset("A=B"));
  }

  @Test
  void monotonicMicrosIsTheClockOfNanoTime() {
    // Measured: HotSpot's nanoTime reads CLOCK_MONOTONIC on Linux, so the clock lies in between.
    long before = System.nanoTime() / 1_000;
    long micros = Clocks.monotonicMicros();
    long after = System.nanoTime() / 1_000;
    assertTrue(before <= micros && micros <= after, before + " <= " + micros + " <= " + after);
  }
}
