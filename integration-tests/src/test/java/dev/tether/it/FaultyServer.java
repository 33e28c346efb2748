package dev.tether.it;

import com.google.protobuf.StringValue;
import dev.tether.channel.MessageChannel;
import dev.tether.server.AbstractServer;
import dev.tether.server.MessageHandler;
import dev.tether.server.OnMessage;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *   <li>{@code fds} [fds, channel fd, "N target flags"...]: the worker's /proc/self/fd with
 *       fdinfo flags (octal);
 *   <li>{@code write_into TEXT} + fd: writes TEXT into the fd, closes it [written];
 *       {@code open_file PATH}: [file] + an fd open on PATH for reading;
 *   <li>{@code nap ms}: prints {@link #NAPPING} on stderr, blocks the loop for ms, answers
 *       [rested];
 *   <li>{@code slow}: defers an operation that prints {@link #SLOW_WAITING} on stderr and waits
 *       for {@code release} ([released]), then [slow_done, thread name of the deferred operation];
 *   <li>{@code say TEXT}: prints TEXT on stderr [said]; {@code corrupt}: [corrupt, bytes
 *       C3 28] (not UTF-8);
 *   <li>proto {@code proto_echo} (StringValue) [proto, value]; {@code greet A B} (annotation)
 *       [greetings, "A B"]; {@code count ...} (annotation, List) [count, n].
 * </ul>
 * Signal handlers ({@link SignalServer} adds USR1 and USR2): TERM is handled (ignored, replying
 * [signal, TERM]) when {@code -Dfaulty.ignoreTerm=true}. {@code -Dfaulty.exitAfter=N} halts with
 * status 3 after the N-th handled message; {@code -Dfaulty.failInit=true} makes initializeServer
 * throw; {@code -Dfaulty.finalizeMarker=PATH} makes finalizeServer write "finalized" there.
 */
public class FaultyServer extends AbstractServer {
  static final int EXIT_AFTER_STATUS = 3;
  static final String SLOW_WAITING = "slow: waiting for release";
  static final String NAPPING = "nap: blocking the loop";

  private final int exitAfter = Integer.getInteger("faulty.exitAfter", -1);
  private int handled;
  private final CountDownLatch release = new CountDownLatch(1);
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
    on("fds", a -> client().write(fdListing(client().fd())));
    defineFdMessageHandler("write_into", (a, fds) -> {
      for (FileDescriptor fd : fds) {
        try (FileOutputStream out = new FileOutputStream(fd)) { // closes the fd: we own it
          out.write(a.get(0).getBytes(StandardCharsets.UTF_8));
        }
      }
      client().write("written", Integer.toString(fds.size()));
    });
    on("open_file", a -> {
      try (FileInputStream in = new FileInputStream(a.get(0))) {
        client().writeWithFds(List.of("file"), in.getFD());
      }
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
  protected void initializeServer() {
    if (Boolean.getBoolean("faulty.failInit")) {
      throw new IllegalStateException("initializeServer fails on purpose");
    }
    initialized = true;
  }

  @Override
  protected void finalizeServer() throws IOException {
    finalized = true;
    String marker = System.getProperty("faulty.finalizeMarker");
    if (marker != null) {
      Files.writeString(Path.of(marker), "finalized");
    }
  }

  /** The channel this worker serves, for tests that run it in-process. */
  MessageChannel channel() {
    return client();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static List<String> fdListing(int channelFd) throws IOException {
    List<String> out = new ArrayList<>();
    out.add("fds");
    out.add(Integer.toString(channelFd));
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path p : (Iterable<Path>) fds::iterator) {
        String n = p.getFileName().toString();
        try {
          String target = Files.readSymbolicLink(p).toString();
          String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", n)).stream()
              .filter(l -> l.startsWith("flags:")).map(l -> l.substring(6).trim())
              .findFirst().orElse("?");
          out.add(n + " " + target + " " + flags);
        } catch (IOException e) {
          // The fd of the directory listing itself, closed meanwhile.
        }
      }
    }
    return out;
  }
}
