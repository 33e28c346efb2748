package dev.tether.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.examples.http.HttpRequestParser.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser under every way bytes can arrive: all at once, one byte at a time (the chunking most
 * likely to find a state that does not survive a split) and random splits of fixed seeds.
 * Each test reads the outcomes as a connection would: "200" (keep-alive, HTTP/1.1), "200 1.0"
 * (keep-alive, HTTP/1.0), "200 close", a " HEAD" suffix, "100" for CONTINUE_EXPECTED, and the
 * status and detail of a rejection.
 */
class HttpRequestParserTest {
  private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

  /** A name and the chunk sizes to cut the input into, repeated. */
  record Chunking(String name, int[] sizes, boolean direct) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> chunkings() {
    List<Arguments> all = new ArrayList<>();
    all.add(Arguments.of(new Chunking("whole", new int[] {Integer.MAX_VALUE}, false)));
    all.add(Arguments.of(new Chunking("one byte at a time", new int[] {1}, true)));
    for (int seed = 1; seed <= 4; seed++) {
      Random r = new Random(seed);
      int[] sizes = r.ints(64, 1, 40).toArray();
      all.add(Arguments.of(new Chunking("random splits, seed " + seed, sizes, seed % 2 == 0)));
    }
    return all.stream();
  }

  /** Feeds {@code input} in {@code chunking}, as a connection does, and lists the outcomes. */
  static List<String> parse(String input, Chunking chunking) {
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    HttpRequestParser parser = new HttpRequestParser();
    List<String> outcomes = new ArrayList<>();
    int capacity = Math.min(bytes.length, Arrays.stream(chunking.sizes()).max().getAsInt());
    ByteBuffer chunk = chunking.direct() ? ByteBuffer.allocateDirect(capacity)
        : ByteBuffer.allocate(capacity);
    int at = 0;
    for (int i = 0; at < bytes.length; i++) {
      int n = Math.min(chunking.sizes()[i % chunking.sizes().length], bytes.length - at);
      chunk.clear().put(bytes, at, n).flip();
      at += n;
      while (chunk.hasRemaining()) {
        Outcome o = parser.parse(chunk);
        if (o == Outcome.CONTINUE_EXPECTED) {
          outcomes.add("100");
        } else if (o == Outcome.REQUEST) {
          outcomes.add("200" + (!parser.keepAlive() ? " close" : parser.http10() ? " 1.0" : "")
              + (parser.isHead() ? " HEAD" : ""));
          if (!parser.keepAlive()) {
            return outcomes; // a connection reads no further
          }
        } else if (o == Outcome.REJECTED) {
          outcomes.add(parser.rejection().status + " " + parser.rejectionDetail());
          return outcomes;
        }
      }
    }
    return outcomes;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void answersPipelinedRequestsInOrderAndStopsAtClose(Chunking c) {
    String input = "\r\n" + GET
        + "POST /submit?x=1 HTTP/1.1\r\nHOST: a\r\ncontent-length: 27\r\n\r\n"
        + "GET / HTTP/1.1\r\nHost: b\r\n\r\n" // a body that looks like a request
        + "HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE\r\n\r\n"
        + GET;
    assertEquals(List.of("200", "200", "200 close HEAD"), parse(input, c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void followsTheKeepAliveRulesOfEachVersion(Chunking c) {
    assertEquals(List.of("200 close"), parse("GET / HTTP/1.0\r\n\r\n", c));
    assertEquals(List.of("200 1.0", "200 close"), parse(
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n", c));
    assertEquals(List.of("200", "200 close"), parse(
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: closed, upgrade\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: a\r\nConnection:\tclose\t\r\n\r\n", c));
    // A later minor version is served as 1.1.
    assertEquals(List.of("200"), parse("GET / HTTP/1.7\r\nHost: a\r\n\r\n", c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void answersExpectContinueBeforeTheBody(Chunking c) {
    assertEquals(List.of("100", "200", "200 close"), parse("PUT / HTTP/1.1\r\nHost: a\r\n"
        + "Expect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc"
        + "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", c));
    // Without a body there is nothing to wait for.
    assertEquals(List.of("200"), parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue"
        + "\r\n\r\n", c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void acceptsBareLfLineEnds(Chunking c) {
    assertEquals(List.of("200", "200"), parse("GET / HTTP/1.1\nHost: a\n\n" + GET, c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void boundsTheHeadAt8KiB(Chunking c) {
    String line = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
    String fits = line + "v".repeat(HttpRequestParser.MAX_HEAD_BYTES - line.length() - 4)
        + "\r\n\r\n";
    assertEquals(HttpRequestParser.MAX_HEAD_BYTES, fits.length());
    assertEquals(List.of("200", "200"), parse(fits + GET, c));
    String over = line + "v".repeat(HttpRequestParser.MAX_HEAD_BYTES - line.length() - 3)
        + "\r\n\r\n";
    assertEquals(List.of("431 request head exceeds 8192 bytes"), parse(over, c));
    assertEquals(List.of("431 request head exceeds 8192 bytes"),
        parse("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n", c));
    assertEquals(List.of("431 request head exceeds 8192 bytes"), parse("\r\n".repeat(5000), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void boundsTheBodyAt1MiB(Chunking c) {
    String head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ";
    assertEquals(List.of("200", "200"),
        parse(head + (1 << 20) + "\r\n\r\n" + "b".repeat(1 << 20) + GET, c));
    assertEquals(List.of("413 Content-Length exceeds 1048576"),
        parse(head + ((1 << 20) + 1) + "\r\n\r\n", c));
    assertEquals(List.of("413 Content-Length exceeds 1048576"),
        parse(head + "99999999999999999999999999\r\n\r\n", c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void refusesMalformedRequests(Chunking c) {
    assertEquals(List.of("400 invalid byte 0x40 in method"), parse("G@T / HTTP/1.1\r\n", c));
    assertEquals(List.of("400 invalid byte 0x20 in request target"),
        parse("GET  / HTTP/1.1\r\n", c));
    assertEquals(List.of("400 invalid byte 0x0d in request target"), parse("GET /\r\n\r\n", c));
    assertEquals(List.of("400 invalid byte 0x46 in HTTP version (expected: HTTP/1.x)"),
        parse("GET / FTP/1.1\r\n", c));
    assertEquals(List.of("400 invalid byte 0x78 after HTTP version"),
        parse("GET / HTTP/1.1x\r\n", c));
    assertEquals(List.of("505 HTTP major version 2 (expected: 1)"),
        parse("GET / HTTP/2.0\r\n", c));
    assertEquals(List.of("400 CR followed by 0x47 (expected: LF)"),
        parse("GET / HTTP/1.1\rGET", c));
    assertEquals(List.of("400 invalid byte 0x20 in header name"),
        parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n", c));
    assertEquals(List.of("400 invalid byte 0x20 at start of header field (obsolete folding)"),
        parse("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", c));
    assertEquals(List.of("400 invalid byte 0x00 in header value"),
        parse("GET / HTTP/1.1\r\nHost: a\0\r\n\r\n", c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkings")
  void refusesAmbiguousFraming(Chunking c) {
    assertEquals(List.of("400 missing Host header (required in HTTP/1.1)"),
        parse("GET / HTTP/1.1\r\n\r\n", c));
    assertEquals(List.of("400 more than one Host header"),
        parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", c));
    assertEquals(List.of("400 more than one Content-Length header"),
        parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n", c));
    assertEquals(List.of("400 invalid Content-Length (expected: digits)"),
        parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n", c));
    assertEquals(List.of("400 invalid Content-Length (expected: digits)"),
        parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n", c));
    assertEquals(List.of("400 empty Content-Length"),
        parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n", c));
    assertEquals(List.of("501 Transfer-Encoding is not supported (expected: Content-Length)"),
        parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", c));
  }

  @Test
  void staysRejected() {
    HttpRequestParser parser = new HttpRequestParser();
    assertEquals(Outcome.REJECTED, parser.parse(ascii("BAD\0")));
    ByteBuffer next = ascii(GET);
    assertEquals(Outcome.REJECTED, parser.parse(next));
    assertEquals(0, next.position());
  }

  @Test
  void leavesTheNextRequestInTheBuffer() {
    HttpRequestParser parser = new HttpRequestParser();
    ByteBuffer two = ascii(GET + GET);
    assertEquals(Outcome.REQUEST, parser.parse(two));
    assertEquals(GET.length(), two.position());
    assertEquals(Outcome.REQUEST, parser.parse(two));
    assertEquals(Outcome.INCOMPLETE, parser.parse(ascii("GET")));
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
