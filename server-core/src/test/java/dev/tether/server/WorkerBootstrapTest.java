package dev.tether.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.MessageChannel;
import dev.tether.server.internal.WorkerBootstrap;
import dev.tether.testing.OpenFds;
import dev.tether.testing.TestThreads;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child worker's start-up phase in this JVM over a real socket pair, the worker's end served
 * through plain streams as in a child ({@link WorkerBootstrap#inherited}): the worker thread
 * answers messages while a load job that the test holds back has not finished, then hands over to
 * the reactor without losing or reordering a message.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkerBootstrapTest {
  /** Replies with what it saw; "where" asks for the reactor (entering it during start-up). */
  public static class Phases extends AbstractServer {
    volatile boolean finalized;

    public Phases() {
      defineMessageHandler("echo", args -> client().write("echo", args.get(0)));
      defineMessageHandler("where", args ->
          client().write("where", Boolean.toString(reactor().inReactorThread())));
      defineMessageHandler("entering", args -> {
        client().write("entering");
        client().write("entered", Boolean.toString(reactor().inReactorThread()));
      });
      defineMessageHandler("quit", args -> quitMain());
      defineProtoHandler("square", com.google.protobuf.Int32Value.parser(),
          v -> client().write("square", Integer.toString(v.getValue() * v.getValue())));
      defineFdMessageHandler("write_into", (args, fds) -> {
        try (FileOutputStream out = new FileOutputStream(fds.get(0))) {
          out.write(args.get(0).getBytes(StandardCharsets.UTF_8));
        }
        client().write("written");
      });
    }

    @Override
    protected void finalizeServer() {
      finalized = true;
    }
  }

  /**
   * Opens what stays open once per JVM (NativePRNG's /dev/random and /dev/urandom, taken by
   * {@code @TempDir}; junixsocket's own socket), so that the leak check sees only this test's fds.
   */
  @BeforeAll
  static void openOncePerJvm() throws Exception {
    Files.delete(Files.createTempFile("warm", null));
    MessageChannel.pair().close();
  }

  /** A supervisor's end, and the number of the worker's end (owned by the test until served). */
  private record Ends(MessageChannel first, int second) {}

  private static Ends inheritedPair() {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    return new Ends(MessageChannel.fromFd(sv[0]), sv[1]);
  }

  private final TestThreads threads = new TestThreads();
  private final CountDownLatch release = new CountDownLatch(1);
  private final Map<Integer, String> fdsBefore = OpenFds.snapshot();

  @AfterEach
  void noLeaks() {
    release.countDown(); // let a held-back loader thread end
    threads.close();
    OpenFds.assertNoneOpenedSince(fdsBefore, Duration.ofSeconds(10), "start-up test");
  }

  /** Serves fd {@code channel} on a thread of its own, running {@code load} before the reactor. */
  private CompletableFuture<Void> serve(AbstractServer server, int channel, Runnable load) {
    return threads.async(() -> server.serve(
        WorkerBootstrap.inherited(channel, AbstractServer.REACTOR_NAME, load)));
  }

  /** Serves fd {@code channel} with a load that waits for {@link #release}. */
  private CompletableFuture<Void> serveHeldBack(AbstractServer server, int channel) {
    return serve(server, channel, () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void messagesAreAnsweredBeforeTheLoadEndsThenOnTheReactor() throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    MessageChannel sup = pair.first();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());

    sup.write("echo", "1");
    assertEquals(List.of("echo", "1"), sup.read(), "answered while the load is held back");
    sup.writeAll(List.of(List.of("echo", "2"), List.of("echo", "3")));
    assertEquals(List.of("echo", "2"), sup.read());
    assertEquals(List.of("echo", "3"), sup.read());

    release.countDown();
    assertOnTheReactorThenFinalized(sup, done, server);
  }

  @Test
  void aHandlerThatNeedsTheReactorEntersItAndBufferedMessagesFollowInOrder() throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    MessageChannel sup = pair.first();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());

    // One write(2): the two echoes are buffered in the worker while "entering" waits for the load.
    sup.writeAll(List.of(List.of("entering"), List.of("echo", "a"), List.of("echo", "b")));
    assertEquals(List.of("entering"), sup.read());
    release.countDown();
    assertEquals(List.of("entered", "true"), sup.read(), "the handler's thread is the reactor's");
    assertEquals(List.of("echo", "a"), sup.read());
    assertEquals(List.of("echo", "b"), sup.read());
    assertOnTheReactorThenFinalized(sup, done, server);
  }

  @Test
  void fdsPassedDuringStartUpArrive(@TempDir Path dir) throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    MessageChannel sup = pair.first();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());

    Path file = dir.resolve("out");
    try (FileOutputStream out = new FileOutputStream(file.toFile())) {
      sup.writeWithFds(List.of("write_into", "early"), out.getFD());
    }
    assertEquals(List.of("written"), sup.read());
    assertEquals("early", Files.readString(file));
    sup.close();
    release.countDown(); // the end of the stream is the reactor's to see
    done.get(20, TimeUnit.SECONDS);
  }

  @Test
  void quitDuringStartUpEndsTheWorkerWithoutWaitingForTheLoad() throws Exception {
    Phases quitting = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serveHeldBack(quitting, pair.second());
    pair.first().write("quit");
    done.get(20, TimeUnit.SECONDS);
    assertTrue(quitting.finalized);
    assertNull(pair.first().read(), "the worker closed its end");
    pair.first().close();

    Phases quitFromElsewhere = new Phases();
    Ends pair2 = inheritedPair();
    done = serveHeldBack(quitFromElsewhere, pair2.second());
    pair2.first().write("echo", "up"); // answered: the worker is in its start-up phase
    assertEquals(List.of("echo", "up"), pair2.first().read());
    quitFromElsewhere.quitMain();
    done.get(20, TimeUnit.SECONDS);
    assertTrue(quitFromElsewhere.finalized);
    pair2.first().close();
  }

  @Test
  void endOfStreamDuringStartUpEndsTheWorkerOnceLoaded() throws Exception {
    Phases closed = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serveHeldBack(closed, pair.second());
    pair.first().write("echo", "last");
    assertEquals(List.of("echo", "last"), pair.first().read());
    pair.first().close();
    release.countDown(); // plain streams cannot tell end of stream from silence: the reactor can
    done.get(20, TimeUnit.SECONDS);
    assertTrue(closed.finalized);
  }

  @Test
  void anEndInsideAUnitDuringStartUpBreaksTheChannelAsLaterOn() throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());
    pair.first().write("echo", "whole");
    assertEquals(List.of("echo", "whole"), pair.first().read());
    dev.tether.unix.internal.Io.writeFully(pair.first().fd(), new byte[] {0, 9, 'e', 'c'});
    pair.first().close(); // the start-up reads nothing cut short: it leaves it to the reactor
    release.countDown();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> done.get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause().getCause() instanceof dev.tether.channel.TruncatedFrameException,
        e.getCause().toString());
    assertTrue(server.finalized);
  }

  @Test
  void aProtoPayloadDuringStartUpIsAnsweredAndAnOversizeOneEndsTheWorker() throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());
    pair.first().write("square");
    pair.first().writeProto(com.google.protobuf.Int32Value.of(7));
    assertEquals(List.of("square", "49"), pair.first().read(), "answered before the load");
    // A header above the maximum, then bytes that would parse as ["echo", "x"]: never answered.
    pair.first().write("square");
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 + 9)
        .putInt(MessageChannel.DEFAULT_MAX_SCALAR_SIZE + 1).putShort((short) 7)
        .put("echo\0x\0".getBytes(StandardCharsets.US_ASCII));
    dev.tether.unix.internal.Io.writeFully(pair.first().fd(), bytes.array());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> done.get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause().getCause() instanceof dev.tether.channel.ScalarTooLargeException,
        e.getCause().toString());
    assertTrue(server.finalized);
    assertNull(pair.first().read(), "no reply to the smuggled message; the worker closed");
    pair.first().close();
  }

  @Test
  void aUnitCutShortDuringStartUpBlocksNothing() throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());
    pair.first().write("echo", "first");
    assertEquals(List.of("echo", "first"), pair.first().read());
    // Half a frame waits in the socket; quitMain() from elsewhere must still end the worker.
    dev.tether.unix.internal.Io.writeFully(pair.first().fd(), new byte[] {0, 9, 'e', 'c'});
    server.quitMain();
    done.get(20, TimeUnit.SECONDS);
    assertTrue(server.finalized);
    pair.first().close();
  }

  @Test
  void anFdHeaderWithoutItsCarrierDuringStartUpBlocksNothing() throws Exception {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serveHeldBack(server, pair.second());
    pair.first().write("echo", "serving");
    assertEquals(List.of("echo", "serving"), pair.first().read());
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(64);
    dev.tether.channel.codec.MessageEncoder.encodeMessage(
        List.of(dev.tether.channel.codec.WireFormat.FDS_MARKER, "1", "conn"), frame);
    dev.tether.unix.internal.Io.writeFully(pair.first().fd(),
        java.util.Arrays.copyOf(frame.array(), frame.position())); // and no carrier byte
    server.quitMain();
    done.get(20, TimeUnit.SECONDS);
    assertTrue(server.finalized);
    pair.first().close();
  }

  @Test
  void aLoadThatFailsFailsTheWorker() {
    Phases server = new Phases();
    Ends pair = inheritedPair();
    CompletableFuture<Void> done = serve(server, pair.second(), () -> {
      throw new UnsatisfiedLinkError("no jffi here");
    });
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> done.get(20, TimeUnit.SECONDS));
    TetherException failure = (TetherException) e.getCause();
    assertEquals("the worker's native code could not be loaded", failure.getMessage());
    assertEquals("no jffi here", failure.getCause().getMessage());
    assertTrue(server.finalized, "initializeServer ran, so finalizeServer does");
    assertNull(pair.first().read(), "the worker closed its channel");
    pair.first().close();
  }

  /** The reactor now dispatches; closing the supervisor's end ends the worker, finalized. */
  private static void assertOnTheReactorThenFinalized(MessageChannel sup,
      CompletableFuture<Void> done, Phases server) throws Exception {
    sup.write("where");
    assertEquals(List.of("where", "true"), sup.read());
    sup.close();
    done.get(20, TimeUnit.SECONDS);
    assertTrue(server.finalized);
  }
}
