package dev.tether.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An incremental HTTP/1.x request parser (RFC 9112) that keeps only what a hello server needs:
 * the version, whether the method is HEAD, the Host, Content-Length, Connection, Expect and
 * Transfer-Encoding fields. It reads bytes as they come, in any chunking down to one byte at a
 * time, copies nothing and allocates nothing unless it rejects a request. Request bodies are
 * skipped. No I/O; not thread-safe (one per connection).
 *
 * <p>Limits: a request head (request line, fields, blank line; empty lines before it count) of
 * more than {@value #MAX_HEAD_BYTES} bytes is rejected with 431, a body of more than {@value
 * #MAX_BODY_BYTES} bytes with 413. Also rejected: a malformed request line or field (400), an
 * HTTP/1.1 request without exactly one Host (400), more than one Content-Length (400), a major
 * version other than 1 (505), and any Transfer-Encoding (501: chunked bodies are not handled,
 * so their length is unknown and the connection cannot go on). After a rejection the parser stays
 * rejected: the connection must answer and close, since it cannot tell where the next request
 * starts.
 */
final class HttpRequestParser {
  static final int MAX_HEAD_BYTES = 8192;
  static final long MAX_BODY_BYTES = 1 << 20;

  /** What {@link #parse} found. */
  enum Outcome {
    /** Every byte given was consumed and the request is not complete yet. */
    INCOMPLETE,
    /** The head asks for "100 Continue" before its body is sent; parse on for the body. */
    CONTINUE_EXPECTED,
    /** A request is complete (body skipped); bytes after it stay in the buffer. */
    REQUEST,
    /** The request is refused: see {@link #rejection()} and {@link #rejectionDetail()}. */
    REJECTED
  }

  private enum State {
    START, METHOD, TARGET, VERSION, FIELD_START, NAME, VALUE, LF, BODY, DONE, FAILED
  }

  /** The fields that matter here, by lower-case name. */
  private enum Field {
    OTHER(""), HOST("host"), CONTENT_LENGTH("content-length"), CONNECTION("connection"),
    EXPECT("expect"), TRANSFER_ENCODING("transfer-encoding");

    final byte[] name;

    Field(String name) {
      this.name = ascii(name);
    }
  }

  private static final Field[] FIELDS = Field.values();

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] HEAD = ascii("HEAD");
  private static final byte[] HTTP_SLASH = ascii("HTTP/");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[] CONTINUE = ascii("100-continue");
  /** tchar of RFC 9110 5.6.2, the bytes of a method or a field name. */
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private State state = State.START;
  private State afterLf;
  private int headBytes;
  private int methodLength;
  private boolean headSoFar;
  private int targetLength;
  private int versionPosition;
  private int minorVersion;
  // Lower-cased field name, or the current token of a Connection or Expect value; longer ones
  // cannot be a name or token we look for, so only their length counts.
  private final byte[] word = new byte[17];
  private int wordLength;
  private Field field;
  private boolean valueStarted;
  private boolean digitsEnded;
  private int hostFields;
  private int contentLengthFields;
  private long contentLength;
  private boolean transferEncoding;
  private boolean closeToken;
  private boolean keepAliveToken;
  private boolean expectContinue;
  private long bodyRemaining;
  private Rejection rejection;
  private String rejectionDetail;

  /**
   * Consumes bytes of {@code in} up to the end of the current request, of the current head (for
   * {@link Outcome#CONTINUE_EXPECTED}), of the rejected byte, or of {@code in}. The call after one
   * that returned {@link Outcome#REQUEST} starts the next request.
   */
  /** Whether no byte of a next request has come: between requests (or before the first). */
  boolean betweenRequests() {
    return state == State.DONE || (state == State.START && headBytes == 0);
  }

  Outcome parse(ByteBuffer in) {
    if (state == State.FAILED) {
      return Outcome.REJECTED;
    }
    if (state == State.DONE) {
      reset();
    }
    while (in.hasRemaining()) {
      if (state == State.BODY) {
        int n = (int) Math.min(in.remaining(), bodyRemaining);
        in.position(in.position() + n);
        bodyRemaining -= n;
        if (bodyRemaining > 0) {
          return Outcome.INCOMPLETE;
        }
        state = State.DONE;
        return Outcome.REQUEST;
      }
      if (++headBytes > MAX_HEAD_BYTES) {
        return reject(Rejection.HEAD_TOO_LARGE,
            "request head exceeds " + MAX_HEAD_BYTES + " bytes");
      }
      Outcome o = step(in.get());
      if (o != null) {
        return o;
      }
    }
    return Outcome.INCOMPLETE;
  }

  /** Whether the connection may stay open after the answer to the last request. */
  boolean keepAlive() {
    return !closeToken && (minorVersion > 0 || keepAliveToken);
  }

  /** Whether the last request was HTTP/1.0 (whose keep-alive must be announced). */
  boolean http10() {
    return minorVersion == 0;
  }

  /** Whether the last request's method was HEAD (answered without a body). */
  boolean isHead() {
    return headSoFar && methodLength == HEAD.length;
  }

  /** The reason of the rejection, or null. */
  Rejection rejection() {
    return rejection;
  }

  /** What was wrong, naming the value and the limit, or null. */
  String rejectionDetail() {
    return rejectionDetail;
  }

  /** Feeds one head byte; returns null to go on. */
  private Outcome step(byte b) {
    switch (state) {
      case START: // RFC 9112 2.2: empty lines before a request line are ignored
        if (b == CR) {
          expectLf(State.START);
        } else if (b != LF) {
          if (!tchar(b)) {
            return reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b) + " in method");
          }
          state = State.METHOD;
          method(b);
        }
        return null;
      case LF:
        if (b != LF) {
          return reject(Rejection.BAD_REQUEST, "CR followed by " + hex(b) + " (expected: LF)");
        }
        return lineEnded(afterLf);
      case METHOD:
        if (b == ' ') {
          state = State.TARGET;
        } else if (tchar(b)) {
          method(b);
        } else {
          return reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b) + " in method");
        }
        return null;
      case TARGET:
        if (b == ' ' && targetLength > 0) {
          state = State.VERSION;
        } else if (b > ' ' && b < 0x7f) {
          targetLength++;
        } else {
          return reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b) + " in request target");
        }
        return null;
      case VERSION:
        return version(b);
      case FIELD_START:
        if (b == CR) {
          expectLf(State.DONE);
          return null;
        }
        if (b == LF) {
          return lineEnded(State.DONE);
        }
        if (!tchar(b)) {
          return reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b)
              + " at start of header field" + (b == ' ' || b == '\t' ? " (obsolete folding)" : ""));
        }
        state = State.NAME;
        wordLength = 0;
        word(b);
        return null;
      case NAME:
        if (b == ':') {
          return nameEnded();
        }
        if (!tchar(b)) {
          return reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b) + " in header name");
        }
        word(b);
        return null;
      case VALUE:
        return value(b);
      default:
        throw new IllegalStateException("state : " + state + " (expected: a head state)");
    }
  }

  private Outcome version(byte b) {
    int p = versionPosition++;
    boolean ok;
    if (p < HTTP_SLASH.length) {
      ok = b == HTTP_SLASH[p];
    } else if (p == 5) { // major
      if (b >= '0' && b <= '9' && b != '1') {
        return reject(Rejection.VERSION_NOT_SUPPORTED,
            "HTTP major version " + (char) b + " (expected: 1)");
      }
      ok = b == '1';
    } else if (p == 6) {
      ok = b == '.';
    } else if (p == 7) {
      ok = b >= '0' && b <= '9';
      minorVersion = b - '0';
    } else if (b == CR) {
      expectLf(State.FIELD_START);
      return null;
    } else {
      return b == LF ? lineEnded(State.FIELD_START)
          : reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b) + " after HTTP version");
    }
    return ok ? null : reject(Rejection.BAD_REQUEST,
        "invalid byte " + hex(b) + " in HTTP version (expected: HTTP/1.x)");
  }

  private Outcome nameEnded() {
    field = Field.OTHER;
    for (Field f : FIELDS) {
      if (wordIs(f.name)) {
        field = f;
      }
    }
    if (field == Field.HOST && ++hostFields > 1) {
      return reject(Rejection.BAD_REQUEST, "more than one Host header");
    }
    if (field == Field.CONTENT_LENGTH && ++contentLengthFields > 1) {
      return reject(Rejection.BAD_REQUEST, "more than one Content-Length header");
    }
    transferEncoding |= field == Field.TRANSFER_ENCODING;
    state = State.VALUE;
    valueStarted = false;
    digitsEnded = false;
    wordLength = 0;
    return null;
  }

  private Outcome value(byte b) {
    if (b == CR || b == LF) {
      Outcome o = valueEnded();
      if (o != null) {
        return o;
      }
      if (b == CR) {
        expectLf(State.FIELD_START);
        return null;
      }
      return lineEnded(State.FIELD_START);
    }
    boolean space = b == ' ' || b == '\t';
    if (!space && (b >= 0 && b < ' ' || b == 0x7f)) {
      return reject(Rejection.BAD_REQUEST, "invalid byte " + hex(b) + " in header value");
    }
    if (space && !valueStarted) {
      return null; // leading whitespace
    }
    valueStarted = true;
    switch (field) {
      case CONTENT_LENGTH:
        if (space) {
          digitsEnded = true;
        } else if (digitsEnded || b < '0' || b > '9') {
          return reject(Rejection.BAD_REQUEST, "invalid Content-Length (expected: digits)");
        } else {
          // Saturates just above the limit: the value is refused anyway, never overflows.
          contentLength = Math.min(contentLength * 10 + (b - '0'), MAX_BODY_BYTES + 1);
        }
        return null;
      case CONNECTION:
      case EXPECT:
        if (space || b == ',') {
          tokenEnded();
        } else {
          word(b);
        }
        return null;
      default:
        return null;
    }
  }

  private Outcome valueEnded() {
    if (field == Field.CONTENT_LENGTH && !valueStarted) {
      return reject(Rejection.BAD_REQUEST, "empty Content-Length");
    }
    tokenEnded();
    return null;
  }

  private void tokenEnded() {
    if (field == Field.CONNECTION) {
      closeToken |= wordIs(CLOSE);
      keepAliveToken |= wordIs(KEEP_ALIVE);
    } else if (field == Field.EXPECT) {
      expectContinue |= wordIs(CONTINUE);
    }
    wordLength = 0;
  }

  /** A line ended (its LF seen); goes to {@code next}, or judges the head if it is complete. */
  private Outcome lineEnded(State next) {
    if (next != State.DONE) {
      state = next;
      return null;
    }
    if (minorVersion > 0 && hostFields == 0) {
      return reject(Rejection.BAD_REQUEST, "missing Host header (required in HTTP/1.1)");
    }
    if (transferEncoding) {
      return reject(Rejection.NOT_IMPLEMENTED,
          "Transfer-Encoding is not supported (expected: Content-Length)");
    }
    if (contentLength > MAX_BODY_BYTES) {
      return reject(Rejection.CONTENT_TOO_LARGE, "Content-Length exceeds " + MAX_BODY_BYTES);
    }
    if (contentLength == 0) {
      state = State.DONE;
      return Outcome.REQUEST;
    }
    bodyRemaining = contentLength;
    state = State.BODY;
    return expectContinue && minorVersion > 0 ? Outcome.CONTINUE_EXPECTED : null;
  }

  private void expectLf(State next) {
    afterLf = next;
    state = State.LF;
  }

  private void method(byte b) {
    headSoFar = (methodLength == 0 || headSoFar) && methodLength < HEAD.length
        && b == HEAD[methodLength];
    methodLength++;
  }

  private void word(byte b) {
    if (wordLength < word.length) {
      word[wordLength] = (byte) (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
    wordLength++;
  }

  private boolean wordIs(byte[] lowerCase) {
    if (wordLength != lowerCase.length) {
      return false;
    }
    for (int i = 0; i < wordLength; i++) {
      if (word[i] != lowerCase[i]) {
        return false;
      }
    }
    return true;
  }

  private Outcome reject(Rejection why, String detail) {
    state = State.FAILED;
    rejection = why;
    rejectionDetail = detail;
    return Outcome.REJECTED;
  }

  private void reset() {
    state = State.START;
    headBytes = 0;
    methodLength = 0;
    headSoFar = false;
    targetLength = 0;
    versionPosition = 0;
    minorVersion = 0;
    hostFields = 0;
    contentLengthFields = 0;
    contentLength = 0;
    transferEncoding = false;
    closeToken = false;
    keepAliveToken = false;
    expectContinue = false;
  }

  private static boolean tchar(byte b) {
    return b >= 0 && TCHAR[b];
  }

  private static String hex(byte b) {
    return String.format("0x%02x", b & 0xff);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
