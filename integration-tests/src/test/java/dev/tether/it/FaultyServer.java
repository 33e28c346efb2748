package dev.tether.it;

import com.google.protobuf.StringValue;
import dev.tether.server.AbstractServer;
import dev.tether.server.DeferredReply;
import dev.tether.server.MessageHandler;
import dev.tether.server.OnMessage;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The fault-injecting worker of the integration tests. Messages (replies in brackets):
 * <ul>
 *   <li>{@code ping} [pong, pid]; {@code fail} throws; {@code crash N} halts with status N;
 *       {@code hang} [hanging] then blocks the reactor thread forever; {@code quit} [bye] then
 *       quitMain;
 *   <li>{@code params} [params, arguments joined by ",", -Dfaulty.prop, $FAULTY_ENV, working
 *       directory, $TETHER_CHANNEL_FD, $_JAVA_SR_SIGNUM] ("-" for unset);
 *   <li>{@code fds} [fds, "N target flags"...]: the worker's /proc/self/fd (the listing's own
 *       fd left out) with fdinfo flags (octal);
 *   <li>{@code write_into TEXT} + fds: writes TEXT into each fd, closes it [written, count];
 *       {@code open_file PATH [N]}: [file] + N fds (default 1), each of its own open(2) of PATH
 *       for reading;
 *   <li>{@code open_inheritable}: opens a listening TCP socket on the loopback the JDK's way
 *       (without close-on-exec) and keeps it open [inheritable, its port];
 *   <li>{@code nap ms}: prints {@link #NAPPING} on stderr, blocks the loop for ms, answers
 *       [rested];
 *   <li>{@code slow}: defers an operation that prints {@link #SLOW_WAITING} on stderr and waits
 *       for {@code release} ([released]), then [slow_done, thread name of the deferred operation];
 *   <li>{@code flood N}: writes N messages [flood, i, 1000 bytes], prints {@link #FLOODED} with
 *       {@code writable=} and {@code queued=} on stderr, then [flood_done];
 *   <li>{@code later ms}: answers [later, ms] after ms through a deferred reply, the loop free
 *       meanwhile; {@code silent}: answers nothing; {@code oom}: allocates until the heap runs out;
 *       {@code retain N}: keeps N MiB alive and runs a full GC [retained, N];
 *   <li>{@code say TEXT}: prints TEXT on stderr [said]; {@code corrupt}: [corrupt, bytes
 *       C3 28] (not UTF-8);
 *   <li>proto {@code proto_echo} (StringValue) [proto, value]; {@code greet A B} (annotation)
 *       [greetings, "A B"]; {@code count ...} (annotation, List) [count, n].
 * </ul>
 * Signal handlers ({@link SignalServer} adds USR1 and USR2): TERM is handled (ignored, replying
 * [signal, TERM]) when {@code -Dfaulty.ignoreTerm=true}. {@code -Dfaulty.exitAfter=N} halts with
 * status 3 after the N-th handled message; {@code -Dfaulty.failInit=true} makes initializeServer
 * throw ({@code -Dfaulty.failInitIfExists=PATH}: if PATH exists); {@code -Dfaulty.initSleepMs=N}
 * makes it sleep N ms first;
 * {@code -Dfaulty.finalizeMarker=PATH} makes finalizeServer write "finalized" there;
 * {@code -Dfaulty.finalizeReply=true} makes it write [finalized, whether on the reactor thread].
 */
public class FaultyServer extends AbstractServer {
  static final int EXIT_AFTER_STATUS = 3;
  static final String SLOW_WAITING = "slow: waiting for release";
  static final String NAPPING = "nap: blocking the loop";
  static final String FLOODED = "flood: written";

  private final int exitAfter = Integer.getInteger("faulty.exitAfter", -1);
  private int handled;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<ServerSocket> inheritable = new ArrayList<>();
  private final List<byte[]> retained = new ArrayList<>();
  volatile boolean initialized;
  volatile boolean finalized;

  public FaultyServer() {
    on("ping", a -> client().write("pong", Long.toString(ProcessHandle.current().pid())));
    on("fail", a -> {
      throw new IllegalStateException("boom");
    });
    on("crash", a -> Runtime.getRuntime().halt(Integer.parseInt(a.get(0))));
    on("hang", a -> {
      client().write("hanging");
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          // Hang means hang.
        }
      }
    });
    on("quit", a -> {
      client().write("bye");
      quitMain();
    });
    on("params", a -> client().write("params", String.join(",", arguments()),
        System.getProperty("faulty.prop", "-"), orDash(System.getenv("FAULTY_ENV")),
        Path.of("").toAbsolutePath().toString(), orDash(System.getenv("TETHER_CHANNEL_FD")),
        orDash(System.getenv("_JAVA_SR_SIGNUM"))));
    on("fds", a -> client().write(fdListing()));
    defineFdMessageHandler("write_into", (a, fds) -> {
      for (FileDescriptor fd : fds) {
        try (FileOutputStream out = new FileOutputStream(fd)) { // closes the fd: we own it
          out.write(a.get(0).getBytes(StandardCharsets.UTF_8));
        }
      }
      client().write("written", Integer.toString(fds.size()));
    });
    on("open_file", a -> {
      int n = a.size() > 1 ? Integer.parseInt(a.get(1)) : 1;
      List<FileInputStream> files = new ArrayList<>(n);
      try {
        FileDescriptor[] fds = new FileDescriptor[n];
        for (int i = 0; i < n; i++) {
          files.add(new FileInputStream(a.get(0)));
          fds[i] = files.get(i).getFD();
        }
        client().writeWithFds(List.of("file"), fds);
      } finally {
        for (FileInputStream in : files) {
          in.close();
        }
      }
    });
    on("open_inheritable", a -> {
      ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      inheritable.add(socket); // closed in finalizeServer
      client().write("inheritable", Integer.toString(socket.getLocalPort()));
    });
    on("slow", a -> reactor().defer(() -> {
      System.err.println(SLOW_WAITING);
      release.await();
      return Thread.currentThread().getName();
    }, thread -> client().write("slow_done", thread)));
    on("corrupt", a -> client().writeBytes(List.of(
        "corrupt".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xc3, '('})));
    on("say", a -> {
      System.err.println(a.get(0));
      client().write("said");
    });
    on("nap", a -> { // blocks the loop, then replies: to a supervisor that may be gone by then
      System.err.println(NAPPING);
      try {
        Thread.sleep(Long.parseLong(a.get(0)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      client().write("rested");
    });
    on("flood", a -> { // N messages of 1000 bytes into a supervisor that may not read them
      int n = Integer.parseInt(a.get(0));
      String filler = "f".repeat(1000);
      for (int i = 0; i < n; i++) {
        client().write("flood", Integer.toString(i), filler);
      }
      System.err.println(FLOODED + " writable=" + client().isWritable() + " queued="
          + client().outboundBytes());
      client().write("flood_done");
    });
    on("later", a -> { // answers after ms, leaving the loop free meanwhile
      DeferredReply reply = client().deferReply();
      reactor().addTimer(Duration.ofMillis(Long.parseLong(a.get(0))),
          () -> reply.send("later", a.get(0)));
    });
    on("silent", a -> { });
    on("retain", a -> { // keeps N MiB alive, then collects: the heap after GC holds them
      for (int i = 0; i < Integer.parseInt(a.get(0)); i++) {
        retained.add(new byte[1 << 20]);
      }
      System.gc();
      client().write("retained", a.get(0));
    });
    on("oom", a -> {
      List<long[]> hog = new ArrayList<>();
      while (true) {
        hog.add(new long[1 << 20]);
      }
    });
    on("release", a -> {
      release.countDown();
      client().write("released");
    });
    defineProtoHandler("proto_echo", StringValue.parser(),
        v -> client().write("proto", v.getValue()));
    if (Boolean.getBoolean("faulty.ignoreTerm")) {
      defineSignalHandler("TERM", () -> client().write("signal", "TERM"));
    }
  }

  @OnMessage("greet")
  void greet(String first, String last) {
    client().write("greetings", first + " " + last);
  }

  @OnMessage("count")
  private void count(List<String> args) {
    client().write("count", Integer.toString(args.size()));
  }

  /** Defines a handler that counts toward {@code faulty.exitAfter}. */
  private void on(String name, MessageHandler handler) {
    defineMessageHandler(name, args -> {
      try {
        handler.handle(args);
      } finally {
        if (++handled == exitAfter) {
          Runtime.getRuntime().halt(EXIT_AFTER_STATUS);
        }
      }
    });
  }

  @Override
  protected void initializeServer() throws InterruptedException {
    String failIfExists = System.getProperty("faulty.failInitIfExists");
    if (Boolean.getBoolean("faulty.failInit")
        || (failIfExists != null && Files.exists(Path.of(failIfExists)))) {
      throw new IllegalStateException("initializeServer fails on purpose");
    }
    Thread.sleep(Long.getLong("faulty.initSleepMs", 0));
    initialized = true;
  }

  @Override
  protected void finalizeServer() throws IOException {
    finalized = true;
    for (ServerSocket socket : inheritable) {
      socket.close();
    }
    String marker = System.getProperty("faulty.finalizeMarker");
    if (marker != null) {
      Files.writeString(Path.of(marker), "finalized");
    }
    if (Boolean.getBoolean("faulty.finalizeReply")) {
      client().write("finalized", Boolean.toString(reactor().inReactorThread()));
    }
  }

  /**
   * {@link #client()}, for tests that run the worker in-process (typed Object: only whether it
   * throws matters to them).
   */
  Object channel() {
    return client();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static List<String> fdListing() throws IOException {
    List<String> out = new ArrayList<>();
    out.add("fds");
    String listingItself = "/proc/" + ProcessHandle.current().pid() + "/fd";
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path p : (Iterable<Path>) fds::iterator) {
        String n = p.getFileName().toString();
        try {
          String target = Files.readSymbolicLink(p).toString();
          if (target.equals(listingItself)) {
            continue;
          }
          String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", n)).stream()
              .filter(l -> l.startsWith("flags:")).map(l -> l.substring(6).trim())
              .findFirst().orElse("?");
          out.add(n + " " + target + " " + flags);
        } catch (IOException e) {
          // Closed meanwhile (by another thread of the worker).
        }
      }
    }
    return out;
  }
}
