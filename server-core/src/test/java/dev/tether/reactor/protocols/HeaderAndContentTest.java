package dev.tether.reactor.protocols;

import static dev.tether.reactor.protocols.Chunkings.assertEveryChunking;

import dev.tether.reactor.ReactorRunner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HeaderAndContent fed in every chunking: pipelined requests and each limit. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeaderAndContentTest {
  @AutoClose
  private static final ReactorRunner runner = new ReactorRunner();

  static final class Requests extends HeaderAndContent implements Chunkings.Fed {
    final List<String> events = new ArrayList<>();

    Requests() {
      super(40, 3, 10);
    }

    @Override
    public List<String> events() {
      return events;
    }

    @Override
    protected void receiveFirstHeaderLine(String line) {
      events.add("first:" + line);
    }

    @Override
    protected void receiveHeaders(List<String> headers) {
      events.add("headers:" + headers);
    }

    @Override
    protected void receiveRequest(List<String> headers, byte[] content) {
      events.add("request:" + headers.size() + ":"
          + new String(content, StandardCharsets.UTF_8));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void pipelinedRequestsWithAndWithoutBodies() {
    String input = "\r\n\r\nPOST /a\r\ncontent-LENGTH:  5 \r\nX: y\r\n\r\nhello"
        + "GET /b\nHost: h\n\n"
        + "PUT /c\r\nContent-Length: 0\r\n\r\n"
        + "PUT /d\r\nContent-Length: 10\r\n\r\n0123\r\n\r\n89";
    assertEveryChunking(runner, Requests::new, bytes(input), List.of(
        "first:POST /a", "headers:[POST /a, content-LENGTH:  5 , X: y]", "request:3:hello",
        "first:GET /b", "headers:[GET /b, Host: h]", "request:2:",
        "first:PUT /c", "headers:[PUT /c, Content-Length: 0]", "request:2:",
        "first:PUT /d", "headers:[PUT /d, Content-Length: 10]", "request:2:0123\r\n\r\n89"));
  }

  @Test
  void contentLengthIsParsedStrictly() {
    assertEveryChunking(runner, Requests::new, bytes("P\nContent-Length: +5\n\nhello"),
        List.of("first:P", "closed: Content-Length : '+5' (expected: decimal digits)"));
    assertEveryChunking(runner, Requests::new, bytes("P\nContent-Length: 5 5\n\n"),
        List.of("first:P", "closed: Content-Length : '5 5' (expected: decimal digits)"));
    assertEveryChunking(runner, Requests::new, bytes("P\nContent-Length :\n\n"),
        List.of("first:P", "closed: Content-Length : '' (expected: decimal digits)"));
    assertEveryChunking(runner, Requests::new,
        bytes("P\nContent-Length: 1\ncontent-length: 1\n\nx"),
        List.of("first:P", "closed: Content-Length repeated: content-length: 1"));
    assertEveryChunking(runner, Requests::new, bytes("P\nContent-Length: 11\n\n"),
        List.of("first:P", "closed: Content-Length 11 exceeds 10"));
    assertEveryChunking(runner, Requests::new, bytes("P\nContent-Length: 99999999999\n\n"),
        List.of("first:P", "closed: Content-Length : '99999999999' (expected: decimal digits)"));
  }

  @Test
  void headerCountAndHeaderLineLengthAreBounded() {
    assertEveryChunking(runner, Requests::new, bytes("P\nA: 1\nB: 2\nC: 3\n\n"),
        List.of("first:P", "closed: more than 3 header lines in a request"));
    String longLine = "X: " + "x".repeat(38) + "\n\n";
    assertEveryChunking(runner, Requests::new, bytes("P\n" + longLine),
        List.of("first:P", "closed: header line longer than 40 bytes"));
  }
}
