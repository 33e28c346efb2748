package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.http.HttpHelloWorker;
import dev.tether.reactor.ExitStatus;
import dev.tether.supervisor.ExitReason;
import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolListener;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.WorkerPool;
import dev.tether.supervisor.WorkerStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool that accepts connections and hands them to its workers as fds. */
class ConnectionHandoffIT {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final int READ_TIMEOUT_MS = 60_000;

  private final Workers.Output output = new Workers.Output();
  private final List<Socket> clients = new ArrayList<>();
  private WorkerPool pool;

  @AfterEach
  void stop() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    if (pool != null) {
      pool.stop();
    }
  }

  private WorkerPool serving(int size, SocketAddress address) throws InterruptedException {
    PoolEchoServer prototype = new PoolEchoServer();
    prototype.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    // Echo connections never end on their own: a stop waits the drain timeout for them.
    pool = WorkerPool.builder(prototype).size(size).bootConcurrency(2).output(output::add)
        .drainTimeout(Duration.ofSeconds(2)).listen(address).build();
    pool.start();
    assertTrue(pool.awaitState(PoolState.SERVING, READY), pool.status().toString());
    return pool;
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    clients.add(s);
    s.connect(pool.localAddresses().get(0), READ_TIMEOUT_MS);
    s.setSoTimeout(READ_TIMEOUT_MS);
    return s;
  }

  /** Sends {@code line} and returns the reply line: "pid line". */
  private static String exchange(Socket s, String line) throws IOException {
    send(s, line);
    return readLine(s);
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write((text.endsWith("\r\n\r\n") ? text : text + "\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String readLine(Socket s) throws IOException {
    // One reader per call is fine: each reply is one line and nothing else is buffered after it.
    return new BufferedReader(new InputStreamReader(s.getInputStream(),
        StandardCharsets.US_ASCII), 1).readLine();
  }

  private List<Integer> workerPids() {
    return pool.status().workers().stream().map(WorkerStatus::pid).toList();
  }

  @Test
  void connectionsGoToTheLeastLoadedWorkerAndStayThere() throws Exception {
    serving(2, new InetSocketAddress("127.0.0.1", 0));
    Set<String> servedBy = new HashSet<>();
    List<Socket> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Socket s = connect();
      open.add(s);
      String reply = exchange(s, "hello " + i);
      assertTrue(reply.endsWith(" hello " + i), reply);
      servedBy.add(reply.substring(0, reply.indexOf(' ')));
    }
    assertEquals(new HashSet<>(workerPids().stream().map(String::valueOf).toList()), servedBy,
        "both workers serve");
    for (Socket s : open) { // a connection stays with its worker
      String first = exchange(s, "again");
      assertEquals(first, exchange(s, "again"));
    }
  }

  @Test
  void connectionsAKilledWorkerDidNotAcknowledgeAreServedByAnother() throws Exception {
    serving(2, new InetSocketAddress("127.0.0.1", 0));
    int stopped = workerPids().get(0);
    signal("STOP", stopped); // alive, but acknowledges nothing
    List<Socket> waiting = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Socket s = connect();
      send(s, "request " + i);
      waiting.add(s);
    }
    awaitCondition(() -> pool.status().workers().stream()
        .anyMatch(w -> w.pid() == stopped && w.handoffs() > 0), "handoffs to the stopped worker");
    ProcessHandle.of(stopped).orElseThrow().destroyForcibly();
    for (int i = 0; i < waiting.size(); i++) {
      String reply = readLine(waiting.get(i));
      assertTrue(reply != null && reply.endsWith(" request " + i), "client " + i + ": " + reply);
      assertTrue(!reply.startsWith(stopped + " "), reply);
    }
  }

  @Test
  void aUnixSocketServesAndItsFileGoesAtStop(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("pool.sock");
    serving(1, UnixDomainSocketAddress.of(path));
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      ch.write(ByteBuffer.wrap("over unix\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer in = ByteBuffer.allocate(100);
      while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
        ch.read(in);
      }
      String reply = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
      assertEquals(workerPids().get(0) + " over unix\n", reply);
    }
    pool.stop();
    assertTrue(Files.notExists(path), "socket file removed");
  }

  @Test
  void stopClosesTheListener() throws Exception {
    serving(1, new InetSocketAddress("127.0.0.1", 0));
    SocketAddress address = pool.localAddresses().get(0);
    assertTrue(exchange(connect(), "before").endsWith(" before"));
    pool.stop();
    try (Socket s = new Socket()) {
      assertThrows(ConnectException.class, () -> s.connect(address, READ_TIMEOUT_MS));
    }
  }

  private static final String GET = "GET / HTTP/1.1\r\nHost: pool\r\n\r\n";

  /** Reads one HTTP answer of the hello (head, then its 14-byte body) and returns its head. */
  private static String readAnswer(Socket s) throws IOException {
    java.io.InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertTrue(b >= 0, "end of stream after " + head);
      head.append((char) b);
    }
    assertEquals("Hello, world!\n", new String(in.readNBytes(14), StandardCharsets.US_ASCII));
    return head.toString();
  }

  @Test
  void aRollingRestartHandsIdleKeepAliveConnectionsToTheNewWorkers() throws Exception {
    dev.tether.examples.http.HttpHelloWorker prototype =
        new dev.tether.examples.http.HttpHelloWorker();
    prototype.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    java.util.concurrent.LinkedBlockingQueue<dev.tether.supervisor.ExitRecord> exits =
        new java.util.concurrent.LinkedBlockingQueue<>();
    pool = WorkerPool.builder(prototype).size(2).bootConcurrency(2).output(output::add)
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .listener(new dev.tether.supervisor.PoolListener() {
          @Override
          public void workerExited(dev.tether.supervisor.ExitRecord record) {
            exits.add(record);
          }
        }).build();
    pool.start();
    assertTrue(pool.awaitState(PoolState.SERVING, READY), pool.status().toString());
    List<Integer> before = workerPids();
    List<Socket> kept = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // spread over both workers, each kept alive, idle
      Socket s = connect();
      send(s, GET);
      assertTrue(readAnswer(s).startsWith("HTTP/1.1 200 OK"));
      kept.add(s);
    }
    pool.restart();
    for (int i = 0; i < 2; i++) {
      dev.tether.supervisor.ExitRecord r = exits.poll(READY.toSeconds(), TimeUnit.SECONDS);
      assertTrue(r != null && before.contains(r.pid()), "old worker exit: " + r);
      assertEquals(dev.tether.supervisor.ExitReason.RECYCLED, r.reason());
      assertEquals(new ExitStatus.Exited(0), r.status());
    }
    assertTrue(java.util.Collections.disjoint(before, workerPids()), workerPids().toString());
    for (Socket s : kept) { // the same connections, now served by the new workers
      send(s, GET);
      String head = readAnswer(s);
      assertTrue(head.startsWith("HTTP/1.1 200 OK") && !head.contains("close"), head);
    }
  }

  @Test
  void aRollingRestartUnderSteadyKeepAliveLoadFailsNothingAndKeepsEveryConnection()
      throws Exception {
    underSteadyKeepAliveLoad(4, b -> b, pool -> pool.restart(), 2);
  }

  @Test
  void recyclingUnderSteadyKeepAliveLoadFailsNothingAndKeepsEveryConnection() throws Exception {
    // Each worker recycles after 2 or 3 connections (jitter), handed-back ones included: the
    // clients' six connections (three a worker) move from worker to worker again and again.
    underSteadyKeepAliveLoad(6, b -> b.recycleAfterConnections(2), pool -> { }, 4);
  }

  /**
   * {@code n} clients, each on one keep-alive connection, send without pause while {@code trigger}
   * (and the pool's settings) replace workers, until {@code recycled} workers ended RECYCLED:
   * no request may fail and no connection end.
   */
  private void underSteadyKeepAliveLoad(int n, UnaryOperator<WorkerPool.Builder> settings,
      Consumer<WorkerPool> trigger, int recycled) throws Exception {
    HttpHelloWorker prototype = new HttpHelloWorker();
    prototype.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    LinkedBlockingQueue<ExitRecord> exits = new LinkedBlockingQueue<>();
    pool = settings.apply(WorkerPool.builder(prototype).size(2).bootConcurrency(2)
        .output(output::add).listen(new InetSocketAddress("127.0.0.1", 0))
        .listener(new PoolListener() {
          @Override
          public void workerExited(ExitRecord record) {
            exits.add(record);
          }
        })).build();
    pool.start();
    assertTrue(pool.awaitState(PoolState.SERVING, READY), pool.status().toString());
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong answered = new AtomicLong();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      Socket s = connect(); // each client keeps this one connection throughout
      Thread t = new Thread(() -> {
        try {
          while (!done.get()) {
            send(s, GET);
            String head = readAnswer(s);
            assertTrue(head.startsWith("HTTP/1.1 200 OK") && !head.contains("close"), head);
            answered.incrementAndGet();
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      t.start();
      clients.add(t);
    }
    try {
      awaitCondition(() -> answered.get() > 200, "answers before the workers change");
      trigger.accept(pool);
      for (int i = 0; i < recycled; i++) {
        ExitRecord r = exits.poll(READY.toSeconds(), TimeUnit.SECONDS);
        assertTrue(r != null, "no exit within " + READY + "; " + i + " so far");
        assertEquals(ExitReason.RECYCLED, r.reason(), r.summary());
      }
      long after = answered.get();
      awaitCondition(() -> answered.get() > after + 200, "answers after the workers changed");
    } finally {
      done.set(true);
      for (Thread t : clients) {
        t.join(60_000);
      }
    }
    assertEquals(List.of(), List.copyOf(failures), "a request failed or a connection ended");
  }

  @Test
  void aPrototypeThatServesNoConnectionsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkerPool.builder(new FaultyServer()).listen(new InetSocketAddress(0)).build());
    assertTrue(e.getMessage().contains("serves no connections"), e.getMessage());
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
    assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue());
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    Workers.await(condition, READY, () -> what);
  }
}
