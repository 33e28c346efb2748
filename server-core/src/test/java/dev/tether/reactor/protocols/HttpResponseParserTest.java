package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The response parser fed every chunking of real-looking responses, and refusing bad ones. */
class HttpResponseParserTest {
  private static final String LENGTH =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "3\r\nabc\r\n" + "A;name=value\r\n0123456789\r\n" + "0\r\nX-Sum: 13\r\n\r\n";
  private static final String INTERIM = "HTTP/1.1 100 Continue\r\n\r\n"
      + "HTTP/1.1 204 No Content\r\nX-B: 2\r\n\r\n";

  /** Parses {@code wire} cut at every pair of positions (one byte at a time included). */
  private static void everySplit(String wire, boolean head, ResponseCheck check) {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int a = 0; a <= bytes.length; a++) {
      for (int b = a; b <= bytes.length; b++) {
        check.accept(feed(bytes, new int[] {a, b}, head));
      }
    }
    int[] single = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      single[i] = i;
    }
    check.accept(feed(bytes, single, head));
  }

  interface ResponseCheck {
    void accept(List<HttpResponse> responses);
  }

  private static List<HttpResponse> feed(byte[] bytes, int[] cuts, boolean head) {
    HttpResponseParser parser = new HttpResponseParser(1024, 1024);
    parser.expect(head);
    List<HttpResponse> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      ByteBuffer piece = ByteBuffer.wrap(bytes, from, to - from);
      while (piece.hasRemaining()) {
        HttpResponse response = parser.parse(piece);
        if (response == null) {
          break;
        }
        out.add(response);
        parser.expect(head);
      }
      assertEquals(0, piece.remaining(), "bytes left unparsed");
      from = to;
    }
    return out;
  }

  @Test
  void contentLengthResponsesInEveryChunking() {
    everySplit(LENGTH + LENGTH, false, responses -> {
      assertEquals(2, responses.size());
      for (HttpResponse r : responses) {
        assertEquals(200, r.status());
        assertEquals("hello", r.bodyText());
        assertEquals("1", r.header("x-a"));
      }
    });
  }

  @Test
  void chunkedResponsesWithExtensionsAndTrailersInEveryChunking() {
    everySplit(CHUNKED + LENGTH, false, responses -> {
      assertEquals(2, responses.size());
      assertEquals("abc0123456789", responses.get(0).bodyText());
      assertEquals("13", responses.get(0).header("X-Sum"));
      assertEquals("hello", responses.get(1).bodyText());
    });
  }

  @Test
  void interimResponsesAreSkippedAndNoContentHasNoBody() {
    everySplit(INTERIM + LENGTH, false, responses -> {
      assertEquals(2, responses.size());
      assertEquals(204, responses.get(0).status());
      assertEquals("2", responses.get(0).header("X-B"));
      assertEquals(0, responses.get(0).body().length);
    });
  }

  @Test
  void headResponsesHaveNoBodyWhateverTheirContentLength() {
    everySplit("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n".repeat(2), true, responses -> {
      assertEquals(2, responses.size());
      assertEquals("99", responses.get(1).header("content-length"));
      assertEquals(0, responses.get(1).body().length);
    });
  }

  @Test
  void aBodyWithoutFramingRunsUntilTheEndOfTheStream() {
    HttpResponseParser parser = new HttpResponseParser(1024, 1024);
    parser.expect(false);
    assertNull(parser.parse(ascii("HTTP/1.0 200 OK\r\n\r\nsome")));
    assertNull(parser.parse(ascii(" bytes")));
    assertTrue(parser.untilEof());
    assertArrayEquals("some bytes".getBytes(StandardCharsets.US_ASCII),
        parser.endOfStream().body());
  }

  @Test
  void malformedResponsesAreRefusedWithTheOffendingBytes() {
    assertRefused("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare LF in response head");
    assertRefused("HTTP/2 200 OK\r\n\r\n", "malformed status line: \"HTTP/2 200 OK\"");
    assertRefused("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "malformed header field");
    assertRefused("HTTP/1.1 200 OK\r\n folded\r\n\r\n", "malformed header field");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "conflicting Content-Length fields");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "both Transfer-Encoding and Content-Length");
    assertRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "unsupported Transfer-Encoding: \"gzip\"");
    String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertRefused(chunked + "x\r\n", "malformed chunk size line: \"x\"");
    assertRefused(chunked + "3x\r\n", "malformed chunk size line: \"3x\"");
    assertRefused(chunked + "2\r\nabc\r\n", "end of chunk data");
    assertRefused(chunked + "1\r\na\n", "bare LF in end of chunk data");
  }

  @Test
  void limitsAreEnforcedWithTheirNumbers() {
    assertRefused("HTTP/1.1 200 OK\r\nX: " + "a".repeat(1100) + "\r\n\r\n",
        "response head exceeds 1024 bytes");
    assertRefused("HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n",
        "Content-Length 1025 exceeds the body limit of 1024 bytes");
    assertRefused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "400\r\n" + "a".repeat(1024) + "\r\n1\r\n", "chunked body exceeds the body limit of "
        + "1024 bytes (1024 read, next chunk 1)");
    assertRefused("HTTP/1.1 200 OK\r\n\r\n" + "a".repeat(1025), "body exceeds the body limit");
  }

  private static void assertRefused(String wire, String expected) {
    HttpResponseParser parser = new HttpResponseParser(1024, 1024);
    parser.expect(false);
    HttpResponseException e = assertThrows(HttpResponseException.class,
        () -> parser.parse(ascii(wire)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
