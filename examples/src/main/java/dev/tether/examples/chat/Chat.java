package dev.tether.examples.chat;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import dev.tether.reactor.protocols.LineText2;
import dev.tether.reactor.toolkit.Channel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code Chat PORT}: EventMachine's classic chat server on 127.0.0.1:PORT, one reactor thread.
 * Each client's lines (at most 1024 bytes) go to every other client as {@code <id>: line},
 * through a {@link Channel}; a client that joins or leaves is announced the same way. A client
 * that does not keep up is dropped when its queue passes the high watermark, so a slow reader
 * cannot hold the others' messages in memory. PORT 0 picks a free port; the address is printed
 * as {@code chat listening on 127.0.0.1:PORT}. Runs until SIGTERM or SIGINT; a bad argument exits
 * with status 2 and a usage line.
 */
public final class Chat {
  private static final int MAX_LINE = 1024;

  /** One client: its lines to the channel, the channel's lines (but its own) to it. */
  static final class Member extends LineText2 {
    private final Channel<String[]> room;
    private int subscription = -1;

    Member(Channel<String[]> room) {
      super(MAX_LINE);
      this.room = room;
    }

    private String id() {
      return Integer.toString(((InetSocketAddress) peerAddress()).getPort());
    }

    @Override
    protected void postInit() {
      String me = id();
      subscription = room.subscribe(message -> {
        if (!message[0].equals(me) && isOpen()) {
          if (!isWritable()) {
            closeConnection("too slow a reader"); // never hold a backlog for it
            return;
          }
          sendData((message[0] + ": " + message[1] + "\n").getBytes(StandardCharsets.UTF_8));
        }
      });
      room.push(new String[] {me, "joined"});
    }

    @Override
    protected void receiveLine(String line) {
      room.push(new String[] {id(), line});
    }

    @Override
    protected void unbind() {
      room.unsubscribe(subscription);
      room.push(new String[] {Integer.toString(
          ((InetSocketAddress) peerAddress()).getPort()), "left"});
    }
  }

  private Chat() {}

  public static void main(String[] args) {
    int port = ReactorMain.onlyArgumentPort("Chat", args);
    Reactor reactor = new Reactor("chat");
    ReactorMain.runUntilSignalled(reactor, () -> {
      Channel<String[]> room = new Channel<>(reactor);
      Server server = reactor.startServer("127.0.0.1", port, () -> new Member(room));
      int actual = ((InetSocketAddress) server.localAddress()).getPort();
      System.out.println("chat listening on 127.0.0.1:" + actual);
      System.out.flush();
    });
  }
}
