package dev.tether.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Int32Value;
import dev.tether.channel.MessageChannel;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker side of {@link AbstractServer} in this JVM over a real socket pair (no child
 * process): dispatch, error replies, fd ownership, definitions and misuse.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbstractServerTest {

  /** A server exercising every handler form. */
  public static class Sample extends AbstractServer {
    volatile FileDescriptor keptFd;

    public Sample() {
      defineMessageHandler("echo", args -> client().write(args));
      defineMessageHandler("throw", args -> {
        throw new java.io.IOException("bad\0news");
      });
      defineFdMessageHandler("keep", (args, fds) -> {
        keptFd = fds.get(0);
        client().write("kept", Integer.toString(fds.size()));
      });
      defineMessageHandler("ignore_fds", args -> client().write("ignored"));
      defineProtoHandler("square", Int32Value.parser(),
          v -> client().write("square", Integer.toString(v.getValue() * v.getValue())));
    }

    @OnMessage("sum")
    int sum(String a, String b) {
      client().write("sum", Integer.toString(Integer.parseInt(a) + Integer.parseInt(b)));
      return 0;
    }
  }

  /** A server whose handlers have a long name or throw with long messages. */
  public static class LongNames extends AbstractServer {
    static final String NAME = "h".repeat(65_000);
    /** Its description (after "java.lang.IllegalStateException: ") splits a pair at char 4000. */
    static final String SPLIT_PAIR = "m".repeat(4000 - 34) + "\uD83D\uDE00" + "m";

    public LongNames() {
      defineMessageHandler(NAME, args -> {
        throw new IllegalStateException("\u20ac".repeat(5000)); // 15000 bytes
      });
      defineMessageHandler("split", args -> {
        throw new IllegalStateException(SPLIT_PAIR);
      });
      defineMessageHandler("echo", args -> client().write(args));
    }
  }

  /**
   * "late" waits for {@link #go}, then writes to a supervisor that may have closed meanwhile, and
   * records whether finalizeServer had run by the time its write returned.
   */
  public static class Late extends AbstractServer {
    final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch entered =
        new java.util.concurrent.CountDownLatch(1);
    volatile boolean finalized;
    volatile Boolean finalizedWhileHandling;

    public Late() {
      defineMessageHandler("late", args -> {
        entered.countDown();
        go.await();
        client().write("too late");
        finalizedWhileHandling = finalized;
      });
    }

    @Override
    protected void finalizeServer() {
      finalized = true;
    }
  }

  /** A server whose annotated method has an unsupported parameter. */
  public static class BadSignature extends AbstractServer {
    @OnMessage("n")
    void n(int value) {}
  }

  /** A server that defines one name twice. */
  public static class Duplicate extends AbstractServer {
    public Duplicate() {
      defineMessageHandler("x", args -> {});
      defineMessageHandler("x", args -> {});
    }
  }

  private static CompletableFuture<Void> serve(AbstractServer server, MessageChannel channel) {
    return CompletableFuture.runAsync(() -> server.startSynchronously(channel));
  }

  @Test
  void aWriteThatFindsTheSupervisorGoneEndsTheLoopAfterTheHandlerReturns() throws Exception {
    Late server = new Late();
    MessageChannel.Pair pair = MessageChannel.pair();
    CompletableFuture<Void> done = serve(server, pair.second());
    pair.first().write("late");
    assertTrue(server.entered.await(10, TimeUnit.SECONDS));
    pair.first().close(); // the handler's write meets a closed peer (EPIPE) inside the handler
    server.go.countDown();
    done.get(10, TimeUnit.SECONDS);
    assertEquals(Boolean.FALSE, server.finalizedWhileHandling, "finalizeServer ran inside it");
    assertTrue(server.finalized);
  }

  @Test
  void aUnitLeftUnreadWhenAWriteFindsTheSupervisorGoneIsNoBrokenStream() throws Exception {
    Late server = new Late();
    MessageChannel.Pair pair = MessageChannel.pair();
    CompletableFuture<Void> done = serve(server, pair.second());
    // ["late"] and a frame of 65537 bytes in one write: the reactor's first read (64 KiB) ends
    // inside that frame, whose rest the worker never reads once its reply meets a closed peer.
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(7 + 65537);
    dev.tether.channel.codec.MessageEncoder.encodeMessage(List.of("late"), bytes);
    dev.tether.channel.codec.MessageEncoder.encodeMessage(
        List.of("echo", "x".repeat(65529)), bytes);
    dev.tether.unix.internal.Io.writeFully(pair.first().fd(), bytes.array());
    assertTrue(server.entered.await(10, TimeUnit.SECONDS));
    pair.first().close();
    server.go.countDown();
    done.get(10, TimeUnit.SECONDS); // no TruncatedFrameException: the supervisor just closed
    assertTrue(server.finalized);
  }

  @Test
  void anEndInsideAUnitBreaksTheChannel() throws Exception {
    Sample server = new Sample();
    MessageChannel.Pair pair = MessageChannel.pair();
    CompletableFuture<Void> done = serve(server, pair.second());
    pair.first().write("echo", "whole");
    assertEquals(List.of("whole"), pair.first().read());
    dev.tether.unix.internal.Io.writeFully(pair.first().fd(), new byte[] {0, 9, 'e', 'c'});
    pair.first().close();
    java.util.concurrent.ExecutionException e = assertThrows(
        java.util.concurrent.ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getCause() instanceof dev.tether.channel.TruncatedFrameException,
        e.getCause().toString());
  }

  @Test
  void handlersRepliesAndErrorReplies(@TempDir Path dir) throws Exception {
    Sample server = new Sample();
    MessageChannel.Pair pair = MessageChannel.pair();
    MessageChannel sup = pair.first();
    CompletableFuture<Void> done = serve(server, pair.second());

    sup.write("echo", "a", "", "ü");
    assertEquals(List.of("a", "", "ü"), sup.read());
    sup.write("sum", "2", "3");
    assertEquals(List.of("sum", "5"), sup.read());
    sup.write("nope", "x");
    assertEquals(List.of("error", "unknown message", "nope"), sup.read());
    sup.write("throw");
    assertEquals(List.of("error", "handler failed", "throw", "java.io.IOException: bad?news"),
        sup.read());
    sup.write("sum", "1");
    assertEquals(List.of("handler failed", "sum"), sup.read().subList(1, 3));
    sup.write("square");
    sup.writeProto(Int32Value.of(12));
    assertEquals(List.of("square", "144"), sup.read());

    // An fd handler owns what it gets; the fd stays usable after the handler returned.
    Path file = dir.resolve("f");
    Files.writeString(file, "through the fd");
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      sup.writeWithFds(List.of("keep"), in.getFD());
    }
    assertEquals(List.of("kept", "1"), sup.read());
    try (FileInputStream kept = new FileInputStream(server.keptFd)) {
      assertEquals("through the fd", new String(kept.readAllBytes(), StandardCharsets.UTF_8));
    }
    // A plain handler's fds are closed for it: the received duplicate is gone afterwards.
    int before = openFds();
    try (FileOutputStream out = new FileOutputStream(dir.resolve("g").toFile())) {
      sup.writeWithFds(List.of("ignore_fds"), out.getFD());
      assertEquals(List.of("ignored"), sup.read());
      // The reply is written inside the handler, the fd closed right after it returns.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (openFds() != before + 1 && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      assertEquals(before + 1, openFds(), "only our own stream is open");
    }

    sup.close();
    done.get(10, TimeUnit.SECONDS);
  }

  /**
   * Error replies always fit in a frame: an echoed name or exception text that would not is cut
   * (on a character boundary) and says how long it was. Before, the worker could not write the
   * reply and the caller waited forever; here the next message's reply would come first.
   */
  @Test
  void errorRepliesFitInAFrame() throws Exception {
    LongNames server = new LongNames();
    MessageChannel.Pair pair = MessageChannel.pair();
    MessageChannel sup = pair.first();
    CompletableFuture<Void> done = serve(server, pair.second());

    String fits = "u".repeat(65_512); // the longest name whose reply was whole before
    String multibyte = "a" + "\u00e9".repeat(32_766) + "b"; // 65534 bytes, the longest name
    for (String name : List.of(fits, "u".repeat(65_513), "u".repeat(65_534), multibyte)) {
      sup.write(name);
      sup.write("echo", "next");
      List<String> reply = sup.read();
      assertEquals(List.of("error", "unknown message"), reply.subList(0, Math.min(2, reply.size())),
          "after " + bytes(name));
      assertTrue(encodedBody(reply) <= 65_535, "fits: " + encodedBody(reply));
      String echoed = reply.get(2);
      if (name == fits) {
        assertEquals(name, echoed);
      } else {
        String suffix = "...(" + bytes(name) + " bytes)";
        assertTrue(echoed.endsWith(suffix), echoed.substring(echoed.length() - 30));
        assertTrue(name.startsWith(echoed.substring(0, echoed.length() - suffix.length())));
        assertTrue(encodedBody(reply) > 65_535 - 4, "cut no more than needed");
      }
      assertEquals(List.of("next"), sup.read());
    }

    sup.write(LongNames.NAME);
    sup.write("echo", "next");
    List<String> failed = sup.read();
    assertEquals(List.of("error", "handler failed"),
        failed.subList(0, Math.min(2, failed.size())));
    assertTrue(encodedBody(failed) <= 65_535, "fits: " + encodedBody(failed));
    assertTrue(failed.get(2).startsWith("hhhh") && failed.get(2).endsWith("...(65000 bytes)"),
        failed.get(2).substring(failed.get(2).length() - 30));
    String description = failed.get(3);
    assertTrue(description.startsWith("java.lang.IllegalStateException: \u20ac\u20ac"),
        description.substring(0, 40));
    assertTrue(description.endsWith("...(15033 bytes)") && bytes(description) <= 4000,
        bytes(description) + " bytes: " + description.substring(description.length() - 30));
    assertEquals(List.of("next"), sup.read());

    sup.write("split");
    sup.write("echo", "next");
    List<String> split = sup.read();
    assertEquals(List.of("error", "handler failed", "split"),
        split.subList(0, Math.min(3, split.size())));
    assertTrue(split.get(3).endsWith("m...(4004 bytes)"),
        split.get(3).substring(split.get(3).length() - 30));
    assertEquals(List.of("next"), sup.read());

    sup.close();
    done.get(10, TimeUnit.SECONDS);
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The size of {@code message}'s frame body: each element and its NUL. */
  private static int encodedBody(List<String> message) {
    return message.stream().mapToInt(e -> bytes(e) + 1).sum();
  }

  @Test
  void definitionsAreChecked() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, BadSignature::new);
    assertTrue(bad.getMessage().contains("BadSignature.n(int)"), bad.getMessage());
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, Duplicate::new);
    assertTrue(dup.getMessage().contains("name : x"), dup.getMessage());
    Sample s = new Sample();
    IllegalArgumentException quit = assertThrows(IllegalArgumentException.class,
        () -> s.defineSignalHandler("QUIT", () -> {}));
    assertTrue(quit.getMessage().startsWith("signal : QUIT (expected: one of"), quit.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.defineSignalHandler("SIGKILL", () -> {}));
    s.defineSignalHandler("sigusr1", () -> {});
    assertThrows(IllegalArgumentException.class, () -> s.defineSignalHandler("USR1", () -> {}));
    assertThrows(IllegalArgumentException.class,
        () -> s.stopTimeouts(java.time.Duration.ofSeconds(-1), java.time.Duration.ZERO));
  }

  @Test
  void misuseIsReported() {
    Sample s = new Sample();
    assertFalse(s.isStarted());
    assertThrows(ServerNotStartedException.class, s::stop);
    assertThrows(ServerNotStartedException.class, s::server);
    assertThrows(ServerNotStartedException.class, s::serverPid);
    assertThrows(ServerNotStartedException.class, () -> s.call("echo"));
    assertThrows(ServerNotStartedException.class, s::client);
    assertThrows(ServerNotStartedException.class, s::reactor);
    assertTrue(s.exitStatus().isEmpty());
  }

  @Test
  void failingInitializeServerClosesTheChannelAndSkipsFinalize() throws Exception {
    boolean[] finalized = {false};
    AbstractServer s = new AbstractServer() {
      @Override
      protected void initializeServer() {
        throw new IllegalStateException("no");
      }

      @Override
      protected void finalizeServer() {
        finalized[0] = true;
      }
    };
    MessageChannel.Pair pair = MessageChannel.pair();
    TetherException e = assertThrows(TetherException.class,
        () -> s.startSynchronously(pair.second()));
    assertTrue(e.getMessage().contains("initializeServer() failed"), e.getMessage());
    assertEquals("no", e.getCause().getMessage());
    assertFalse(finalized[0]);
    assertNull(pair.first().read());
    pair.close();
  }

  private static int openFds() throws java.io.IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return (int) s.count();
    }
  }
}
