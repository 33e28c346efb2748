package dev.tether.reactor.protocols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts an SMTP byte stream into lines ending in LF (CRLF in practice), each at most a fixed
 * number of bytes including its line end. A longer line is not kept: its bytes up to the LF are
 * dropped and the line is reported as {@link #overlong()}, so memory stays bounded by the limit
 * whatever the peer sends. Only the bytes of the unfinished line are kept between reads.
 */
final class SmtpLines {
  private final byte[] line;
  private int length;
  private boolean overlong;
  private boolean complete;

  SmtpLines(int maxLineLength) {
    line = new byte[maxLineLength];
  }

  /**
   * Consumes {@code in} up to and including the next LF; returns true if that completed a line
   * (then read it with {@link #overlong()}, {@link #length()}, {@link #bytes()}), false if
   * {@code in} ran out first (the partial line is kept for the next call).
   */
  boolean next(ByteBuffer in) {
    if (complete) {
      length = 0;
      overlong = false;
      complete = false;
    }
    while (in.hasRemaining()) {
      byte b = in.get();
      if (length == line.length) {
        overlong = true;
      } else if (!overlong) {
        line[length++] = b;
      }
      if (b == '\n') {
        complete = true;
        return true;
      }
    }
    return false;
  }

  /** Whether the completed line was longer than the limit (its bytes were dropped). */
  boolean overlong() {
    return overlong;
  }

  /** The completed line's bytes, its CRLF or LF included, valid until the next {@link #next}. */
  byte[] bytes() {
    return line;
  }

  /** The completed line's length, its line end included. */
  int length() {
    return length;
  }

  /** The completed line as text without its line end (CRLF or a bare LF). */
  String text() {
    int end = length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
    }
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    return new String(line, 0, end, StandardCharsets.UTF_8);
  }
}
