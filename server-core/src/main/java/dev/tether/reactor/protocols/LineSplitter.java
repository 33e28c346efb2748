package dev.tether.reactor.protocols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The one incremental line splitter of this package: takes bytes from a buffer until a line is
 * complete, and holds the unfinished line (at most the maximum line length plus the delimiter)
 * between calls. It never reads past the delimiter of the line it returns, so the caller may
 * switch to binary data right after any line. The delimiter is found with a KMP automaton, so a
 * delimiter that overlaps itself ("\r\n\r\n") and one split across reads are both found; the
 * scan allocates nothing per byte, only the line's String when {@link #line()} asks for it.
 *
 * <p>By default the maximum counts the line's text only and an over-long line is reported as soon
 * as it passes the maximum; {@link #wholeLines} gives SMTP's policy instead (RFC 5321 counts the
 * CRLF, and the reply to an over-long command must wait for its line end).
 */
final class LineSplitter {
  /** {@link #poll} result: the input is used up without a complete line. */
  static final int NEED_MORE = 0;
  /** {@link #poll} result: {@link #line()} holds the next line. */
  static final int LINE = 1;
  /** {@link #poll} result: a line passed the maximum length; it is discarded to its delimiter. */
  static final int TOO_LONG = 2;

  private static final int INITIAL_CAPACITY = 256;

  private final int maxLineLength;
  private final boolean wholeLine;
  private byte[] delimiter;
  private int[] failure;
  private boolean stripCr;
  private byte[] buffer = new byte[INITIAL_CAPACITY];
  private int length;
  private int matched;
  private boolean discarding;
  private int lineLength;
  private int lineEnd;
  private String line;

  LineSplitter(int maxLineLength) {
    this(maxLineLength, false);
  }

  /**
   * A splitter at LF (a CR before it is stripped from {@link #line()}) whose maximum counts the
   * line end too, and which reports an over-long line once, at its line end, after dropping its
   * bytes: the SMTP policy.
   */
  static LineSplitter wholeLines(int maxWithLineEnd) {
    return new LineSplitter(maxWithLineEnd, true);
  }

  private LineSplitter(int maxLineLength, boolean wholeLine) {
    this.maxLineLength = Checks.positive("maxLineLength", maxLineLength);
    this.wholeLine = wholeLine;
    setDelimiter(new byte[] {'\n'});
  }

  int maxLineLength() {
    return maxLineLength;
  }

  /**
   * Sets the delimiter; with exactly "\n" a '\r' before it is stripped too (Ruby's chomp, as
   * EventMachine does). A partial match of the old delimiter is forgotten.
   */
  void setDelimiter(byte[] newDelimiter) {
    Objects.requireNonNull(newDelimiter, "delimiter");
    if (newDelimiter.length == 0) {
      throw new IllegalArgumentException("delimiter : empty (expected: at least one byte)");
    }
    delimiter = newDelimiter.clone();
    stripCr = delimiter.length == 1 && delimiter[0] == '\n';
    failure = failureTable(delimiter);
    matched = 0;
  }

  /** Drops the unfinished line (and a discard in progress). */
  void reset() {
    length = 0;
    matched = 0;
    discarding = false;
  }

  /** The bytes of the unfinished line held now. */
  int buffered() {
    return length;
  }

  /**
   * The line of the last {@link #LINE} result, without its delimiter; call it before the next
   * {@link #poll}.
   */
  String line() {
    if (line == null) {
      line = new String(buffer, 0, lineLength, StandardCharsets.UTF_8);
    }
    return line;
  }

  /**
   * The bytes of the last {@link #LINE} result, its delimiter included, from index 0 to
   * {@link #lineEnd()}; the splitter's own buffer, valid until the next {@link #poll}.
   */
  byte[] bytes() {
    return buffer;
  }

  /** The length of the last {@link #LINE} result with its delimiter. */
  int lineEnd() {
    return lineEnd;
  }

  /**
   * Takes bytes from {@code in} (advancing its position) up to and including the next delimiter,
   * or all of them if none comes.
   */
  int poll(ByteBuffer in) {
    int start = in.position();
    int end = in.limit();
    int slack = stripCr ? 1 : 0;
    for (int i = start; i < end; ) {
      matched = step(matched, in.get(i++));
      if (matched == delimiter.length) {
        matched = 0;
        if (discarding) {
          discarding = false;
          if (wholeLine) {
            in.position(i);
            return TOO_LONG;
          }
          start = i;
          continue;
        }
        append(in, start, i);
        in.position(i);
        lineEnd = length;
        lineLength = length - delimiter.length;
        if (stripCr && lineLength > 0 && buffer[lineLength - 1] == '\r') {
          lineLength--;
        }
        length = 0;
        if ((wholeLine ? lineEnd : lineLength) > maxLineLength) {
          return TOO_LONG;
        }
        line = null;
        return LINE;
      }
      if (!discarding && (wholeLine ? length + (i - start) > maxLineLength
          : length + (i - start) - matched > maxLineLength + slack)) {
        // No delimiter can end this line within the limit any more.
        discarding = true;
        length = 0;
        if (!wholeLine) {
          in.position(i);
          return TOO_LONG;
        }
        start = i;
      }
    }
    if (!discarding) {
      append(in, start, end);
    }
    in.position(end);
    return NEED_MORE;
  }

  private void append(ByteBuffer in, int from, int to) {
    int n = to - from;
    if (length + n > buffer.length) {
      int cap = maxLineLength + delimiter.length + 1;
      buffer = java.util.Arrays.copyOf(buffer,
          Math.min(cap, Math.max(length + n, buffer.length * 2)));
    }
    in.get(from, buffer, length, n);
    length += n;
  }

  private int step(int state, byte b) {
    int s = state;
    while (s > 0 && delimiter[s] != b) {
      s = failure[s - 1];
    }
    return delimiter[s] == b ? s + 1 : 0;
  }

  private static int[] failureTable(byte[] pattern) {
    int[] table = new int[pattern.length];
    int k = 0;
    for (int i = 1; i < pattern.length; i++) {
      while (k > 0 && pattern[i] != pattern[k]) {
        k = table[k - 1];
      }
      if (pattern[i] == pattern[k]) {
        k++;
      }
      table[i] = k;
    }
    return table;
  }
}
