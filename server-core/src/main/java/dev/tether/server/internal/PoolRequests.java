package dev.tether.server.internal;

import dev.tether.channel.ReservedNameException;
import dev.tether.channel.internal.Fds;
import dev.tether.channel.internal.FrameWriter;
import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.server.DeferredReply;
import dev.tether.server.WorkerChannel;
import dev.tether.unix.internal.Io;
import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of its pool's requests and heartbeats ({@link PoolProtocol}). While the handler
 * of a request runs, the first message it writes with {@code write} is the request's reply and
 * goes out tagged with its id; a handler that answers later takes a {@link DeferredReply}; one that
 * does neither is answered {@code ["error", "no reply", name]}, so no request waits forever. A
 * heartbeat is answered at once with the worker's load.
 *
 * <p>Reactor thread only (handlers and their replies run there). Owns no fd.
 */
public final class PoolRequests {
  private final FrameWriter writer;
  private String replyTo; // the request whose reply the next message written is, or null
  private long inFlight; // requests received and not answered yet
  private long served; // requests answered
  private LoopLag lag; // started by the first heartbeat once the reactor runs
  private final HeapAfterGc heapAfterGc = new HeapAfterGc();

  public PoolRequests(FrameWriter writer) {
    this.writer = writer;
  }

  /** Writes {@code message}: as the reply of the request whose handler runs, if it has none. */
  public void write(List<String> message) {
    String id = replyTo;
    if (id == null) {
      writer.writeMessage(message);
      return;
    }
    replyTo = null;
    try {
      answer(id, message);
    } catch (RuntimeException e) {
      replyTo = id; // refused: the handler's failure reply answers instead
      throw e;
    }
  }

  /**
   * The reply of the request whose handler runs, to be sent later; a plain message outside a
   * pool's request.
   */
  public DeferredReply deferReply() {
    String id = replyTo;
    replyTo = null;
    return new Later(id);
  }

  /** Handles {@code [id, name, args...]}: a request, dispatched as message {@code [name, args]}. */
  public void call(List<String> args, Dispatcher dispatcher, WorkerChannel client) {
    if (args.size() < 2) {
      throw new IllegalArgumentException("pool request : " + args
          + " (expected: an id, a name and arguments)");
    }
    String id = args.get(0);
    List<String> request = args.subList(1, args.size());
    inFlight++;
    replyTo = id;
    try {
      if (!dispatcher.dispatchUnlessPayload(request, List.of(), client)) {
        write(List.of(Dispatcher.ERROR, PoolProtocol.TAKES_PAYLOAD, request.get(0)));
      }
    } finally {
      if (replyTo == id) {
        replyTo = null;
        answer(id, List.of(Dispatcher.ERROR, PoolProtocol.NO_REPLY, request.get(0)));
      }
    }
  }

  /**
   * Answers heartbeat {@code [seq]}; {@code loaded} is the worker's reactor once loaded, else
   * null. Lag and connections count from when the reactor runs this (the start-up answers 0).
   */
  public void beat(List<String> args, Reactor loaded) {
    Reactor reactor = loaded != null && loaded.inReactorThread() ? loaded : null;
    if (lag == null && reactor != null) {
      lag = LoopLag.start(reactor);
    }
    Runtime rt = Runtime.getRuntime();
    writer.writeTetherMessage(List.of(PoolProtocol.BEAT, args.isEmpty() ? "" : args.get(0),
        Long.toString(lag == null ? 0 : lag.takeWorstMicros()), Long.toString(inFlight),
        Integer.toString(reactor == null ? 0 : Math.max(0, reactor.connectionCount() - 1)),
        Long.toString(rt.totalMemory() - rt.freeMemory()), Long.toString(served),
        Long.toString(reactor == null ? -1 : heapAfterGc.bytes(reactor))));
  }

  /**
   * Serves connection {@code [id]} handed over with {@code fds}: each fd becomes a connection of
   * {@code reactor} from {@code factory}, which owns it from then on; then the pool hears that
   * it may close its copy. Without a factory, or if attaching fails, the fd is closed and the
   * failure logged: the client sees its connection close, and the pool is acknowledged all the
   * same (another worker would fail alike).
   */
  public void handedOver(List<String> args, List<FileDescriptor> fds, Reactor reactor,
      Supplier<? extends Connection> factory) {
    ByteBuffer alreadyRead = ByteBuffer.wrap(args.size() > 1
        ? Base64.getDecoder().decode(args.get(1)) : new byte[0]);
    try {
      for (FileDescriptor fd : fds) {
        if (factory == null) {
          Fds.close(fd);
          log().error("a connection was handed to this worker, but its server serves none"
              + " (expected: serveConnections(factory) in its constructor); closed");
          continue;
        }
        try {
          // Owns the fd from here, also if this fails.
          reactor.attach(Fds.number(fd), factory.get(), alreadyRead);
        } catch (RuntimeException e) {
          log().error("a connection handed to this worker could not be served; closed", e);
        }
      }
    } finally {
      writer.writeTetherMessage(List.of(PoolProtocol.ACK, args.isEmpty() ? "" : args.get(0)));
    }
  }

  /**
   * Hands {@code connection} back to the pool, with {@code unhandled} (bytes it read and did not
   * handle), for another worker to serve: the connection leaves this worker's reactor and its fd
   * goes to the pool. The client keeps its connection.
   *
   * @throws IllegalArgumentException if {@code unhandled} exceeds
   *     {@value PoolProtocol#MAX_HANDED_BACK_BYTES} bytes (nothing is done)
   * @throws IllegalStateException if the connection cannot leave its reactor (data queued to
   *     write, not open: see {@link Connection#detach()}); nothing is done
   */
  public void handBack(Connection connection, ByteBuffer unhandled) {
    if (unhandled.remaining() > PoolProtocol.MAX_HANDED_BACK_BYTES) {
      throw new IllegalArgumentException("unhandled : " + unhandled.remaining() + " bytes"
          + " (expected: <= " + PoolProtocol.MAX_HANDED_BACK_BYTES + ")");
    }
    byte[] bytes = new byte[unhandled.remaining()];
    unhandled.get(bytes);
    int fd = connection.detach();
    try {
      writer.writeTetherMessage(List.of(PoolProtocol.BACK,
          Base64.getEncoder().encodeToString(bytes)), Fds.wrap(fd));
    } finally {
      Io.close(fd); // the channel sent it, or queued a duplicate of its own
    }
  }

  private static Logger log() {
    return LoggerFactory.getLogger(PoolRequests.class);
  }

  private void answer(String id, List<String> message) {
    String name = message.isEmpty() ? null : message.get(0);
    if (name != null && !name.isEmpty() && name.charAt(0) == '\u0001') {
      throw new ReservedNameException("reply name \"" + name.replace('\u0001', '?')
          + "\" (expected: not starting with U+0001, reserved for Tether)");
    }
    writer.writeTetherMessage(PoolProtocol.tagged(PoolProtocol.REPLY, id, message));
    inFlight--;
    served++;
  }

  /** A reply sent later: tagged with its request's id, or plain outside a pool's request. */
  private final class Later implements DeferredReply {
    private final String id; // null: not a pool's request
    private boolean sent;

    Later(String id) {
      this.id = id;
    }

    @Override
    public void send(List<String> reply) {
      if (sent) {
        throw new IllegalStateException("reply to request " + id + " already sent");
      }
      if (id == null) {
        writer.writeMessage(reply);
      } else {
        answer(id, reply);
      }
      sent = true;
    }
  }
}
