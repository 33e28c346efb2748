package dev.tether.reactor.protocols;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests of header lines, a blank line, then a body of Content-Length bytes (EventMachine's
 * {@code EM::Protocols::HeaderAndContent}, built like it on {@link LineText2}): override {@link
 * #receiveRequest}, and {@link #receiveHeaders} or {@link #receiveFirstHeaderLine} to act before
 * the body. Requests follow one another on the connection. Blank lines before a request are
 * skipped; header lines end in "\n" or "\r\n" and are passed as they are (not unfolded, not split
 * at the colon).
 *
 * <p><b>Limits</b> (each a {@link ProtocolViolationException} to {@link #protocolError}, whose
 * default closes the connection with its message as reason): a header line longer than the
 * maximum line length; more header lines than the maximum header count; a Content-Length header
 * whose value is not decimal digits (the name in any case, blanks around the value allowed; so
 * "5 5" or "+5" is refused, never taken for an ordinary header), appears twice, or is
 * larger than the maximum content length. A request without Content-Length has an empty body.
 * The body is collected in one array of exactly its length.
 *
 * <p><b>Threading.</b> As {@link dev.tether.reactor.Connection}: all on the reactor thread.
 */
public abstract class HeaderAndContent extends LineText2 {
  /** The default maximum number of header lines per request: 100. */
  public static final int DEFAULT_MAX_HEADERS = 100;
  /** The default maximum body: 1 MiB. */
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024;

  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("content-length[ \\t]*:[ \\t]*(.*?)[ \\t]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

  private final int maxHeaders;
  private final int maxContentLength;
  private List<String> headers = new ArrayList<>();
  private int contentLength = -1;
  private byte[] content;
  private int contentFilled;

  /** With the default limits (16 KiB lines, 100 headers, 1 MiB body). */
  protected HeaderAndContent() {
    this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_HEADERS, DEFAULT_MAX_CONTENT_LENGTH);
  }

  /**
   * @throws IllegalArgumentException if a limit is not positive (maxContentLength may be 0)
   */
  protected HeaderAndContent(int maxLineLength, int maxHeaders, int maxContentLength) {
    super(maxLineLength);
    this.maxHeaders = Checks.positive("maxHeaders", maxHeaders);
    this.maxContentLength = Checks.atLeast("maxContentLength", maxContentLength, 0);
  }

  /** Called with the first header line of each request (a request line, say). */
  protected void receiveFirstHeaderLine(String line) {}

  /** Called with a request's header lines (an unmodifiable list) once the blank line came. */
  protected void receiveHeaders(List<String> headers) {}

  /**
   * Called with each whole request: its header lines (the same unmodifiable list) and its body
   * (yours to keep; empty without Content-Length).
   */
  protected abstract void receiveRequest(List<String> headers, byte[] content);

  /**
   * Called when the peer breaks the protocol or a limit; the request in progress is dropped. The
   * default closes the connection at once with the exception's message as reason. An override
   * that keeps it open gets the next line as the start of a new request (the rest of the refused
   * one is not skipped), which suits only a peer that is known to resynchronize.
   */
  protected void protocolError(ProtocolViolationException error) {
    closeConnection(error.getMessage());
  }

  @Override
  protected final void receiveLine(String line) {
    if (line.isEmpty()) {
      if (!headers.isEmpty()) {
        endOfHeaders();
      }
      return;
    }
    if (headers.size() == maxHeaders) {
      fail(new ProtocolViolationException(
          "more than " + maxHeaders + " header lines in a request"));
      return;
    }
    Matcher m = CONTENT_LENGTH.matcher(line);
    if (m.matches()) {
      String value = m.group(1);
      if (contentLength >= 0) {
        fail(new ProtocolViolationException("Content-Length repeated: " + line));
        return;
      }
      if (!DIGITS.matcher(value).matches()) {
        fail(new ProtocolViolationException(
            "Content-Length : '" + value + "' (expected: decimal digits)"));
        return;
      }
      long length = Long.parseLong(value);
      if (length > maxContentLength) {
        fail(new ProtocolViolationException(
            "Content-Length " + length + " exceeds " + maxContentLength));
        return;
      }
      contentLength = (int) length;
    }
    headers.add(line);
    if (headers.size() == 1) {
      receiveFirstHeaderLine(line);
    }
  }

  private void endOfHeaders() {
    List<String> done = List.copyOf(headers);
    headers = done;
    receiveHeaders(done);
    if (contentLength > 0) {
      content = new byte[contentLength];
      contentFilled = 0;
      setBinaryMode(contentLength);
    } else {
      dispatch(new byte[0]);
    }
  }

  @Override
  protected final void receiveBinaryData(ByteBuffer data) {
    int n = data.remaining();
    data.get(content, contentFilled, n);
    contentFilled += n;
  }

  @Override
  protected final void receiveEndOfBinaryData() {
    byte[] body = content;
    content = null;
    dispatch(body);
  }

  @Override
  protected final void lineTooLong() {
    fail(new ProtocolViolationException(
        "header line longer than " + maxLineLength() + " bytes"));
  }

  private void dispatch(byte[] body) {
    List<String> done = headers;
    reset();
    receiveRequest(done, body);
  }

  private void fail(ProtocolViolationException error) {
    reset();
    protocolError(error);
  }

  private void reset() {
    headers = new ArrayList<>();
    contentLength = -1;
    content = null;
  }
}
