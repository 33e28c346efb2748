package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's reply reader in every chunking, and the replies it refuses. */
class SmtpReplyReaderTest {
  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 5, 1000})
  void multiLineRepliesInEveryChunking(int chunk) {
    List<SmtpReply> replies = read("220 mx ready\r\n250-mx\r\n250-SIZE 100\r\n250 8BITMIME\r\n"
        + "354\r\n550 5.1.1 no\r\n", chunk, 1000, 10);
    assertEquals(List.of(new SmtpReply(220, List.of("mx ready")),
        new SmtpReply(250, List.of("mx", "SIZE 100", "8BITMIME")),
        new SmtpReply(354, List.of("")), new SmtpReply(550, List.of("5.1.1 no"))), replies);
  }

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 7})
  void badRepliesFailWithWhatWasWrong(int chunk) {
    assertEquals("unreadable reply line: 25x ok",
        assertThrows(SmtpException.class, () -> read("25x ok\r\n", chunk, 1000, 10))
            .getMessage());
    assertEquals("unreadable reply line: 251 other code",
        assertThrows(SmtpException.class,
            () -> read("250-first\r\n251 other code\r\n", chunk, 1000, 10)).getMessage());
    assertEquals("reply line longer than 600 bytes",
        assertThrows(SmtpException.class,
            () -> read("250 " + "x".repeat(700) + "\r\n", chunk, 600, 10)).getMessage());
    assertEquals("reply longer than 2 lines",
        assertThrows(SmtpException.class,
            () -> read("250-a\r\n250-b\r\n250 c\r\n", chunk, 1000, 2)).getMessage());
  }

  private static List<SmtpReply> read(String text, int chunk, int maxLine, int maxLines) {
    SmtpReplyReader reader = new SmtpReplyReader(maxLine, maxLines);
    List<SmtpReply> replies = new ArrayList<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunk) {
      ByteBuffer b = ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i));
      for (SmtpReply r = reader.next(b); r != null; r = reader.next(b)) {
        replies.add(r);
      }
    }
    return replies;
  }
}
