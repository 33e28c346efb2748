package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ExitStatus;
import dev.tether.server.CallTimeoutException;
import dev.tether.server.ErrorReplyException;
import dev.tether.server.ServerErrorException;
import dev.tether.supervisor.ExitReason;
import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolListener;
import dev.tether.supervisor.PoolRejectedException;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.WorkerPool;
import dev.tether.supervisor.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool of real worker JVMs: routing, restarts, limits, hangs, exit records, stop. */
class WorkerPoolIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final long WAIT_S = 60;

  private final Workers.Output output = new Workers.Output();
  private final LinkedBlockingQueue<ExitRecord> exits = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<String> gaveUp = new LinkedBlockingQueue<>();
  private WorkerPool pool;

  @AfterEach
  void stopPool() {
    if (pool != null) {
      pool.stop();
      assertEquals(PoolState.STOPPED, pool.state());
      for (WorkerStatus w : List.copyOf(livePids)) {
        assertFalse(Workers.running(w.pid()), "worker " + w.pid() + " still runs after stop()");
      }
    }
  }

  private final List<WorkerStatus> livePids = new ArrayList<>();

  private WorkerPool.Builder builder(Map<String, String> properties) {
    FaultyServer prototype = new FaultyServer();
    prototype.configureCommand(b -> {
      b.jvmOptions(Workers.QUICK_JVM);
      properties.forEach(b::systemProperty);
    });
    return WorkerPool.builder(prototype).output(output::add).bootConcurrency(2)
        .listener(new PoolListener() {
          @Override
          public void workerReady(WorkerStatus worker) {
            synchronized (livePids) {
              livePids.add(worker);
            }
          }

          @Override
          public void workerExited(ExitRecord record) {
            exits.add(record);
          }

          @Override
          public void gaveUp(String why) {
            gaveUp.add(why);
          }
        });
  }

  private WorkerPool serving(WorkerPool.Builder b) throws InterruptedException {
    pool = b.build();
    pool.start();
    assertTrue(pool.awaitState(PoolState.SERVING, READY), "pool not serving: " + pool.status());
    return pool;
  }

  private static List<String> get(CompletableFuture<List<String>> f) throws Exception {
    return f.get(WAIT_S, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<List<String>> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(WAIT_S, TimeUnit.SECONDS));
    return e.getCause();
  }

  private ExitRecord nextExit(Predicate<ExitRecord> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (true) {
      ExitRecord r = exits.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("no such exit record within " + WAIT_S + " s");
      }
      if (wanted.test(r)) {
        return r;
      }
    }
  }

  /** Waits until {@code n} workers are ready (a resize is asynchronous). */
  private void awaitReady(int n) throws InterruptedException {
    awaitCondition(() -> pool.status().ready() == n, n + " ready");
  }

  private void awaitCondition(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    Workers.await(condition, READY, () -> what + ": " + pool.status());
  }

  @Test
  void requestsGoToEveryWorkerAndEachReplyToItsOwnRequest() throws Exception {
    serving(builder(Map.of()).size(2).maxInFlight(100).queueLimit(400));
    List<CompletableFuture<List<String>>> greetings = new ArrayList<>();
    List<CompletableFuture<List<String>>> pings = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      greetings.add(pool.call("greet", "caller", Integer.toString(i)));
      pings.add(pool.call("later", "5")); // in flight a while: the next go to the other worker
    }
    for (int i = 0; i < 200; i++) {
      assertEquals(List.of("greetings", "caller " + i), get(greetings.get(i)));
      assertEquals(List.of("later", "5"), get(pings.get(i)));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals("pong", get(pool.call("ping")).get(0));
    }
    PoolStatus status = pool.status();
    assertEquals(2, status.ready());
    assertEquals(420, status.workers().stream().mapToLong(WorkerStatus::requestsServed).sum());
    // The 400 sent at once spread over both workers (least in flight). The 20 sent one by one
    // need not: with none in flight the least loop lag decides, which a busy machine can make
    // the same worker's every time.
    for (WorkerStatus w : status.workers()) {
      assertTrue(w.requestsServed() >= 20, "worker " + w.pid() + " served "
          + w.requestsServed() + " of 420: " + status);
    }
  }

  @Test
  void errorRepliesAndHandlersThatAnswerNothing() throws Exception {
    serving(builder(Map.of()).size(1));
    ErrorReplyException unknown = assertInstanceOf(ErrorReplyException.class,
        failure(pool.call("no_such_message", "x")));
    assertEquals(List.of("error", "unknown message", "no_such_message"), unknown.reply());
    ErrorReplyException silent = assertInstanceOf(ErrorReplyException.class,
        failure(pool.call("silent")));
    assertEquals(List.of("error", "no reply", "silent"), silent.reply());
    ErrorReplyException failed = assertInstanceOf(ErrorReplyException.class,
        failure(pool.call("fail")));
    assertEquals("handler failed", failed.reply().get(1));
    assertEquals("pong", get(pool.call("ping")).get(0)); // the worker goes on
  }

  @Test
  void aLateReplyIsNeverTakenForAnothersAndAFullPoolRejects() throws Exception {
    serving(builder(Map.of()).size(1).maxInFlight(2).queueLimit(1));
    CallTimeoutException timedOut = assertInstanceOf(CallTimeoutException.class,
        failure(pool.call(Duration.ofMillis(200), "later", "1500")));
    assertTrue(timedOut.getMessage().contains("later"), timedOut.getMessage());
    CompletableFuture<List<String>> second = pool.call("later", "300"); // in flight: 2 of 2
    CompletableFuture<List<String>> queued = pool.call("greet", "in", "queue");
    PoolRejectedException rejected = assertInstanceOf(PoolRejectedException.class,
        failure(pool.call("greet", "one", "too many")));
    assertTrue(rejected.getMessage().contains("limit: 1"), rejected.getMessage());
    assertEquals(List.of("later", "300"), get(second));
    assertEquals(List.of("greetings", "in queue"), get(queued));
    // The timed-out request's reply came meanwhile or comes later: either way it is dropped.
    assertEquals(List.of("greetings", "after late"), get(pool.call("greet", "after", "late")));
  }

  @Test
  void aKilledWorkerIsReplacedAndItsInFlightRequestFails() throws Exception {
    serving(builder(Map.of()).size(2).drainTimeout(Duration.ofSeconds(1)));
    int victim = Integer.parseInt(get(pool.call("ping")).get(1));
    // One long request on each worker: the least loaded takes the second.
    List<CompletableFuture<List<String>>> inFlight =
        List.of(pool.call("later", "600000"), pool.call("later", "600000"));
    assertTrue(pool.status().workers().stream().allMatch(w -> w.inFlight() == 1));
    ProcessHandle.of(victim).orElseThrow().destroyForcibly();
    ExitRecord record = nextExit(r -> r.pid() == victim);
    assertEquals(ExitReason.KILLED_BY_SIGNAL, record.reason());
    assertEquals(new ExitStatus.Signaled(9), record.status());
    assertTrue(record.ready());
    assertTrue(pool.awaitState(PoolState.SERVING, READY), pool.status().toString());
    assertTrue(pool.status().workers().stream().noneMatch(w -> w.pid() == victim));
    assertEquals(1, pool.status().workers().stream().filter(w -> w.slot() == record.slot())
        .findFirst().orElseThrow().restarts());
    List<CompletableFuture<List<String>>> failed =
        inFlight.stream().filter(CompletableFuture::isDone).toList();
    assertEquals(1, failed.size(), "exactly the victim's request failed");
    ServerErrorException died = assertInstanceOf(ServerErrorException.class,
        failure(failed.get(0)));
    assertTrue(died.getMessage().contains("pid " + victim), died.getMessage());
  }

  @Test
  void aCrashIsRecordedWithTheWorkersLastOutput() throws Exception {
    serving(builder(Map.of()).size(1));
    get(pool.call("say", "last words before the crash"));
    CompletableFuture<List<String>> crash = pool.call("crash", "7");
    ServerErrorException died = assertInstanceOf(ServerErrorException.class, failure(crash));
    assertTrue(died.getMessage().contains("crash"), died.getMessage());
    ExitRecord record = nextExit(r -> true);
    assertEquals(ExitReason.CRASHED, record.reason());
    assertEquals(new ExitStatus.Exited(7), record.status());
    assertTrue(record.lastOutput().contains("last words before the crash"),
        record.lastOutput().toString());
    assertEquals(1, record.requestsServed()); // "say"; the crash never answered
    assertTrue(pool.awaitState(PoolState.SERVING, READY));
  }

  @Test
  void aCrashLoopIsStoppedByTheIntensityLimitAndLaterRequestsAreRejected() throws Exception {
    // Each worker halts after its first request: ready, then dead. Not a boot failure.
    serving(builder(Map.of("faulty.exitAfter", "1")).size(1)
        .restartIntensity(3, Duration.ofMinutes(5)));
    for (int failures = 1; failures <= 4; failures++) {
      assertTrue(pool.awaitState(s -> s == PoolState.SERVING || s == PoolState.GAVE_UP, READY));
      pool.call("ping"); // answered, then the worker halts
      int n = failures;
      nextExit(r -> r.reason() == ExitReason.CRASHED);
      if (n < 4) {
        assertTrue(pool.awaitState(PoolState.SERVING, READY), "respawn " + n);
      }
    }
    assertTrue(pool.awaitState(PoolState.GAVE_UP, READY));
    String why = gaveUp.poll(WAIT_S, TimeUnit.SECONDS);
    assertTrue(why != null && why.contains("4 worker failures"), why);
    assertInstanceOf(PoolRejectedException.class, failure(pool.call("ping")));
    assertTrue(pool.status().workers().isEmpty());
  }

  @Test
  void oneSlotsBootFailuresNeverStopTheOtherWorkers(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken"); // from now on, a new worker cannot boot
    serving(builder(Map.of("faulty.failInitIfExists", broken.toString())).size(2));
    int survivor = Integer.parseInt(get(pool.call("ping")).get(1));
    int victim = pool.status().workers().stream().mapToInt(WorkerStatus::pid)
        .filter(p -> p != survivor).findFirst().orElseThrow();
    Files.createFile(broken);
    ProcessHandle.of(victim).orElseThrow().destroyForcibly();
    assertTrue(pool.awaitState(PoolState.GAVE_UP, READY), pool.status().toString());
    for (int i = 0; i < 5; i++) { // the live worker serves on
      assertEquals(List.of("pong", Integer.toString(survivor)), get(pool.call("ping")));
    }
    assertEquals(1, pool.status().ready());
  }

  @Test
  void theSameBootFailureThreeTimesEndsTheRespawning() throws Exception {
    pool = builder(Map.of("faulty.failInit", "true")).size(1).build();
    pool.start();
    assertTrue(pool.awaitState(PoolState.GAVE_UP, READY), pool.status().toString());
    String why = gaveUp.poll(WAIT_S, TimeUnit.SECONDS);
    assertTrue(why != null && why.contains("same boot failure 3 times"), why);
    List<ExitRecord> records = pool.status().recentExits();
    assertEquals(3, records.size(), records.toString());
    for (ExitRecord r : records) {
      assertFalse(r.ready());
      assertEquals(new ExitStatus.Exited(1), r.status());
      assertTrue(r.lastOutput().stream().anyMatch(l -> l.contains("fails on purpose")),
          r.lastOutput().toString());
    }
    pool.retry(); // an operator's "try again": the failures are forgotten, and counted anew
    why = gaveUp.poll(WAIT_S, TimeUnit.SECONDS);
    assertTrue(why != null && why.contains("same boot failure 3 times"), why);
    assertEquals(PoolState.GAVE_UP, pool.state());
    assertEquals(6, pool.status().recentExits().size());
  }

  @Test
  void aHungWorkerIsDumpedKilledAndReplaced() throws Exception {
    serving(builder(Map.of()).size(1)
        .heartbeat(Duration.ofMillis(200), Duration.ofMillis(1500)));
    int hung = Integer.parseInt(get(pool.call("ping")).get(1));
    assertEquals(List.of("hanging"), get(pool.call("hang")));
    ExitRecord record = nextExit(r -> r.pid() == hung);
    assertEquals(ExitReason.HUNG, record.reason());
    assertEquals(new ExitStatus.Signaled(9), record.status());
    assertTrue(record.threadDump().stream().anyMatch(l -> l.startsWith("Full thread dump")),
        "dump: " + record.threadDump());
    assertTrue(record.threadDump().stream().anyMatch(l -> l.contains("FaultyServer")),
        "the hung handler is in the dump");
    assertTrue(pool.awaitState(PoolState.SERVING, READY));
    assertNotEquals(Integer.toString(hung), get(pool.call("ping")).get(1));
  }

  @Test
  void aSlowRequestThatLeavesTheLoopFreeIsNotAHang() throws Exception {
    serving(builder(Map.of()).size(1)
        .heartbeat(Duration.ofMillis(200), Duration.ofMillis(1000)));
    assertEquals(List.of("later", "3000"), get(pool.call("later", "3000")));
    assertTrue(pool.status().recentExits().isEmpty(), pool.status().toString());
  }

  @Test
  void aWorkerNotReadyInTimeIsDumpedAndKilled() throws Exception {
    pool = builder(Map.of("faulty.initSleepMs", "600000")).size(1)
        .bootTimeout(Duration.ofSeconds(3)).sameBootFailureLimit(1).build();
    pool.start();
    ExitRecord record = nextExit(r -> true);
    assertEquals(ExitReason.BOOT_TIMEOUT, record.reason());
    assertFalse(record.ready());
    assertTrue(record.threadDump().stream().anyMatch(l -> l.contains("initializeServer")),
        "dump: " + record.threadDump());
    assertTrue(pool.awaitState(PoolState.GAVE_UP, READY));
  }

  @Test
  void outOfMemoryIsNamed() throws Exception {
    serving(builder(Map.of()).size(1));
    pool.call("oom");
    ExitRecord record = nextExit(r -> true);
    assertEquals(ExitReason.OUT_OF_MEMORY, record.reason(), record.lastOutput().toString());
  }

  /** Calls {@code later 5} from {@code threads} threads until {@code done}; returns failures. */
  private List<Throwable> load(int threads, AtomicBoolean done,
      AtomicLong answered) {
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        while (!done.get()) {
          try {
            assertEquals(List.of("later", "5"), get(pool.call("later", "5")));
            answered.incrementAndGet();
          } catch (Throwable e) {
            failures.add(e);
            return;
          }
        }
      });
      thread.setDaemon(true);
      thread.start();
    }
    return failures;
  }

  @Test
  void recyclingReplacesWorkersWithoutAFailedRequest() throws Exception {
    serving(builder(Map.of()).size(2).recycleAfterRequests(30));
    Set<Integer> first = new HashSet<>(pool.status().workers().stream()
        .map(WorkerStatus::pid).toList());
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    List<Throwable> failures = load(3, done, answered);
    try {
      for (int i = 0; i < 2; i++) {
        ExitRecord r = nextExit(x -> first.contains(x.pid()));
        assertEquals(ExitReason.RECYCLED, r.reason());
        assertEquals(new ExitStatus.Exited(0), r.status());
        assertTrue(r.requestsServed() >= 30, r.summary());
      }
    } finally {
      done.set(true);
    }
    assertEquals(List.of(), failures);
    assertTrue(answered.get() >= 60, "answered " + answered.get());
  }

  @Test
  void aRollingRestartReplacesEveryWorkerAndNeverServesWithFewer() throws Exception {
    serving(builder(Map.of()).size(3).maxRecycling(1));
    Set<Integer> first = new HashSet<>(pool.status().workers().stream()
        .map(WorkerStatus::pid).toList());
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    List<Throwable> failures = load(2, done, answered);
    pool.restart();
    int ended = 0;
    long deadline = System.nanoTime() + READY.toNanos() * 2;
    try {
      while (ended < 3) {
        assertTrue(System.nanoTime() < deadline, "rolling restart not over: " + pool.status());
        PoolStatus status = pool.status();
        assertTrue(status.ready() >= 2, "fewer than size - k ready: " + status);
        ExitRecord r = exits.poll(10, TimeUnit.MILLISECONDS); // samples the status meanwhile
        if (r != null) {
          assertTrue(first.contains(r.pid()), r.summary());
          assertEquals(ExitReason.RECYCLED, r.reason());
          ended++;
        }
      }
    } finally {
      done.set(true);
    }
    assertEquals(List.of(), failures);
    assertTrue(pool.status().workers().stream().noneMatch(w -> first.contains(w.pid())));
    assertEquals(3, pool.status().ready());
  }

  @Test
  void aRecycledWorkerThatDoesNotDrainIsStoppedAtTheDrainTimeout() throws Exception {
    serving(builder(Map.of()).size(1).drainTimeout(Duration.ofSeconds(2)));
    int old = Integer.parseInt(get(pool.call("ping")).get(1));
    CompletableFuture<List<String>> endless = pool.call("later", "600000");
    pool.restart();
    ExitRecord r = nextExit(x -> x.pid() == old);
    assertEquals(ExitReason.RECYCLED, r.reason());
    assertInstanceOf(ServerErrorException.class, failure(endless));
    assertNotEquals(Integer.toString(old), get(pool.call("ping")).get(1));
  }

  @Test
  void aWorkerWhoseHeapAfterGcPassesTheLimitIsRecycled() throws Exception {
    serving(builder(Map.of()).size(1).recycleAboveHeap(16L << 20)
        .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(30)));
    int bloated = Integer.parseInt(get(pool.call("ping")).get(1));
    assertEquals(List.of("retained", "24"), get(pool.call("retain", "24")));
    ExitRecord r = nextExit(x -> x.pid() == bloated);
    assertEquals(ExitReason.RECYCLED, r.reason());
    assertNotEquals(Integer.toString(bloated), get(pool.call("ping")).get(1));
  }

  @Test
  void aWarmSpareTakesOverAtOnceAndAnotherBoots() throws Exception {
    serving(builder(Map.of()).size(1).spares(1));
    awaitCondition(() -> pool.status().workers().stream().anyMatch(w -> w.state().equals("spare")),
        "a spare ready");
    WorkerStatus spare = pool.status().workers().stream()
        .filter(w -> w.state().equals("spare")).findFirst().orElseThrow();
    assertEquals(-1, spare.slot());
    int serving = Integer.parseInt(get(pool.call("ping")).get(1));
    assertNotEquals(spare.pid(), serving, "a spare takes no request");
    ProcessHandle.of(serving).orElseThrow().destroyForcibly();
    nextExit(r -> r.pid() == serving);
    assertEquals(Integer.toString(spare.pid()), get(pool.call("ping")).get(1),
        "the spare serves in the slot");
    awaitCondition(() -> pool.status().workers().stream()
        .anyMatch(w -> w.state().equals("spare") && w.pid() != spare.pid()), "a new spare");
  }

  @Test
  void resizeGrowsAndDrainsAndStopWaitsForRequests() throws Exception {
    serving(builder(Map.of()).size(1).sizeLimits(1, 3));
    pool.resize(3);
    awaitReady(3);
    pool.resize(1);
    for (int i = 0; i < 2; i++) {
      ExitRecord r = nextExit(x -> true);
      assertEquals(ExitReason.STOPPED, r.reason());
      assertEquals(new ExitStatus.Exited(0), r.status());
      assertTrue(r.slot() >= 1, "slot " + r.slot());
    }
    assertEquals(1, pool.status().workers().size());
    assertThrows(IllegalArgumentException.class, () -> pool.resize(4));
    CompletableFuture<List<String>> draining = pool.call("later", "500");
    pool.stop();
    assertEquals(List.of("later", "500"), draining.getNow(null), "drained before the stop");
    ExitRecord last = nextExit(x -> true);
    assertEquals(ExitReason.STOPPED, last.reason());
    assertEquals(new ExitStatus.Exited(0), last.status());
    assertInstanceOf(PoolRejectedException.class, failure(pool.call("ping")));
  }
}
