package dev.tether.reactor.protocols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads HTTP/1.x responses from bytes arriving in any chunking: the head (up to {@code
 * maxHeaderBytes}, CRLF line ends only), then a body framed by Content-Length, by strict chunked
 * coding (hex size, optional extensions, CRLF after each chunk's data, trailer fields), by the
 * request (HEAD) or status (1xx, 204, 304), or else by the end of the stream. Interim 1xx
 * responses are skipped. Not thread-safe; one response at a time.
 */
final class HttpResponseParser {
  private enum State { HEAD, BODY_LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_EOF }

  private static final int MAX_CHUNK_LINE = 1024;

  private final int maxHeaderBytes;
  private final long maxBodyBytes;
  private State state = State.HEAD;
  private boolean headRequest;
  private byte[] line = new byte[256];
  private int lineLength;
  private int headBytes;
  private String version;
  private int status;
  private String reason;
  private final List<Map.Entry<String, String>> headers = new ArrayList<>();
  private byte[] body = new byte[0];
  private int bodyLength;
  private long left; // of the Content-Length or of the current chunk

  HttpResponseParser(int maxHeaderBytes, long maxBodyBytes) {
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Starts on the response to a new request; {@code head}: it was a HEAD request. */
  void expect(boolean head) {
    headRequest = head;
    state = State.HEAD;
    lineLength = 0;
    headBytes = 0;
    headers.clear();
    body = new byte[0];
    bodyLength = 0;
  }

  /** True once any byte of the current response was read. */
  boolean started() {
    return state != State.HEAD || headBytes > 0;
  }

  /** True if the body runs until the end of the stream. */
  boolean untilEof() {
    return state == State.UNTIL_EOF;
  }

  /**
   * Consumes bytes of the current response from {@code data}, leaving any after it; returns the
   * response once complete, else null.
   *
   * @throws HttpResponseException if the response is malformed or past a limit
   */
  HttpResponse parse(ByteBuffer data) {
    while (data.hasRemaining()) {
      switch (state) {
        case HEAD:
          if (readLine(data, maxHeaderBytes, "response head")) {
            if (headLine()) {
              HttpResponse done = startBody();
              if (done != null) {
                return done;
              }
            }
          }
          break;
        case BODY_LENGTH:
          left -= copy(data, left);
          if (left == 0) {
            return response();
          }
          break;
        case CHUNK_SIZE:
          if (readLine(data, MAX_CHUNK_LINE, "chunk size line")) {
            left = chunkSize();
            lineLength = 0;
            if (left == 0) {
              headBytes = 0;
              state = State.TRAILERS;
            } else {
              reserve(left);
              state = State.CHUNK_DATA;
            }
          }
          break;
        case CHUNK_DATA:
          left -= copy(data, left);
          if (left == 0) {
            state = State.CHUNK_END;
          }
          break;
        case CHUNK_END:
          if (readLine(data, 2, "end of chunk data")) {
            if (lineLength != 0) {
              throw new HttpResponseException("chunk data longer than its size");
            }
            state = State.CHUNK_SIZE;
          }
          break;
        case TRAILERS:
          if (readLine(data, maxHeaderBytes, "trailer section")) {
            if (lineLength == 0) {
              return response();
            }
            headers.add(field(text()));
            lineLength = 0;
          }
          break;
        case UNTIL_EOF:
          copy(data, Long.MAX_VALUE);
          break;
        default:
          throw new AssertionError(state);
      }
    }
    return null;
  }

  /**
   * At the end of the stream: the response if its body ran until the end, else null (the
   * response is incomplete, or none was started).
   */
  HttpResponse endOfStream() {
    return state == State.UNTIL_EOF ? response() : null;
  }

  /** Adds one byte at a time to {@code line} until CRLF; true with the line (sans CRLF) ready. */
  private boolean readLine(ByteBuffer data, int limit, String what) {
    while (data.hasRemaining()) {
      byte b = data.get();
      if (state == State.HEAD || state == State.TRAILERS) {
        if (++headBytes > limit) {
          throw new HttpResponseException(what + " exceeds " + limit + " bytes");
        }
      } else if (lineLength + 1 > limit) {
        throw new HttpResponseException(what + " exceeds " + limit + " bytes");
      }
      if (lineLength > 0 && line[lineLength - 1] == '\r') {
        if (b != '\n') {
          throw new HttpResponseException("bare CR in " + what);
        }
        lineLength--;
        return true;
      }
      if (b == '\n') {
        throw new HttpResponseException("bare LF in " + what);
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private String text() {
    return new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
  }

  /** Handles one complete line of the head; true at the empty line that ends it. */
  private boolean headLine() {
    String text = text();
    lineLength = 0;
    if (version == null || status == 0) {
      statusLine(text);
      return false;
    }
    if (text.isEmpty()) {
      if (status >= 100 && status < 200 && status != 101) {
        version = null; // an interim response: the real one follows
        status = 0;
        headers.clear();
        headBytes = 0;
        return false;
      }
      return true;
    }
    headers.add(field(text));
    return false;
  }

  private void statusLine(String text) {
    if (!text.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
      throw new HttpResponseException("malformed status line: \"" + shorten(text) + "\"");
    }
    version = text.substring(0, 8);
    status = Integer.parseInt(text.substring(9, 12));
    reason = text.length() > 13 ? text.substring(13) : "";
  }

  private static Map.Entry<String, String> field(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || !text.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new HttpResponseException("malformed header field: \"" + shorten(text) + "\"");
    }
    return new AbstractMap.SimpleImmutableEntry<>(text.substring(0, colon),
        text.substring(colon + 1).strip());
  }

  private HttpResponse startBody() {
    String transferEncoding = headerValue("transfer-encoding");
    String contentLength = headerValue("content-length");
    if (headRequest || status == 204 || status == 304 || status < 200) {
      return response();
    }
    if (transferEncoding != null) {
      if (contentLength != null) {
        throw new HttpResponseException("both Transfer-Encoding and Content-Length");
      }
      if (!transferEncoding.equalsIgnoreCase("chunked")) {
        throw new HttpResponseException(
            "unsupported Transfer-Encoding: \"" + shorten(transferEncoding) + "\"");
      }
      state = State.CHUNK_SIZE;
      return null;
    }
    if (contentLength != null) {
      if (!contentLength.matches("[0-9]{1,18}")) {
        throw new HttpResponseException(
            "malformed Content-Length: \"" + shorten(contentLength) + "\"");
      }
      left = Long.parseLong(contentLength);
      if (left > maxBodyBytes) {
        throw new HttpResponseException(
            "Content-Length " + left + " exceeds the body limit of " + maxBodyBytes + " bytes");
      }
      if (left == 0) {
        return response();
      }
      body = new byte[(int) left];
      state = State.BODY_LENGTH;
      return null;
    }
    state = State.UNTIL_EOF;
    return null;
  }

  /** The value of the header named {@code lowerName}; several must agree. */
  private String headerValue(String lowerName) {
    String value = null;
    for (Map.Entry<String, String> field : headers) {
      if (field.getKey().equalsIgnoreCase(lowerName)) {
        if (value != null && !value.equals(field.getValue())) {
          throw new HttpResponseException("conflicting " + field.getKey() + " fields: \""
              + shorten(value) + "\" and \"" + shorten(field.getValue()) + "\"");
        }
        value = field.getValue();
      }
    }
    return value;
  }

  private long chunkSize() {
    String text = text();
    int end = 0;
    while (end < text.length() && Character.digit(text.charAt(end), 16) >= 0) {
      end++;
    }
    String rest = text.substring(end).stripLeading();
    if (end == 0 || end > 15 || !(rest.isEmpty() || rest.startsWith(";"))
        || (!rest.isEmpty() && text.charAt(end) != ';' && text.charAt(end) != ' '
            && text.charAt(end) != '\t')) {
      throw new HttpResponseException("malformed chunk size line: \"" + shorten(text) + "\"");
    }
    long size = Long.parseLong(text.substring(0, end), 16);
    if (size > maxBodyBytes - bodyLength) {
      throw new HttpResponseException("chunked body exceeds the body limit of " + maxBodyBytes
          + " bytes (" + bodyLength + " read, next chunk " + size + ")");
    }
    return size;
  }

  private void reserve(long more) {
    if (bodyLength + more > body.length) {
      // doubling, but never past the limit (the callers checked bodyLength + more against it)
      body = Arrays.copyOf(body,
          (int) Math.min(maxBodyBytes, Math.max(bodyLength + more, body.length * 2L)));
    }
  }

  /** Copies up to {@code max} bytes of {@code data} into the body; returns how many. */
  private int copy(ByteBuffer data, long max) {
    int n = (int) Math.min(data.remaining(), max);
    if (state == State.UNTIL_EOF) {
      if (n > maxBodyBytes - bodyLength) {
        throw new HttpResponseException(
            "body exceeds the body limit of " + maxBodyBytes + " bytes");
      }
      reserve(n);
    }
    data.get(body, bodyLength, n);
    bodyLength += n;
    return n;
  }

  private HttpResponse response() {
    byte[] whole = bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
    HttpResponse response = new HttpResponse(version, status, reason, headers, whole);
    version = null;
    status = 0;
    expect(headRequest);
    state = State.HEAD;
    return response;
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
