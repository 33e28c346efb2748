package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A connection whose input is lines, with switches to blocks of raw bytes in between
 * (EventMachine's {@code EM::Protocols::LineText2}). Subclass it and override {@link
 * #receiveLine}, and {@link #receiveBinaryData} / {@link #receiveEndOfBinaryData} if the protocol
 * has binary blocks (an HTTP body, a memcached value).
 *
 * <p><b>Lines.</b> A line ends at the delimiter ({@link #setDelimiter}, default "\n"), which is
 * not part of it. As in EventMachine, with the default delimiter a '\r' just before it is stripped
 * too, so "\r\n" lines arrive without either; with any other delimiter only the delimiter is
 * stripped. Lines are decoded as UTF-8 (malformed bytes become U+FFFD). A line longer than the
 * maximum line length (bytes, without delimiter; default {@link #DEFAULT_MAX_LINE_LENGTH}) is
 * never buffered whole: as soon as it is certain to be too long, {@link #lineTooLong()} is called
 * (default: close the connection with a reason naming the limit); if the connection stays open,
 * the rest of that line up to its delimiter is discarded and the next line is delivered as usual.
 * Bytes of an unfinished line held between reads: at most the maximum plus the delimiter.
 *
 * <p><b>Binary mode.</b> {@link #setBinaryMode(long)} makes the next {@code size} bytes raw data,
 * then line mode returns by itself: they arrive in one or more {@link #receiveBinaryData} calls
 * (as they are read: nothing is buffered, so a block may be of any size), followed by one {@link
 * #receiveEndOfBinaryData()}, which runs after line mode is back, so it may switch to binary again
 * for a chain of blocks. EventMachine instead buffers a sized block and hands it over whole; here
 * a block's memory is the application's choice. {@link #setBinaryMode()} without a size makes
 * every byte raw until {@link #setLineMode()}. Switching inside a callback takes effect from the
 * next byte: no byte is ever read ahead into the wrong mode.
 *
 * <p><b>Threading.</b> As {@link Connection}: every method on the reactor thread, every callback
 * on it. An exception from a callback goes to the reactor's error handler and the bytes of that
 * read after it are dropped (the stream is then out of step: close it if that matters). Once the
 * connection is closed, the rest of a read is not parsed.
 */
public abstract class LineText2 extends Connection {
  /** The default maximum line length: 16 KiB, EventMachine's {@code MaxLineLength}. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024;

  private final LineSplitter lines;
  private boolean binary;
  /** Raw bytes still due in sized binary mode; -1 in unsized binary mode. */
  private long binaryLeft;

  /** With the default maximum line length. */
  protected LineText2() {
    this(DEFAULT_MAX_LINE_LENGTH);
  }

  /**
   * @throws IllegalArgumentException if {@code maxLineLength} is not positive
   */
  protected LineText2(int maxLineLength) {
    lines = new LineSplitter(maxLineLength);
  }

  /** The maximum line length in bytes (without delimiter) given at construction. */
  public final int maxLineLength() {
    return lines.maxLineLength();
  }

  /** Called with each line, without its delimiter. */
  protected void receiveLine(String line) {}

  /**
   * Called with raw bytes in binary mode: a slice of the reactor's read buffer, valid only until
   * you return (copy what you keep).
   */
  protected void receiveBinaryData(ByteBuffer data) {}

  /** Called once the last byte of a sized binary block was delivered, in line mode again. */
  protected void receiveEndOfBinaryData() {}

  /**
   * Called when a line passes {@link #maxLineLength()}. The default closes the connection at once
   * with the reason "line longer than N bytes". An override that keeps the connection open gets
   * the lines after the offending one (whose bytes are discarded up to its delimiter).
   */
  protected void lineTooLong() {
    closeConnection("line longer than " + maxLineLength() + " bytes");
  }

  /** {@link #setDelimiter(byte[])} of {@code delimiter}'s UTF-8 bytes. */
  public final void setDelimiter(String delimiter) {
    Objects.requireNonNull(delimiter, "delimiter");
    setDelimiter(delimiter.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sets the line delimiter (copied) for the lines from the next byte on; a part of the old
   * delimiter already read is forgotten, so set it between lines.
   *
   * @throws IllegalArgumentException if it is empty
   */
  public final void setDelimiter(byte[] delimiter) {
    checkThread();
    lines.setDelimiter(delimiter);
  }

  /**
   * Makes the next {@code size} bytes raw data (EventMachine's {@code set_binary_mode(size)} and
   * {@code set_text_mode(size)}); line mode comes back by itself after them. An unfinished line
   * read before stays held and goes on after the block.
   *
   * @throws IllegalArgumentException if {@code size} is not positive
   */
  public final void setBinaryMode(long size) {
    checkThread();
    if (size <= 0) {
      throw new IllegalArgumentException("size : " + size + " (expected: > 0)");
    }
    binary = true;
    binaryLeft = size;
  }

  /** Makes every byte from now on raw data, until {@link #setLineMode()}. */
  public final void setBinaryMode() {
    checkThread();
    binary = true;
    binaryLeft = -1;
  }

  /**
   * EventMachine's {@code set_text_mode(size)}: raw data for {@code size} bytes, as {@link
   * #setBinaryMode(long)}; 0 means line mode (as {@link #setLineMode()}).
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public final void setTextMode(long size) {
    if (size == 0) {
      setLineMode();
    } else if (size < 0) {
      throw new IllegalArgumentException("size : " + size + " (expected: >= 0)");
    } else {
      setBinaryMode(size);
    }
  }

  /** Back to line mode from the next byte on (ends a binary block early, without its end call). */
  public final void setLineMode() {
    checkThread();
    binary = false;
  }

  /**
   * Back to line mode, then parses {@code data} (consuming it) as if it had just been read, before
   * any byte read after it (EventMachine's {@code set_line_mode(data)}): for bytes a binary
   * handler took too many of.
   */
  public final void setLineMode(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    setLineMode();
    feed(data);
  }

  /**
   * Settings may be made before the connection is bound (in a constructor); once bound, only on
   * its reactor's thread ({@link #reactor()} throws {@link dev.tether.reactor.ReactorException}).
   */
  private void checkThread() {
    if (isBound()) {
      reactor();
    }
  }

  /** Whether the connection is in binary mode now. */
  public final boolean isBinaryMode() {
    return binary;
  }

  /** Parses input into lines and binary data; final so that the modes stay consistent. */
  @Override
  protected final void receiveData(ByteBuffer data) {
    feed(data);
  }

  private void feed(ByteBuffer data) {
    while (data.hasRemaining() && isOpen()) {
      if (binary) {
        feedBinary(data);
      } else {
        int result = lines.poll(data);
        if (result == LineSplitter.LINE) {
          receiveLine(lines.line());
        } else if (result == LineSplitter.TOO_LONG) {
          lineTooLong();
        }
      }
    }
  }

  private void feedBinary(ByteBuffer data) {
    if (binaryLeft < 0) {
      ByteBuffer slice = data.slice();
      data.position(data.limit());
      receiveBinaryData(slice);
      return;
    }
    int n = (int) Math.min(binaryLeft, data.remaining());
    ByteBuffer slice = data.slice(data.position(), n);
    data.position(data.position() + n);
    binaryLeft -= n;
    boolean last = binaryLeft == 0;
    if (last) {
      binary = false; // before the calls, so that they can start the next block
    }
    receiveBinaryData(slice);
    if (last) {
      receiveEndOfBinaryData();
    }
  }
}
