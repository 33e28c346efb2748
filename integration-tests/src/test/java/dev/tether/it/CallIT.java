package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.InvalidUtf8Exception;
import dev.tether.reactor.ExitStatus;
import dev.tether.server.CallTimeoutException;
import dev.tether.server.ErrorReplyException;
import dev.tether.server.ProtocolErrorException;
import dev.tether.server.ServerBrokenException;
import dev.tether.testing.Await;
import dev.tether.testing.TestThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code call()} against a real worker: concurrent callers, deadlines, malformed replies. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallIT {
  private static final int THREADS = 8;
  private static final int CALLS = 300;

  @Test
  void concurrentCallersEachGetTheirOwnReply() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    try (TestThreads threads = new TestThreads()) {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Integer>> callers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String caller = "t" + t;
        boolean timed = t % 2 == 1; // both forms take the same turns
        callers.add(threads.async(() -> {
          awaitQuietly(go);
          int right = 0;
          for (int i = 0; i < CALLS; i++) {
            List<String> expected = List.of("greetings", caller + " " + i);
            String n = Integer.toString(i);
            List<String> reply = timed ? server.call(Duration.ofSeconds(60), "greet", caller, n)
                : server.call("greet", caller, n);
            if (reply.equals(expected)) {
              right++;
            } else {
              wrong.add(expected + " got " + reply);
            }
          }
          return right;
        }));
      }
      go.countDown();
      int right = 0;
      for (CompletableFuture<Integer> c : callers) {
        right += c.get(60, TimeUnit.SECONDS);
      }
      assertTrue(wrong.isEmpty(), wrong.size() + " calls got another call's reply, e.g. "
          + wrong.stream().limit(3).toList());
      assertEquals(THREADS * CALLS, right);
    } finally {
      server.stop();
    }
  }

  @Test
  void timedCallGetsItsReplyInTime() {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    try {
      assertEquals(List.of("greetings", "a b"),
          server.call(Duration.ofSeconds(60), "greet", "a", "b"));
      assertThrows(ErrorReplyException.class, () -> server.call(Duration.ofSeconds(60), "nope"));
      assertEquals("pong", server.call(Duration.ofSeconds(60), "ping").get(0));
      assertThrows(IllegalArgumentException.class, () -> server.call(Duration.ZERO, "ping"));
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
  }

  /**
   * A call whose reply does not come in time closes the channel: the late reply cannot be taken by
   * the next call, which fails at once; the worker sees end of stream and exits.
   */
  @Test
  void timedOutCallClosesTheChannelAndLaterCallsFailFast() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    int pid = server.serverPid();
    assertEquals("pong", server.call("ping").get(0));
    long t0 = System.nanoTime();
    CallTimeoutException e = assertThrows(CallTimeoutException.class,
        () -> server.call(Duration.ofMillis(300), "slow"));
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300));
    assertEquals("slow", e.messageName());
    assertEquals(pid, e.pid());
    assertEquals(Duration.ofMillis(300), e.timeout());
    assertTrue(e.closedChannel());
    assertTrue(e.getMessage().contains("'slow'") && e.getMessage().contains("300 ms")
        && e.getMessage().contains("pid " + pid), e.getMessage());
    assertTrue(server.server().isClosed());

    ServerBrokenException later = assertThrows(ServerBrokenException.class,
        () -> server.call("ping"));
    assertSame(e, later.getCause());
    assertTrue(later.getMessage().contains("'ping'") && later.getMessage().contains("'slow'"),
        later.getMessage());
    assertThrows(ServerBrokenException.class, () -> server.call(Duration.ofSeconds(5), "ping"));
    assertEquals(new ExitStatus.Exited(0), server.awaitExit(Workers.JVM_START).orElseThrow(),
        "the worker saw end of stream");
    assertEquals(new ExitStatus.Exited(0), server.stop());
  }

  /** A deadline that passes while another call holds the channel writes nothing. */
  @Test
  void deadlinePassingWhileAnotherCallHoldsTheChannelLeavesItOpen() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output);
    server.start();
    try (TestThreads threads = new TestThreads()) {
      CompletableFuture<List<String>> slow = threads.async(() -> server.call("slow"));
      Await.until("the worker's slow operation", Workers.JVM_START,
          () -> output.contains(FaultyServer.SLOW_WAITING));
      CallTimeoutException e = assertThrows(CallTimeoutException.class,
          () -> server.call(Duration.ofMillis(200), "ping"));
      assertFalse(e.closedChannel(), e.getMessage());
      assertFalse(server.server().isClosed());
      assertEquals(new ExitStatus.Exited(0), server.stop());
      ExecutionException stopped =
          assertThrows(ExecutionException.class, () -> slow.get(30, TimeUnit.SECONDS));
      assertInstanceOf(ChannelClosedException.class, stopped.getCause());
    }
  }

  @Test
  void malformedReplyIsAProtocolErrorAtOnceAndTheWorkerGoesOn() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    int pid = server.serverPid();
    try {
      ProtocolErrorException e =
          assertThrows(ProtocolErrorException.class, () -> server.call("corrupt"));
      assertInstanceOf(InvalidUtf8Exception.class, e.getCause());
      assertEquals(pid, e.pid());
      assertTrue(e.getMessage().contains("(pid " + pid + ")")
          && e.getMessage().contains("'corrupt'") && e.getMessage().contains("byte 0xc3"),
          e.getMessage());
      assertThrows(ProtocolErrorException.class,
          () -> server.call(Duration.ofSeconds(60), "corrupt"));
      assertEquals("pong", server.call("ping").get(0), "the channel is still in step");
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
