package dev.tether.examples.http;

import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolListener;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.WorkerPool;
import dev.tether.supervisor.WorkerStatus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pool tour of {@code scripts/demo}: the HTTP hello served by a pool of two worker JVMs
 * through fd handoff; requests; a worker killed, replaced, and its exit record; a rolling restart
 * under requests; the status table; a clean stop. Says what it does as it goes. Exits 1 if
 * something does not happen as it should.
 */
public final class PoolDemo {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final LinkedBlockingQueue<ExitRecord> exits = new LinkedBlockingQueue<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private WorkerPool pool;
  private URI uri;

  private PoolDemo() {}

  public static void main(String[] args) throws Exception {
    new PoolDemo().run();
  }

  private void run() throws Exception {
    say("starting a pool of 2 HttpHelloWorker JVMs on 127.0.0.1 (port chosen by the kernel)");
    pool = WorkerPool.builder(new HttpHelloWorker()).size(2)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .output(line -> { }) // the workers' own output stays in their exit records
        .listener(new PoolListener() {
          @Override
          public void workerExited(ExitRecord record) {
            exits.add(record);
          }
        }).build();
    pool.start();
    try {
      check(pool.awaitState(PoolState.SERVING, WAIT), "the pool serves");
      InetSocketAddress address = (InetSocketAddress) pool.localAddresses().get(0);
      uri = URI.create("http://127.0.0.1:" + address.getPort() + "/");
      say("serving at " + uri + "; the pool accepts, each worker's reactor serves what it is"
          + " handed");
      System.out.println(pool.status().toTable());

      say("sending 20 requests over one keep-alive connection");
      for (int i = 0; i < 20; i++) {
        check(get().equals("Hello, world!\n"), "answer " + i);
      }
      say("20 answers: Hello, world!");

      WorkerStatus victim = pool.status().workers().get(0);
      say("killing worker " + victim.pid() + " (slot " + victim.slot() + ") with SIGKILL");
      ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
      ExitRecord record = exits.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      check(record != null, "an exit record");
      say("exit record: " + record.summary());
      check(awaitServing(), "the pool serves again");
      int slot = record.slot();
      say("slot " + slot + " served again by worker " + pool.status().workers().stream()
          .filter(w -> w.slot() == slot).findFirst().orElseThrow().pid() + "; " + get().trim());

      rollingRestart();
      say("the status table:");
      System.out.println(pool.status().toTable());
    } finally {
      say("stopping: no more accepting; workers drain, then exit");
      pool.stop();
    }
    List<ExitRecord> stopped = new ArrayList<>();
    exits.drainTo(stopped);
    for (ExitRecord r : stopped) {
      say("  " + r.summary());
    }
    say("pool " + pool.state().name().toLowerCase() + "; done");
  }

  private void rollingRestart() throws Exception {
    Set<Integer> before = new HashSet<>();
    pool.status().workers().forEach(w -> before.add(w.pid()));
    say("rolling restart of workers " + before + " while 4 clients keep sending requests");
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread c = new Thread(() -> {
        while (!done.get()) {
          try {
            if (get().equals("Hello, world!\n")) {
              answered.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      c.start();
      clients.add(c);
    }
    pool.restart();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (pool.status().workers().stream().anyMatch(w -> before.contains(w.pid()))) {
      check(System.nanoTime() < deadline, "the rolling restart ends");
      Thread.sleep(50); // polls the pool's status, with a deadline
    }
    done.set(true);
    for (Thread c : clients) {
      c.join();
    }
    List<ExitRecord> recycled = new ArrayList<>();
    exits.drainTo(recycled);
    for (ExitRecord r : recycled) {
      say("  " + r.summary());
    }
    say("rolling restart done: " + answered.get() + " requests answered, " + failed.get()
        + " failed; each old worker served until its replacement was ready, then handed its"
        + " keep-alive connections back to the pool for the new workers");
    check(failed.get() == 0, "no request failed during the rolling restart");
  }

  private boolean awaitServing() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      PoolStatus status = pool.status();
      if (status.ready() == 2 && exits.isEmpty()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50); // polls the pool's status, with a deadline
    }
  }

  private String get() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body() : "status " + r.statusCode();
  }

  private static void say(String what) {
    System.out.println("demo: " + what);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("demo: FAILED: " + what);
      System.exit(1);
    }
  }
}
