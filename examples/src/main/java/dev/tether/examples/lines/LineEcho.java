package dev.tether.examples.lines;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import dev.tether.reactor.protocols.LineText2;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code LineEcho PORT MAX_LINE_LENGTH}: a TCP server on 127.0.0.1:PORT, served by one reactor
 * thread (the main thread), that sends each line ("\n" or "\r\n") back followed by "\n", until
 * SIGTERM or SIGINT. A line longer than MAX_LINE_LENGTH bytes gets {@code ERR line too long} and
 * the connection is closed once that is written; lines before it were echoed. PORT 0 picks a free
 * port; the address is printed as {@code line echo listening on 127.0.0.1:PORT}. A bad argument
 * exits with status 2 and a usage line.
 */
public final class LineEcho {
  private static final byte[] TOO_LONG =
      "ERR line too long\n".getBytes(StandardCharsets.US_ASCII);

  /** One client: lines in, the same lines out. */
  static final class Echo extends LineText2 {
    Echo(int maxLineLength) {
      super(maxLineLength);
    }

    @Override
    protected void receiveLine(String line) {
      sendData((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void lineTooLong() {
      sendData(TOO_LONG);
      closeConnectionAfterWriting();
    }
  }

  private LineEcho() {}

  public static void main(String[] args) {
    int port;
    int maxLineLength;
    try {
      if (args.length != 2) {
        throw new IllegalArgumentException("expected two arguments, got " + args.length);
      }
      port = ReactorMain.port(args[0]);
      maxLineLength = Integer.parseInt(args[1]);
      if (maxLineLength <= 0) {
        throw new IllegalArgumentException(
            "maxLineLength : " + maxLineLength + " (expected: > 0)");
      }
    } catch (IllegalArgumentException e) {
      ReactorMain.exitWithUsage(
          "LineEcho PORT (0..65535; 0 picks a free port) MAX_LINE_LENGTH (bytes, > 0)", e);
      return;
    }
    Reactor reactor = new Reactor("line-echo");
    ReactorMain.runUntilSignalled(reactor, () -> {
      Server server = reactor.startServer("127.0.0.1", port, () -> new Echo(maxLineLength));
      int actual = ((InetSocketAddress) server.localAddress()).getPort();
      System.out.println("line echo listening on 127.0.0.1:" + actual);
      System.out.flush();
    });
  }
}
