package dev.tether.it;

import dev.tether.reactor.Connection;
import dev.tether.server.AbstractServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A worker that serves connections a pool hands it: every chunk of input comes back prefixed
 * with the worker's pid and a space, so a client can tell which worker served it. Also answers
 * message {@code ping} [pong, pid].
 */
public class PoolEchoServer extends AbstractServer {
  public PoolEchoServer() {
    serveConnections(Echo::new);
    defineMessageHandler("ping",
        a -> client().write("pong", Long.toString(ProcessHandle.current().pid())));
  }

  /** Echoes with the pid in front. */
  static final class Echo extends Connection {
    private static final byte[] PID = (ProcessHandle.current().pid() + " ")
        .getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void receiveData(ByteBuffer data) {
      sendData(PID);
      sendData(data);
    }
  }
}
