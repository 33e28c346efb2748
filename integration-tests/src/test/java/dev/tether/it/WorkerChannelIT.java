package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.MessageChannel;
import dev.tether.reactor.ExitStatus;
import dev.tether.testing.Await;
import dev.tether.unix.internal.Io;
import java.io.FileInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's channel as a connection of its reactor, in real worker JVMs: replies never block
 * the loop and show back pressure, and bad input gets one outcome whether it comes during the
 * start-up phase (the first bytes, read before the reactor runs) or once the reactor runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerChannelIT {
  /** Bytes the worker does not take from its channel: over its default high watermark, 256 KiB. */
  private static final int FLOOD = 2000;

  /** Makes sure the worker's reactor runs: "slow" defers, which enters the reactor. */
  private static void reactorRuns(FaultyServer server) {
    server.server().write("slow");
    assertEquals(List.of("released"), server.call("release"));
    assertEquals("slow_done", server.server().read().get(0));
  }

  @Test
  void aSupervisorThatStopsReadingStallsNothingButItsChannel() throws Exception {
    Workers.Output output = new Workers.Output();
    SignalServer server = Workers.quick(new SignalServer(), output);
    server.start();
    try {
      reactorRuns(server);
      server.server().write("flood", Integer.toString(FLOOD)); // and read nothing for now
      Await.until("the flood to be written", Workers.JVM_START,
          () -> output.contains(FaultyServer.FLOODED));
      String flooded = output.lines.stream().filter(l -> l.contains(FaultyServer.FLOODED))
          .findFirst().orElseThrow();
      assertTrue(flooded.contains("writable=false"), flooded); // the handler saw back pressure
      // The loop goes on while the supervisor reads nothing: a signal handler runs.
      server.sendSignal("USR1");
      Await.until("the USR1 handler", Workers.JVM_START,
          () -> output.contains(SignalServer.USR1_HANDLED));
      for (int i = 0; i < FLOOD; i++) {
        List<String> m = server.server().read();
        assertEquals(List.of("flood", Integer.toString(i)), m.subList(0, 2), "message " + i);
      }
      assertEquals(List.of("flood_done"), server.server().read());
      assertEquals(List.of("signal", "USR1"), server.server().read());
      assertEquals("pong", server.call("ping").get(0));
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
  }

  @Test
  void anOversizeProtoPayloadEndsTheWorkerBeforeTheReactor() throws Exception {
    oversizePayloadEndsTheWorker(false);
  }

  @Test
  void anOversizeProtoPayloadEndsTheWorkerOnTheReactor() throws Exception {
    oversizePayloadEndsTheWorker(true);
  }

  /**
   * ["proto_echo"] and a scalar header above the maximum, whose "payload" is a ["ping"] frame:
   * the worker must not take it for a message (no pong); it logs, finalizes and exits 1.
   */
  private static void oversizePayloadEndsTheWorker(boolean onReactor) throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output);
    server.start();
    try {
      if (onReactor) {
        reactorRuns(server);
      }
      server.server().write("proto_echo");
      ByteBuffer bytes = ByteBuffer.allocate(4 + 7);
      bytes.putInt(MessageChannel.DEFAULT_MAX_SCALAR_SIZE + 1);
      bytes.putShort((short) 5).put("ping\0".getBytes(StandardCharsets.US_ASCII));
      Io.writeFully(server.server().fd(), bytes.array());
      assertNull(server.server().read(), "the smuggled ping got an answer");
      assertEquals(new ExitStatus.Exited(1), server.awaitExit(Workers.JVM_START).orElseThrow());
      assertTrue(output.contains("scalar is " + (MessageChannel.DEFAULT_MAX_SCALAR_SIZE + 1L)
          + " bytes (expected: <= " + MessageChannel.DEFAULT_MAX_SCALAR_SIZE + ")"),
          output.lines.toString());
    } finally {
      server.stop();
    }
  }

  @Test
  void anFdOnAPlainMessageIsClosedAndTheMessageAnsweredBeforeTheReactor(@TempDir Path dir)
      throws Exception {
    fdOnAPlainMessage(dir, false);
  }

  @Test
  void anFdOnAPlainMessageIsClosedAndTheMessageAnsweredOnTheReactor(@TempDir Path dir)
      throws Exception {
    fdOnAPlainMessage(dir, true);
  }

  /**
   * An fd riding on the first byte of a plain ["ping"] frame (Passenger's bare send_io byte
   * standing as the frame's first length byte): the ping is answered and the worker holds no
   * copy of the fd, whether plain read(2) dropped it or recvmsg saw and closed it.
   */
  private static void fdOnAPlainMessage(Path dir, boolean onReactor) throws Exception {
    Path file = dir.resolve("stray");
    Files.writeString(file, "x");
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output);
    server.start();
    try {
      if (onReactor) {
        reactorRuns(server);
      }
      try (FileInputStream stray = new FileInputStream(file.toFile())) {
        server.server().sendFd(stray.getFD(), false); // 0x00 with the fd...
      }
      Io.writeFully(server.server().fd(), new byte[] {5, 'p', 'i', 'n', 'g', 0}); // ...["ping"]
      assertEquals("pong", server.server().read().get(0));
      List<String> fds = server.call("fds");
      assertFalse(fds.stream().anyMatch(l -> l.contains(file.toString())), fds.toString());
      assertEquals("pong", server.call("ping").get(0));
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
  }

  @Test
  void theWorkerExitsOnceItsSupervisorClosesEvenWithRepliesQueued() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output);
    server.start();
    reactorRuns(server);
    server.server().write("flood", Integer.toString(FLOOD));
    Await.until("the flood to be written", Workers.JVM_START,
        () -> output.contains(FaultyServer.FLOODED));
    assertEquals(new ExitStatus.Exited(0), server.stop(), "queued replies hold nothing up");
  }

  @Test
  void finalizeServerRunsOnTheReactorWithTheChannelOpen() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output,
        java.util.Map.of("faulty.finalizeReply", "true"));
    server.start();
    reactorRuns(server);
    assertEquals(List.of("bye"), server.call("quit"));
    assertEquals(List.of("finalized", "true"), server.server().read(),
        "written in finalizeServer, on the reactor thread");
    assertNull(server.server().read(), "then the channel closed");
    assertEquals(new ExitStatus.Exited(0), server.stop());
  }
}
