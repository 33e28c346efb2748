package dev.tether.reactor.protocols;

import static dev.tether.reactor.protocols.Chunkings.assertEveryChunking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.reactor.ReactorRunner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LineProtocol and LineAndText, fed in every chunking. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LineProtocolAndLineAndTextTest {
  @AutoClose
  private static final ReactorRunner runner = new ReactorRunner();

  static final class Lines extends LineProtocol implements Chunkings.Fed {
    final List<String> events = new ArrayList<>();

    Lines(int max) {
      super(max);
    }

    @Override
    public List<String> events() {
      return events;
    }

    @Override
    protected void receiveLine(String line) {
      events.add(line);
    }
  }

  /** "BLOCK n" collects n bytes whole; "STREAM" streams until a block "LINES" ends it. */
  static final class Text extends LineAndText implements Chunkings.Fed {
    final List<String> events = new ArrayList<>();

    Text() {
      super(8, 6);
    }

    @Override
    public List<String> events() {
      return events;
    }

    @Override
    protected void receiveLine(String line) {
      events.add("line:" + line);
      if (line.startsWith("BLOCK ")) {
        setBinaryMode(Integer.parseInt(line.substring(6)));
      } else if (line.equals("STREAM")) {
        setBinaryMode();
      }
    }

    @Override
    protected void receiveBinaryData(ByteBuffer data) {
      String text = StandardCharsets.UTF_8.decode(data).toString();
      events.add("block:" + text);
    }
  }

  @Test
  void lineProtocolSplitsAtNewlineOrCrLfAndClosesPastTheLimit() {
    byte[] input = "a\r\nbb\n\nccc\r\r\nd".getBytes(StandardCharsets.UTF_8);
    assertEveryChunking(runner, () -> new Lines(4), input, List.of("a", "bb", "", "ccc\r"));
    byte[] tooLong = "abcd\r\nabcde\r\nf\n".getBytes(StandardCharsets.UTF_8);
    assertEveryChunking(runner, () -> new Lines(4), tooLong,
        List.of("abcd", "closed: line longer than 4 bytes"));
  }

  @Test
  void lineAndTextDeliversASizedBlockWholeThenLinesAgain() {
    byte[] input = "BLOCK 6\r\nab\ncdeBLOCK 1\nxend\n".getBytes(StandardCharsets.UTF_8);
    assertEveryChunking(runner, Text::new, input, List.of(
        "line:BLOCK 6", "block:ab\ncde", "line:BLOCK 1", "block:x", "line:end"));
  }

  @Test
  void aBlockOverTheMaximumIsRefusedWithTheRange() {
    IllegalArgumentException e = runner.call(() -> {
      int[] pair = dev.tether.unix.internal.Sockets.pair();
      Text t = runner.reactor.attach(pair[0], new Text());
      try {
        return assertThrows(IllegalArgumentException.class, () -> t.setBinaryMode(7));
      } finally {
        t.closeConnection();
        dev.tether.unix.internal.Io.close(pair[1]);
      }
    });
    assertEquals("size : 7 (expected: 1..6)", e.getMessage());
  }
}
