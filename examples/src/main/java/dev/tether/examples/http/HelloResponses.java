package dev.tether.examples.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The hello responses as ready bytes, rebuilt once a second for their Date field (RFC 9110 6.6.1:
 * a server with a clock sends one). Immutable; {@link #current()} is safe from any thread.
 */
final class HelloResponses {
  static final byte[] BODY = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  // IMF-fixdate; RFC_1123_DATE_TIME would print one-digit days without the leading zero.
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  // Rebuilt by whichever thread first sees a new second; a race builds the same bytes twice.
  private static volatile HelloResponses current = new HelloResponses(epochSecond());

  private final long second;
  private final String date;
  /** For HTTP/1.1 keep-alive: no Connection field needed. */
  final byte[] keepAlive;
  /** For HTTP/1.0 keep-alive, which must be announced. */
  final byte[] keepAlive10;
  final byte[] close;

  private HelloResponses(long second) {
    this.second = second;
    this.date = DATE.format(Instant.ofEpochSecond(second));
    this.keepAlive = ok(null);
    this.keepAlive10 = ok("keep-alive");
    this.close = ok("close");
  }

  /** The responses of this second. */
  static HelloResponses current() {
    HelloResponses r = current;
    long now = epochSecond();
    if (r.second != now) {
      r = new HelloResponses(now);
      current = r;
    }
    return r;
  }

  /** The 200 for a request answered with {@code keepAlive} from an HTTP/1.0 client or not. */
  byte[] ok(boolean keepAlive, boolean http10) {
    return !keepAlive ? close : http10 ? keepAlive10 : this.keepAlive;
  }

  /** The answer to a rejected request: its status, the detail as body, and Connection: close. */
  byte[] rejection(Rejection why, String detail) {
    byte[] body = (why.status + " " + why.reason + ": " + detail + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    return concat(head(why.status + " " + why.reason, body.length, "close"), body);
  }

  private byte[] ok(String connection) {
    return concat(head("200 OK", BODY.length, connection), BODY);
  }

  private byte[] head(String status, int contentLength, String connection) {
    return ("HTTP/1.1 " + status + "\r\n"
        + "Date: " + date + "\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: " + contentLength + "\r\n"
        + (connection == null ? "" : "Connection: " + connection + "\r\n")
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static long epochSecond() {
    return System.currentTimeMillis() / 1000;
  }
}
