package dev.tether.reactor.protocols;

import static dev.tether.reactor.protocols.Chunkings.assertEveryChunking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LineText2 fed in every chunking: lines, delimiters, binary blocks, the line limit. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LineText2Test {
  @AutoClose
  private static final ReactorRunner runner = new ReactorRunner();

  /**
   * Records lines and binary data; a line "BIN n" switches to n bytes of binary, "RAW" to
   * unsized binary, in which "!" switches back and re-feeds the rest with setLineMode(data).
   */
  static class Recorder extends LineText2 implements Chunkings.Fed {
    final List<String> events = new ArrayList<>();
    private final StringBuilder binary = new StringBuilder();
    private boolean raw;

    Recorder() {}

    Recorder(int maxLineLength) {
      super(maxLineLength);
    }

    @Override
    public List<String> events() {
      flushBinary();
      return events;
    }

    @Override
    protected void receiveLine(String line) {
      flushBinary();
      events.add("line:" + line);
      if (line.startsWith("BIN ")) {
        setBinaryMode(Long.parseLong(line.substring(4)));
      } else if (line.equals("RAW")) {
        raw = true;
        setBinaryMode();
      } else if (line.startsWith("DELIM ")) {
        setDelimiter(line.substring(6));
      }
    }

    @Override
    protected void receiveBinaryData(ByteBuffer data) {
      assertTrue(runner.reactor.inReactorThread());
      while (data.hasRemaining()) {
        byte b = data.get();
        if (b == '!' && raw) {
          raw = false;
          flushBinary();
          setLineMode(data); // the rest of this read is lines again
          return;
        }
        binary.append((char) b);
      }
    }

    @Override
    protected void receiveEndOfBinaryData() {
      flushBinary();
      events.add("end");
    }

    private void flushBinary() {
      if (binary.length() > 0) {
        events.add("bin:" + binary);
        binary.setLength(0);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void linesEndInNewlineAndACarriageReturnBeforeItIsStripped() {
    assertEveryChunking(runner, Recorder::new, bytes("one\ntwo\r\n\n\r\nfünf €\nx\ry\nrest"),
        List.of("line:one", "line:two", "line:", "line:", "line:fünf €", "line:x\ry"));
  }

  @Test
  void anotherDelimiterIsStrippedAloneAndFoundWhereItOverlapsItself() {
    assertEveryChunking(runner, () -> {
      Recorder r = new Recorder();
      r.setDelimiter("aab");
      return r;
    }, bytes("xaaab\r\naabaaaabDELIM ;aab1\r;2;"),
        List.of("line:xa", "line:\r\n", "line:aa", "line:DELIM ;", "line:1\r", "line:2"));
  }

  @Test
  void sizedBinaryBlocksChainAndLinesResumeRightAfter() {
    assertEveryChunking(runner, Recorder::new, bytes("BIN 5\nab\ncdBIN 3\nxyzlast\n"),
        List.of("line:BIN 5", "bin:ab\ncd", "end", "line:BIN 3", "bin:xyz", "end",
            "line:last"));
  }

  @Test
  void unsizedBinaryLastsUntilLineModeWhichReFeedsTheRest() {
    assertEveryChunking(runner, Recorder::new, bytes("RAW\n1\n2!3\nRAW\n!\n4\n"),
        List.of("line:RAW", "bin:1\n2", "line:3", "line:RAW", "line:", "line:4"));
  }

  @Test
  void aLineOfTheMaximumPassesAndOneMoreByteClosesWithAReason() {
    assertEveryChunking(runner, () -> new Recorder(4), bytes("1234\n1234\r\n12345\nnever\n"),
        List.of("line:1234", "line:1234", "closed: line longer than 4 bytes"));
    assertEveryChunking(runner, () -> new Recorder(4), bytes("ok\n123456789"),
        List.of("line:ok", "closed: line longer than 4 bytes"));
  }

  @Test
  void anOverrideThatStaysOpenGetsTheLinesAfterTheLongOne() {
    class Tolerant extends Recorder {
      Tolerant() {
        super(3);
      }

      @Override
      protected void lineTooLong() {
        events.add("too long");
      }
    }
    assertEveryChunking(runner, Tolerant::new, bytes("abc\nabcdefgh\r\nxyz\nabcd\nq\n"),
        List.of("line:abc", "too long", "line:xyz", "too long", "line:q"));
  }

  @Test
  void settingsAreForTheReactorThreadOnly() {
    Recorder r = new Recorder();
    r.setDelimiter("\r\n"); // unbound: allowed, as in a constructor
    int[] pair = dev.tether.unix.internal.Sockets.pair();
    try {
      runner.run(() -> runner.reactor.attach(pair[0], r));
      assertThrows(ReactorException.class, () -> r.setDelimiter("x"));
      assertThrows(ReactorException.class, () -> r.setBinaryMode(3));
      IllegalArgumentException e = runner.call(() -> assertThrows(
          IllegalArgumentException.class, () -> r.setBinaryMode(0)));
      assertEquals("size : 0 (expected: > 0)", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new Recorder(0));
    } finally {
      runner.run(r::closeConnection);
      dev.tether.unix.internal.Io.close(pair[1]);
    }
  }

  /** Echoes each line, and "+" plus a block's hex for a binary block. */
  static final class SocketEcho extends LineText2 {
    @Override
    protected void receiveLine(String line) {
      if (line.startsWith("BIN ")) {
        setBinaryMode(Long.parseLong(line.substring(4)));
      } else {
        sendData(bytes(line + "\n"));
      }
    }

    @Override
    protected void receiveBinaryData(ByteBuffer data) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      sendData(bytes("+" + HexFormat.of().formatHex(b) + "\n"));
    }
  }

  @Test
  void aRealSocketWrittenOneByteAtATime() throws Exception {
    List<SocketEcho> served = new CopyOnWriteArrayList<>();
    Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, () -> {
      SocketEcho e = new SocketEcho();
      served.add(e);
      return e;
    }));
    try (Socket client = new Socket()) {
      client.setTcpNoDelay(true);
      client.connect(server.localAddress());
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
      input.write(bytes("héllo\r\nBIN 2\n"));
      input.write(new byte[] {1, (byte) 0xff});
      input.write(bytes("world\n"));
      for (byte b : input.toByteArray()) {
        out.write(b);
        out.flush();
      }
      BufferedReader in = new BufferedReader(
          new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("héllo", in.readLine());
      StringBuilder hex = new StringBuilder();
      while (hex.length() < 4) {
        String l = in.readLine();
        assertTrue(l.startsWith("+"), l);
        hex.append(l.substring(1));
      }
      assertEquals("01ff", hex.toString());
      assertEquals("world", in.readLine());
      assertEquals(1, served.size());
    } finally {
      runner.run(() -> runner.reactor.stopServer(server));
    }
    assertTrue(((InetSocketAddress) server.localAddress()).getPort() > 0);
  }
}
