package dev.tether.reactor.protocols;

import static dev.tether.reactor.protocols.Chunkings.assertEveryChunking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ObjectProtocol fed in every chunking, its limits, and a real peer using protobuf-java's own
 * writeDelimitedTo / parseDelimitedFrom over a JDK socket.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ObjectProtocolTest {
  @AutoClose
  private static final ReactorRunner runner = new ReactorRunner();

  static final class Objects extends ObjectProtocol<StringValue> implements Chunkings.Fed {
    final List<String> events = new ArrayList<>();

    Objects(int max) {
      super(StringValue.parser(), max);
    }

    @Override
    public List<String> events() {
      return events;
    }

    @Override
    protected void receiveObject(StringValue message) {
      assertTrue(runner.reactor.inReactorThread());
      events.add("obj:" + message.getValue());
    }

    @Override
    protected void protocolError(ProtocolViolationException error) {
      String m = error.getMessage();
      int cut = m.indexOf("parse:");
      events.add("error:" + (cut < 0 ? m : m.substring(0, cut + 5)));
      super.protocolError(error);
    }
  }

  private static byte[] frames(String... values) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String v : values) {
      StringValue.of(v).writeDelimitedTo(out);
    }
    return out.toByteArray();
  }

  @Test
  void messagesOfEverySizeInEveryChunking() throws IOException {
    String big = "x".repeat(200); // a two-byte length prefix
    assertEveryChunking(runner, () -> new Objects(1000), frames("a", "", big, "é"),
        List.of("obj:a", "obj:", "obj:" + big, "obj:é"));
  }

  @Test
  void oversizedLongPrefixedAndMalformedMessagesCloseWithAReason() throws IOException {
    byte[] ok = frames("abc");
    byte[] over = frames("x".repeat(99)); // 2 + 99 bytes of message: 101 > 100
    byte[] input = new byte[ok.length + over.length];
    System.arraycopy(ok, 0, input, 0, ok.length);
    System.arraycopy(over, 0, input, ok.length, over.length);
    assertEveryChunking(runner, () -> new Objects(100), input, List.of("obj:abc",
        "error:message length 101 exceeds 100", "closed: message length 101 exceeds 100"));
    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};
    assertEveryChunking(runner, () -> new Objects(100), sixBytes, List.of(
        "error:length prefix longer than 5 bytes", "closed: length prefix longer than 5 bytes"));
    byte[] bit31 = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    assertEveryChunking(runner, () -> new Objects(100), bit31, List.of(
        "error:message length above 2147483647 exceeds 100",
        "closed: message length above 2147483647 exceeds 100"));
    byte[] truncatedField = {2, 0x0a, 0x05}; // field 1 says 5 bytes, the message has none
    List<String> events = runner.call(() -> {
      int[] pair = dev.tether.unix.internal.Sockets.pair();
      Objects o = runner.reactor.attach(pair[0], new Objects(100));
      o.receiveData(ByteBuffer.wrap(truncatedField));
      List<String> seen = List.of(String.valueOf(o.events()), String.valueOf(o.isOpen()));
      dev.tether.unix.internal.Io.close(pair[1]);
      return seen;
    });
    assertEquals(List.of("[error:message of 2 bytes does not parse]", "false"), events);
  }

  @Test
  void sendingMoreThanTheMaximumIsRefused() {
    IllegalArgumentException e = runner.call(() -> {
      int[] pair = dev.tether.unix.internal.Sockets.pair();
      Objects o = runner.reactor.attach(pair[0], new Objects(10));
      try {
        return assertThrows(IllegalArgumentException.class,
            () -> o.sendObject(StringValue.of("x".repeat(9))));
      } finally {
        o.closeConnection();
        dev.tether.unix.internal.Io.close(pair[1]);
      }
    });
    assertEquals("message of 11 bytes exceeds 10 (com.google.protobuf.StringValue)",
        e.getMessage());
  }

  /** Sends each message back in upper case. */
  static final class Upper extends ObjectProtocol<StringValue> {
    Upper() {
      super(StringValue.parser());
    }

    @Override
    protected void receiveObject(StringValue message) {
      sendObject(StringValue.of(message.getValue().toUpperCase(Locale.ROOT)));
    }
  }

  @Test
  void protobufJavasOwnDelimitedStreamsArePeers() throws Exception {
    Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, Upper::new));
    try (Socket client = new Socket()) {
      client.connect(server.localAddress());
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        sent.add(i == 25 ? "y".repeat(300_000) : i % 10 == 0 ? "" : "message " + i);
      }
      Thread writer = new Thread(() -> {
        try {
          for (String s : sent) {
            StringValue.of(s).writeDelimitedTo(out);
          }
          out.flush();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, "protobuf-writer");
      writer.start();
      for (String s : sent) {
        StringValue reply = StringValue.parseDelimitedFrom(in);
        assertEquals(s.toUpperCase(Locale.ROOT), reply.getValue(), "reply to " + s.length());
      }
      writer.join(10_000);
    } finally {
      runner.run(() -> runner.reactor.stopServer(server));
    }
  }
}
