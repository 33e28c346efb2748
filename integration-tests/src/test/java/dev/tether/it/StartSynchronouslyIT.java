package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.MessageChannel;
import dev.tether.server.ServerAlreadyStartedException;
import dev.tether.server.ServerNotStartedException;
import dev.tether.server.TetherException;
import dev.tether.testing.Await;
import dev.tether.testing.OpenFds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker side in this JVM over a socket pair: hooks, quitMain, end of stream, cleanup. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartSynchronouslyIT {

  /** Runs {@code server} on a new thread; the future completes when startSynchronously returns. */
  private static CompletableFuture<Void> serve(FaultyServer server, MessageChannel channel) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        server.startSynchronously(channel);
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "test-worker-main");
    t.start();
    return done;
  }

  @Test
  void servesUntilQuitMainThenFinalizesAndClosesTheChannel() throws Exception {
    Map<Integer, String> fdsBefore = OpenFds.snapshot();
    FaultyServer server = new FaultyServer();
    MessageChannel.Pair pair = MessageChannel.pair();
    MessageChannel supervisor = pair.first();
    CompletableFuture<Void> done = serve(server, pair.second());

    supervisor.write("greet", "Joe", "Dalton");
    assertEquals(List.of("greetings", "Joe Dalton"), supervisor.read());
    assertTrue(server.initialized);
    assertFalse(server.finalized);
    supervisor.write("slow");
    supervisor.write("release");
    assertEquals(List.of("released"), supervisor.read());
    assertEquals("slow_done", supervisor.read().get(0));
    // One write: the worker may close its channel as soon as it handled "quit", and a second
    // write could then meet a closed socket (EPIPE).
    supervisor.writeAll(List.of(List.of("quit"), List.of("ping"))); // ping: never dispatched
    assertEquals(List.of("bye"), supervisor.read());
    done.get(10, TimeUnit.SECONDS);
    assertTrue(server.finalized);
    assertNull(supervisor.read(), "the worker closed its channel");
    supervisor.close();
    assertThrows(ServerNotStartedException.class, server::channel);
    Await.until("defer threads to end", Duration.ofSeconds(10), () -> Thread.getAllStackTraces()
        .keySet().stream().noneMatch(t -> t.getName().startsWith("tether-worker")));
    OpenFds.assertNoneOpenedSince(fdsBefore, Duration.ofSeconds(10), "a worker served in-process");
  }

  @Test
  void endOfStreamEndsTheMainLoop() throws Exception {
    FaultyServer server = new FaultyServer();
    MessageChannel.Pair pair = MessageChannel.pair();
    CompletableFuture<Void> done = serve(server, pair.second());
    assertEquals("pong", call(pair.first(), "ping").get(0));
    pair.first().close();
    done.get(10, TimeUnit.SECONDS);
    assertTrue(server.initialized);
    assertTrue(server.finalized);
    assertTrue(pair.second().isClosed());
  }

  @Test
  void aServerServesOneChannelAtATime() throws Exception {
    FaultyServer server = new FaultyServer();
    MessageChannel.Pair pair = MessageChannel.pair();
    MessageChannel.Pair other = MessageChannel.pair();
    CompletableFuture<Void> done = serve(server, pair.second());
    try {
      assertEquals("pong", call(pair.first(), "ping").get(0));
      assertThrows(ServerAlreadyStartedException.class,
          () -> server.startSynchronously(other.second()));
      assertTrue(other.second().isClosed(), "refused channels are closed too");
    } finally {
      pair.first().close();
      other.close();
    }
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void quitMainFromAnotherThread() throws Exception {
    FaultyServer server = new FaultyServer();
    MessageChannel.Pair pair = MessageChannel.pair();
    CompletableFuture<Void> done = serve(server, pair.second());
    assertEquals("pong", call(pair.first(), "ping").get(0));
    server.quitMain();
    done.get(10, TimeUnit.SECONDS);
    assertTrue(server.finalized);
    assertNull(pair.first().read());
    pair.first().close();
  }

  @Test
  void usr2HandlerIsRefusedWhileHotSpotUsesUsr2() {
    if (System.getenv("_JAVA_SR_SIGNUM") != null) {
      throw new org.opentest4j.TestAbortedException("this JVM runs with _JAVA_SR_SIGNUM set");
    }
    SignalServer server = new SignalServer();
    MessageChannel.Pair pair = MessageChannel.pair();
    TetherException e = assertThrows(TetherException.class,
        () -> server.startSynchronously(pair.second()));
    assertTrue(e.getMessage().contains("_JAVA_SR_SIGNUM=40"), e.getMessage());
    assertTrue(pair.second().isClosed(), "startSynchronously owns the channel");
    assertNull(pair.first().read());
    pair.first().close();
  }

  private static List<String> call(MessageChannel c, String name, String... args) {
    c.write(name, args);
    return c.read();
  }
}
