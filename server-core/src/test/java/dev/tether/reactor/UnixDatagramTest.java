package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.DatagramTest.Recorder;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Sockets;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AF_UNIX datagram sockets on the reactor, where a receiver that does not read makes the sender
 * meet EAGAIN: the bounded queue, its order, drained(), closing after writing, and no busy loop.
 * Peers are raw Unix datagram sockets of the native layer (the JDK has no Unix DatagramChannel).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnixDatagramTest {

  /**
   * The bounded queue, provoked for real. On UDP loopback a send never meets EAGAIN (measured
   * here: 200 000 datagrams of 60 KB from a socket with SO_SNDBUF 4608 all went, the kernel
   * handing each to the receiver, which drops what it has no room for). An AF_UNIX datagram
   * socket charges each datagram to the sender until the receiver reads it, so a peer that does
   * not read fills the sender's buffer and the next send returns EAGAIN.
   */
  @Test
  void theQueueIsBoundedUnderAReceiverThatDoesNotReadAndDrainsInOrder(@TempDir Path dir) {
    Path reactorPath = dir.resolve("reactor.sock");
    Path peerPath = dir.resolve("peer.sock");
    int peer = Sockets.unixDatagram();
    try (ReactorRunner runner = new ReactorRunner()) {
      new Sockets().bindUnix(peer, peerPath.toString());
      Recorder sender = runner.call(() ->
          runner.reactor.openUnixDatagramSocket(reactorPath, new Recorder(false)));
      SocketAddress target = UnixDomainSocketAddress.of(peerPath);
      int size = 32 * 1024;
      long limit = 4 * (size + 64);
      // Send until the limit drops one: the first sends go straight to the peer's queue.
      int[] accepted = runner.call(() -> {
        sender.setOutboundLimit(limit);
        int ok = 0;
        for (int seq = 0; seq < 1000; seq++) {
          ByteBuffer datagram = ByteBuffer.allocateDirect(size).putInt(0, seq);
          if (!sender.sendDatagram(datagram, target)) {
            return new int[] {ok, seq};
          }
          ok++;
        }
        return new int[] {ok, -1};
      });
      assertTrue(accepted[1] > 0, "a send was refused: " + Arrays.toString(accepted));
      assertEquals(accepted[0], accepted[1], "every datagram before the refused one was taken");
      assertEquals(4L * size, runner.call(sender::outboundBytes), "queue at its limit");
      assertEquals(1, runner.call(sender::droppedDatagrams));
      assertEquals(0, sender.drains.get());

      // The peer reads: the queue goes out, in order, and drained() follows.
      Io.makeNonBlockingCloexec(peer);
      ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024); // big-endian, as putInt wrote
      long address = Memory.address(buffer);
      List<Integer> received = new ArrayList<>();
      ReactorRunner.waitFor("the peer receives " + accepted[0] + " datagrams", () -> {
        for (long n = Sockets.receive(peer, address, buffer.capacity()); n >= 0;
            n = Sockets.receive(peer, address, buffer.capacity())) {
          assertEquals(size, n);
          received.add(buffer.getInt(0));
        }
        return received.size() >= accepted[0];
      });
      for (int i = 0; i < received.size(); i++) {
        assertEquals(i, received.get(i), "datagram order");
      }
      assertEquals(accepted[0], received.size());
      ReactorRunner.waitFor("drained", () -> sender.drains.get() == 1);
      assertEquals(0L, runner.call(sender::outboundBytes));
      // Unix datagrams come in too, with their sender to reply to.
      new Sockets().sendTo(peer, address, 5, reactorPath.toString());
      ReactorRunner.waitFor("a datagram from the peer", () -> sender.datagrams.size() == 1);
      assertEquals(UnixDomainSocketAddress.of(peerPath), sender.senders.get(0));
      // Queued again, then closeConnectionAfterWriting: all of it goes out, then the close.
      int[] queuedAgain = runner.call(() -> {
        int ok = 0;
        while (sender.outboundBytes() == 0 && ok < 100) {
          assertTrue(sender.sendDatagram(ByteBuffer.allocateDirect(size).putInt(0, ok++), target));
        }
        sender.closeConnectionAfterWriting();
        assertTrue(sender.isOpen(), "open while its queue drains");
        assertFalse(sender.sendDatagram(new byte[1], target), "no sends once closing");
        return new int[] {ok};
      });
      received.clear();
      ReactorRunner.waitFor("the peer receives " + queuedAgain[0] + " more", () -> {
        for (long n = Sockets.receive(peer, address, buffer.capacity()); n >= 0;
            n = Sockets.receive(peer, address, buffer.capacity())) {
          received.add(buffer.getInt(0));
        }
        return received.size() >= queuedAgain[0];
      });
      ReactorRunner.waitFor("unbind after the queue went out", () -> sender.unbinds.get() == 1);
      assertEquals(queuedAgain[0], received.size());
      assertFalse(Files.exists(reactorPath), "socket file removed");
      assertEquals(1, sender.drains.get(), "closing after the last datagram, no drained()");
    } finally {
      Io.close(peer);
    }
  }

  @Test
  void aUnixDatagramLongerThanTheReadBufferIsDroppedNotCut(@TempDir Path dir) {
    Path reactorPath = dir.resolve("reactor.sock");
    int peer = Sockets.unixDatagram();
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder recorder = runner.call(() ->
          runner.reactor.openUnixDatagramSocket(reactorPath, new Recorder(false)));
      ByteBuffer data = Memory.allocate(70_000);
      long address = Memory.address(data);
      new Sockets().sendTo(peer, address, 70_000, reactorPath.toString()); // unbound: no sender
      new Sockets().sendTo(peer, address, 3, reactorPath.toString());
      ReactorRunner.waitFor("the short datagram", () -> recorder.datagrams.size() == 1);
      assertEquals(3, recorder.datagrams.get(0).length, "the long one dropped, not delivered cut");
      assertNull(recorder.senders.get(0), "an unbound Unix sender has no address");
      assertThrows(IllegalStateException.class,
          () -> runner.call(() -> recorder.sendData(new byte[1])));
    } finally {
      Io.close(peer);
    }
  }

  /**
   * Linux reports an unconnected AF_UNIX datagram socket writable while the receiver's queue is
   * full (its 10-datagram limit, net.unix.max_dgram_qlen), and a send then still fails with
   * EAGAIN: a level-triggered loop that waited for writable would spin until the receiver reads.
   */
  @Test
  void aFullUnixReceiverQueueDoesNotMakeTheLoopSpin(@TempDir Path dir) throws Exception {
    Path peerPath = dir.resolve("peer.sock");
    int peer = Sockets.unixDatagram();
    Object threads = java.lang.management.ManagementFactory.getThreadMXBean();
    java.lang.reflect.Method cpuTime = Class.forName("java.lang.management.ThreadMXBean")
        .getMethod("getThreadCpuTime", long.class);
    try (ReactorRunner runner = new ReactorRunner()) {
      new Sockets().bindUnix(peer, peerPath.toString());
      long reactorThread = runner.call(() -> Thread.currentThread().getId());
      Recorder sender = runner.call(() ->
          runner.reactor.openUnixDatagramSocket(dir.resolve("r.sock"), new Recorder(false)));
      SocketAddress target = UnixDomainSocketAddress.of(peerPath);
      runner.run(() -> {
        for (int seq = 0; seq < 100; seq++) {
          assertTrue(sender.sendDatagram(ByteBuffer.allocate(4).putInt(0, seq), target));
        }
      });
      assertTrue(runner.call(sender::outboundBytes) > 0, "datagrams queued");
      long cpuBefore = (long) cpuTime.invoke(threads, reactorThread);
      long wallBefore = System.nanoTime();
      // An interval to measure over, not a synchronisation: nothing is expected to happen.
      Thread.sleep(500);
      long cpu = (long) cpuTime.invoke(threads, reactorThread) - cpuBefore;
      long wall = System.nanoTime() - wallBefore;
      assertTrue(cpu < wall / 5, "reactor thread used " + cpu / 1_000_000 + " ms of CPU in "
          + wall / 1_000_000 + " ms while the receiver's queue was full");
      System.out.println("full unix receiver: reactor CPU " + cpu / 1_000_000 + " ms in "
          + wall / 1_000_000 + " ms");

      Io.makeNonBlockingCloexec(peer);
      ByteBuffer buffer = ByteBuffer.allocateDirect(64);
      long address = Memory.address(buffer);
      List<Integer> received = new ArrayList<>();
      ReactorRunner.waitFor("100 datagrams at the peer", () -> {
        for (long n = Sockets.receive(peer, address, 64); n >= 0;
            n = Sockets.receive(peer, address, 64)) {
          received.add(buffer.getInt(0));
        }
        return received.size() >= 100;
      });
      for (int i = 0; i < 100; i++) {
        assertEquals(i, received.get(i), "datagram order");
      }
      ReactorRunner.waitFor("drained", () -> sender.drains.get() == 1);
    } finally {
      Io.close(peer);
    }
  }
}
