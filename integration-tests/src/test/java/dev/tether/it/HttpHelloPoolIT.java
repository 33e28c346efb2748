package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.http.HttpHelloPool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP example served by a pool ({@link HttpHelloPool}) as its own process, driven as an
 * operator drives it: requests from keep-alive clients, a worker killed, HUP, TERM.
 */
class HttpHelloPoolIT {
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(90);

  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(30)).build();
  private ExampleProcess pool;
  private URI uri;
  private String statusSocket;

  @BeforeEach
  void startPool() throws Exception {
    pool = ExampleProcess.startQuick(HttpHelloPool.class, "0", "2");
    String line = pool.stdout().awaitLine(l -> l.startsWith("http hello pool (pid "),
        Duration.ofNanos(WAIT_NANOS));
    String address = line.substring(0, line.indexOf(']'));
    uri = URI.create("http://127.0.0.1:" + address.substring(address.lastIndexOf(':') + 1) + "/");
    statusSocket = line.substring(line.lastIndexOf(' ') + 1);
    pool.stdout().awaitLine(l -> l.startsWith("http hello pool serving"),
        Duration.ofNanos(WAIT_NANOS));
  }

  @AfterEach
  void killPool() throws InterruptedException {
    List<ProcessHandle> workers = pool.handle().children().toList();
    pool.close();
    workers.forEach(ProcessHandle::destroyForcibly); // they exit at end of stream anyway
  }

  private String get() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private Set<Long> workers() {
    Set<Long> pids = new HashSet<>();
    pool.handle().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Workers.await(condition, Duration.ofNanos(WAIT_NANOS), () -> what);
  }

  /** {@code scripts/tether-status SOCKET}'s output, which must exit 0. */
  private String statusTable() {
    try {
      Process status = new ProcessBuilder(Path.of("..", "scripts", "tether-status")
          .toAbsolutePath().normalize().toString(), statusSocket).redirectErrorStream(true)
          .start();
      String table = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(status.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, status.exitValue(), table);
      return table;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Sends signal {@code name} to the pool process. */
  private void signal(String name) throws Exception {
    long pid = pool.handle().pid();
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
    assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue());
  }

  @Test
  void rollingRestartUnderLoadKilledWorkerTtinTtouAndInt()
      throws Exception {
    assertEquals("Hello, world!\n", get());
    Set<Long> first = workers();
    assertEquals(2, first.size(), first.toString());

    AtomicBoolean done = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread c = new Thread(() -> {
        while (!done.get()) {
          try {
            assertEquals("Hello, world!\n", get());
            answered.incrementAndGet();
          } catch (Throwable e) {
            failures.add(e);
          }
        }
      });
      c.start();
      clients.add(c);
    }
    try {
      await(() -> answered.get() > 100, "requests answered before the restart");
      signal("HUP");
      await(() -> Collections.disjoint(workers(), first) && workers().size() == 2,
          "both workers replaced (workers now " + workers() + ", first " + first + ")");
      long afterRestart = answered.get();
      await(() -> answered.get() > afterRestart + 100, "requests answered after the restart");
      assertEquals(List.of(), List.copyOf(failures), "requests failed by the rolling restart");

      long victim = workers().iterator().next();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      await(() -> !workers().contains(victim) && workers().size() == 2, "the killed worker"
          + " replaced");
      long afterKill = answered.get();
      await(() -> answered.get() > afterKill + 100, "requests answered after the kill");
    } finally {
      done.set(true);
      for (Thread c : clients) {
        c.join(60_000);
      }
    }
    // A keep-alive client whose connection the killed worker held may see it reset (one per
    // client at most): that is what a kill costs, and what the rolling restart did not.
    assertTrue(failures.size() <= clients.size(), failures.toString());
    assertTrue(pool.lines().stream()
        .anyMatch(l -> l.contains("killed by signal: Signaled[signal=9]")),
        "the kill's exit record is logged");

    // The replacement's process exists before it is ready: the operator's view says when.
    await(() -> statusTable().startsWith("pool SERVING: 2 of 2 workers ready"),
        "tether-status shows the pool serving");
    String table = statusTable();
    assertTrue(table.contains("killed by signal"), "the kill's exit record: " + table);

    signal("TTIN"); // one worker more, then one less, as Unicorn's users expect
    await(() -> statusTable().startsWith("pool SERVING: 3 of 3 workers ready"), "a third worker");
    signal("TTOU");
    await(() -> statusTable().startsWith("pool SERVING: 2 of 2 workers ready")
        && workers().size() == 2, "back to two workers");

    signal("INT"); // as TERM: a graceful stop
    assertEquals(0, pool.awaitExit(Duration.ofNanos(WAIT_NANOS)));
    assertTrue(pool.lines().contains("http hello pool stopped"), pool.lines().toString());
  }
}
