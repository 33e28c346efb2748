package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Await;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Getters, the timer cap, periodic intervals, the loop timeout, runOnce and runBlock. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopExtrasTest {
  @Test
  void gettersReportTheConfiguration() {
    Reactor r = new Reactor("getters");
    assertNull(r.reactorThread());
    assertEquals(20, r.threadPoolSize());
    assertEquals(Duration.ofSeconds(2), r.heartbeatInterval());
    assertEquals(Duration.ofSeconds(20), r.pendingConnectTimeout());
    assertEquals(100_000, r.maxTimers());
    assertNull(r.loopTimeout());
    r.setThreadPoolSize(3);
    r.setHeartbeatInterval(Duration.ofMillis(250));
    r.setPendingConnectTimeout(Duration.ofSeconds(7));
    r.setLoopTimeout(Duration.ofMillis(30));
    assertEquals(3, r.threadPoolSize());
    assertEquals(Duration.ofMillis(250), r.heartbeatInterval());
    assertEquals(Duration.ofSeconds(7), r.pendingConnectTimeout());
    assertEquals(Duration.ofMillis(30), r.loopTimeout());
    try (ReactorRunner runner = new ReactorRunner(r)) {
      assertEquals("test-reactor", r.reactorThread().getName());
      assertSame(r.reactorThread(), runner.call(Thread::currentThread));
      assertEquals(3, (int) runner.call(r::threadPoolSize));
    }
    assertNull(r.reactorThread());
  }

  @Test
  void timerCapRefusesTheApplicationsTimersButNeverTheReactorsOwn() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        java.net.ServerSocket peer = new java.net.ServerSocket(0, 5,
            java.net.InetAddress.getLoopbackAddress())) {
      Reactor r = runner.reactor;
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> r.setMaxTimers(0)));
      assertEquals("maxTimers : 0 (expected: > 0)", zero.getMessage());
      runner.run(() -> {
        r.setMaxTimers(3);
        for (int i = 0; i < 3; i++) {
          r.addTimer(Duration.ofMinutes(1), () -> {});
        }
      });
      TooManyTimersException refused = assertThrows(TooManyTimersException.class,
          () -> runner.run(() -> r.addPeriodicTimer(Duration.ofMinutes(1), () -> {})));
      assertEquals("cannot add a timer: 3 timers pending (expected: fewer than maxTimers 3)",
          refused.getMessage());
      // A connect's timeout timer is the reactor's own: the connect still works at the cap.
      Echo client = runner.call(() -> r.connect("127.0.0.1", peer.getLocalPort(), new Echo()));
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("connect completed", () -> client.events.contains("completed"));
        assertEquals(3, (int) runner.call(r::pendingTimers));
      }
    }
  }

  @Test
  void aPeriodicTimersNewIntervalSpacesTheFiringsAfterTheOneAlreadyScheduled() {
    List<Long> firedAt = new CopyOnWriteArrayList<>();
    CountDownLatch fifth = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      AtomicReference<Timer> periodic = new AtomicReference<>();
      runner.run(() -> periodic.set(r.addPeriodicTimer(Duration.ofMillis(10), () -> {
        firedAt.add(System.nanoTime());
        if (firedAt.size() == 3) {
          periodic.get().setInterval(Duration.ofMillis(300));
        } else if (firedAt.size() == 5) {
          periodic.get().cancel();
          fifth.countDown();
        }
      })));
      ReactorRunner.await(fifth);
      long fourthGap = firedAt.get(3) - firedAt.get(2);
      long fifthGap = firedAt.get(4) - firedAt.get(3);
      assertTrue(fourthGap < Duration.ofMillis(250).toNanos(), "already scheduled: " + fourthGap);
      // 300 ms after the fourth's due time, which may itself have fired a little late.
      assertTrue(fifthGap > Duration.ofMillis(250).toNanos(), "new interval: " + fifthGap);
      assertEquals(Duration.ofMillis(300), runner.call(() -> periodic.get().interval()));
      Timer once = runner.call(() -> r.addTimer(Duration.ofMinutes(1), () -> {}));
      assertEquals(Duration.ZERO, runner.call(once::interval));
      IllegalStateException oneShot = assertThrows(IllegalStateException.class,
          () -> runner.run(() -> once.setInterval(Duration.ofSeconds(1))));
      assertTrue(oneShot.getMessage().contains("one-shot"), oneShot.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> periodic.get().setInterval(Duration.ZERO)));
    }
  }

  @Test
  void theLoopTimeoutEndsIdleTurnsSoThePostLoopCallbackRuns() {
    Reactor r = new Reactor("loop-timeout");
    assertThrows(IllegalArgumentException.class, () -> r.setLoopTimeout(Duration.ofMillis(-1)));
    r.setLoopTimeout(Duration.ofMillis(20));
    AtomicInteger turns = new AtomicInteger();
    long start = System.nanoTime();
    // Nothing else happens in this reactor: without the loop timeout its poll would wait forever.
    r.setPostLoop(() -> turns.incrementAndGet() < 5);
    r.run(() -> {});
    long elapsed = System.nanoTime() - start;
    assertEquals(5, turns.get());
    assertTrue(elapsed >= Duration.ofMillis(80).toNanos(), "4 idle turns of 20 ms: " + elapsed);
  }

  @Test
  void runOnceTurnsTheLoopWithoutBlockingUntilStopped() throws Exception {
    Reactor r = new Reactor("run-once");
    assertTrue(r.runOnce()); // acquires; nothing to do, returns at once
    assertTrue(r.isRunning());
    assertSame(Thread.currentThread(), r.reactorThread());
    Server server = r.startServer("127.0.0.1", 0, Echo::new);
    AtomicInteger fired = new AtomicInteger();
    r.addTimer(Duration.ZERO, fired::incrementAndGet);
    assertTrue(r.runOnce());
    assertEquals(1, fired.get());
    try (Socket client = new Socket()) {
      client.connect(server.localAddress());
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      Await.until("echo through runOnce turns", Duration.ofSeconds(10), () -> {
        r.runOnce();
        try {
          return in.available() >= 4;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
      assertEquals(1, r.connectionCount());
    }
    AtomicReference<Throwable> nested = new AtomicReference<>();
    r.nextTick(() -> {
      try {
        r.runOnce();
      } catch (ReactorException e) {
        nested.set(e);
      }
    });
    assertTrue(r.runOnce());
    assertTrue(nested.get().getMessage().contains("from inside its own loop"),
        String.valueOf(nested.get()));
    r.stop();
    assertFalse(r.runOnce());
    assertFalse(r.isRunning());
    assertNull(r.reactorThread());
    assertFalse(server.isListening());
    assertTrue(r.runOnce()); // starts afresh
    assertFalse(server.isListening());
    r.stop();
    assertFalse(r.runOnce());
  }

  @Test
  void runBlockRunsTheBlockAndWhatItQueuedThenStops() {
    Reactor r = new Reactor("run-block");
    List<String> order = new CopyOnWriteArrayList<>();
    Server[] server = new Server[1];
    r.runBlock(() -> {
      server[0] = r.startServer("127.0.0.1", 0, Echo::new);
      r.nextTick(() -> order.add("tick"));
      order.add("block");
    });
    assertEquals(List.of("block", "tick"), order);
    assertFalse(r.isRunning());
    assertFalse(server[0].isListening());
    List<String> errors = new CopyOnWriteArrayList<>();
    r.setErrorHandler((error, callback) -> errors.add(error.getMessage()));
    r.runBlock(() -> {
      throw new IllegalStateException("block failed");
    });
    assertEquals(List.of("block failed"), errors);
    assertFalse(r.isRunning());
  }

  @Test
  void theDescriptorMapNamesEveryFdTheReactorServes() throws Exception {
    int[] pipe = dev.tether.unix.internal.Io.pipe(true);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0, Echo::new));
      InetSocketAddress address = (InetSocketAddress) server.localAddress();
      Echo client = runner.call(() -> r.connect("127.0.0.1", address.getPort(), new Echo()));
      ReactorRunner.waitFor("connected and accepted", () -> client.events.contains("completed")
          && runner.call(r::connectionCount) == 2);
      runner.run(() -> r.watch(pipe[0], new Watcher() {}));
      java.util.SortedMap<Integer, String> map = runner.call(r::descriptors);
      assertEquals(1, count(map, "listener " + address));
      String echo = "connection " + Echo.class.getName() + "[fd ";
      assertEquals(1, map.values().stream()
          .filter(v -> v.startsWith(echo) && v.endsWith(", peer " + address + "]")).count());
      assertEquals(2, count(map, echo));
      assertEquals("watcher " + LoopExtrasTest.class.getName() + "$1", map.get(pipe[0]));
      assertEquals(6, map.size(), map.toString());
      map.forEach((fd, what) -> {
        String target = link(fd);
        if (what.startsWith("epoll")) {
          assertEquals("anon_inode:[eventpoll]", target);
        } else if (what.startsWith("eventfd")) {
          assertEquals("anon_inode:[eventfd]", target);
        } else if (what.startsWith("watcher")) {
          assertTrue(target.startsWith("pipe:"), target);
        } else {
          assertTrue(target.startsWith("socket:"), fd + " " + what + " -> " + target);
        }
      });
      assertThrows(UnsupportedOperationException.class, () -> map.put(0, "x"));
    } finally {
      dev.tether.unix.internal.Io.close(pipe[0]);
      dev.tether.unix.internal.Io.close(pipe[1]);
    }
  }

  private static long count(java.util.Map<Integer, String> map, String prefix) {
    return map.values().stream().filter(v -> v.startsWith(prefix)).count();
  }

  private static String link(int fd) {
    try {
      return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd))
          .toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
