package dev.tether.supervisor;

import dev.tether.supervisor.internal.StatusRequest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The client of a {@link StatusServer}, and the main of {@code scripts/tether-status}:
 *
 * <pre>
 * tether-status [--json | --metrics | --ready | --live] SOCKET
 * </pre>
 *
 * prints the pool's table (or its JSON, or its metrics) and exits 0; with {@code --ready} or
 * {@code --live} prints the probe's line and exits 0 if it holds, 1 if not, so that it serves as
 * an exec probe. Exits 1 with a message on stderr when the server answers with an error, refuses
 * us, or cannot be reached within {@link #TIMEOUT}; 2 with the usage on bad usage.
 *
 * <p>Uses the JDK's own Unix socket channel and no native code, so that it starts fast and runs
 * anywhere the JDK does. Thread-safe (no state).
 */
public final class StatusClient {
  /** Longest wait for a whole answer: above the server's status deadline and request timeout. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String USAGE = String.join("\n",
      "usage: tether-status [--json | --metrics | --ready | --live] SOCKET",
      "  (none)     the pool's workers, state and last exits as a table",
      "  --json     the same as JSON",
      "  --metrics  the same in Prometheus' text format",
      "  --ready    exit 0 if the pool's minimum of workers serves, else 1",
      "  --live     exit 0 if the supervisor's pool loop answers, else 1",
      "Exits 1 if the socket cannot be reached or refuses us, 2 on bad usage.");

  private StatusClient() {}

  /** Runs the command line {@code args} and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line {@code args}, printing to {@code out} and {@code err}.
   *
   * @return the exit status: 0 success, 1 failure (printed on {@code err}), 2 bad usage
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    StatusRequest request = StatusRequest.TABLE;
    Path socket = null;
    for (String arg : args) {
      StatusRequest option = switch (arg) {
        case "--json" -> StatusRequest.STATUS;
        case "--metrics" -> StatusRequest.METRICS;
        case "--ready" -> StatusRequest.READY;
        case "--live" -> StatusRequest.LIVE;
        default -> null;
      };
      if (arg.equals("-h") || arg.equals("--help")) {
        out.println(USAGE);
        return 0;
      } else if (option != null && request == StatusRequest.TABLE) {
        request = option;
      } else if (option == null && !arg.startsWith("-") && socket == null) {
        socket = Path.of(arg);
      } else {
        err.println("tether-status: unexpected argument '" + arg + "'");
        err.println(USAGE);
        return 2;
      }
    }
    if (socket == null) {
      err.println("tether-status: no SOCKET given");
      err.println(USAGE);
      return 2;
    }
    String answer;
    try {
      answer = request(socket, request.word(), TIMEOUT);
    } catch (IOException e) {
      err.println("tether-status: cannot reach the status socket " + socket + ": " + e);
      return 1;
    }
    if (answer.startsWith(StatusRequest.ERROR)) {
      err.print("tether-status: " + socket + ": " + answer);
      return 1;
    }
    out.print(answer);
    out.flush();
    return 0;
  }

  /**
   * Sends {@code request} (one of the words {@link StatusServer} knows) to the server at
   * {@code socket} and returns its whole answer; an answer starting {@code "error: "} is a
   * failure the server reported.
   *
   * @throws IOException if the socket cannot be reached, closes before answering, or the answer
   *     does not end within {@code timeout} (a {@link SocketTimeoutException})
   */
  public static String request(Path socket, String request, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      try {
        channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.US_ASCII)));
      } catch (IOException e) {
        // a server that refuses us may close before our request is written: its line is queued
      }
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("no complete answer within "
              + timeout.toMillis() + " ms (" + answer.size() + " bytes so far)");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        int n;
        try {
          n = channel.read(buffer.clear());
        } catch (IOException e) { // a reset after the answer: a refusal closes with unread data
          if (answer.size() == 0) {
            throw e;
          }
          n = -1;
        }
        if (n < 0) {
          break;
        }
        answer.write(buffer.array(), 0, n);
      }
    }
    if (answer.size() == 0) {
      throw new EOFException("the server closed without answering");
    }
    return answer.toString(StandardCharsets.UTF_8);
  }
}
