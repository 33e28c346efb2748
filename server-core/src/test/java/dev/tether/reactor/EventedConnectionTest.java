package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The EventEmitter-style API: listeners on connections and on servers, over real sockets. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventedConnectionTest {
  private static String text(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  @Test
  void aServersAcceptListenersWireEachConnectionBeforeItsData() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> r.setErrorHandler((e, callback) -> errors.add(callback + ": "
          + e.getMessage())));
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0)
          .onAccept(c -> events.add("accept 1"))
          .on("accept", c -> {
            throw new IllegalStateException("second accept listener failed");
          })
          .onAccept(c -> {
            events.add("accept 3");
            c.onData(data -> events.add("data A " + text(data)))
                .on("data", (Consumer<ByteBuffer>) data -> c.sendData(data)) // echo
                .onData(data -> {
                  throw new IllegalStateException("data listener failed");
                })
                .onData(data -> events.add("data D " + text(data)))
                .onClose(reason -> events.add("close " + reason));
          }));
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        OutputStream out = client.getOutputStream();
        out.write("hello".getBytes(StandardCharsets.US_ASCII));
        InputStream in = client.getInputStream();
        assertEquals("hello", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
        ReactorRunner.waitFor("data D", () -> events.contains("data D hello"));
      }
      ReactorRunner.waitFor("close", () -> events.contains("close null"));
      assertEquals(List.of("accept 1", "accept 3", "data A hello", "data D hello", "close null"),
          events);
      assertEquals(2, errors.size(), errors.toString());
      assertTrue(errors.get(0).endsWith(".postInit: second accept listener failed"), errors.get(0));
      assertTrue(errors.get(1).endsWith(".receiveData: data listener failed"), errors.get(1));
    }
  }

  @Test
  void aClientGetsConnectDrainAndCloseAndOffRemovesAListener() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    byte[] big = new byte[4 << 20];
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Consumer<ByteBuffer> removed = data -> events.add("removed listener ran");
      EventedConnection client = new EventedConnection() // listeners before binding: any thread
          .onConnect(c -> {
            events.add("connect");
            c.sendData(ByteBuffer.wrap(big)); // more than the socket takes at once
          })
          .onDrain(c -> {
            events.add("drain");
            c.closeConnectionAfterWriting();
          })
          .onData(removed)
          .onClose(reason -> events.add("close " + reason));
      client.off("data", removed);
      assertEquals(0, client.listenerCount("data"));
      runner.run(() -> runner.reactor.connect("127.0.0.1", peer.getLocalPort(), client));
      try (Socket accepted = peer.accept()) {
        assertEquals(big.length, accepted.getInputStream().readAllBytes().length);
      }
      ReactorRunner.waitFor("close", () -> events.contains("close null"));
      assertEquals(List.of("connect", "drain", "close null"), events);
    }
  }

  @Test
  void thePeersFinIsAnEndAndItsResetAnErrorEachFollowedByClose() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      for (boolean reset : new boolean[] {false, true}) {
        List<String> events = new CopyOnWriteArrayList<>();
        EventedConnection client = new EventedConnection()
            .onConnect(c -> events.add("connect"))
            .onEnd(c -> events.add("end"))
            .onError(e -> events.add("error " + e.getMessage()))
            .onClose(reason -> events.add("close " + (reason == null ? null : "with the error")));
        runner.run(() -> runner.reactor.connect("127.0.0.1", peer.getLocalPort(), client));
        try (Socket accepted = peer.accept()) {
          // Connected first: a reset during the connect is a failed connect, not an error.
          ReactorRunner.waitFor("connect", () -> events.contains("connect"));
          if (reset) {
            accepted.setSoLinger(true, 0); // the close sends a RST
          }
        }
        ReactorRunner.waitFor("close", () -> events.stream().anyMatch(e -> e.startsWith("close")));
        if (reset) {
          assertEquals(3, events.size(), events.toString());
          assertTrue(events.get(1).startsWith("error ") && events.get(1).contains("error(104)"),
              events.toString());
          assertEquals("close with the error", events.get(2));
        } else {
          assertEquals(List.of("connect", "end", "close null"), events);
        }
      }
    }
  }

  @Test
  void misuseIsRefusedWithTheExpectedValues() {
    EventedConnection c = new EventedConnection();
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> c.on("finish", x -> {}));
    assertEquals("event : finish (expected: one of connect, data, drain, end, error, close)",
        unknown.getMessage());
    assertThrows(NullPointerException.class, () -> c.onData(null));
    try (ReactorRunner runner = new ReactorRunner()) {
      Server classic = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, Echo::new));
      IllegalStateException noEvents = assertThrows(IllegalStateException.class,
          () -> runner.run(() -> classic.onAccept(x -> {})));
      assertTrue(noEvents.getMessage().contains("without a connection factory"),
          noEvents.getMessage());
      Server evented = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0));
      IllegalArgumentException notAccept = assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> evented.on("data", x -> {})));
      assertEquals("event : data (expected: accept)", notAccept.getMessage());
      assertThrows(ReactorException.class, () -> evented.onAccept(x -> {})); // not loop thread
    }
  }
}
