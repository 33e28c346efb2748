package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import java.nio.ByteBuffer;

/**
 * Lines ending in "\n" or "\r\n", and blocks of bytes handed over whole (EventMachine's {@code
 * EM::Protocols::LineAndText}): override {@link #receiveLine} and {@link #receiveBinaryData}.
 * Unlike {@link LineText2}, whose blocks stream through, a sized block here is collected and
 * delivered in one call, so its size is bounded by the maximum binary length given at
 * construction (default {@link #DEFAULT_MAX_BINARY_LENGTH}); the collecting buffer exists only
 * while a block is due.
 *
 * <p>Lines are decoded as UTF-8 and bounded as in {@link LineProtocol}: past the maximum line
 * length, {@link #lineTooLong()} (default: close the connection).
 *
 * <p><b>Threading.</b> As {@link Connection}. An exception from a callback goes to the reactor's
 * error handler and the rest of that read is dropped.
 */
public abstract class LineAndText extends Connection {
  /** The default largest sized block: 1 MiB. */
  public static final int DEFAULT_MAX_BINARY_LENGTH = 1024 * 1024;

  private final LineSplitter lines;
  private final int maxBinaryLength;
  private boolean binary;
  /** The block being collected in sized binary mode; null in unsized binary mode. */
  private ByteBuffer block;

  /** With the default maximum line length and maximum binary length. */
  protected LineAndText() {
    this(LineText2.DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_BINARY_LENGTH);
  }

  /**
   * @throws IllegalArgumentException if either limit is not positive
   */
  protected LineAndText(int maxLineLength, int maxBinaryLength) {
    Checks.positive("maxBinaryLength", maxBinaryLength);
    lines = new LineSplitter(maxLineLength);
    this.maxBinaryLength = maxBinaryLength;
  }

  /** Called with each line, without its "\n" or "\r\n". */
  protected void receiveLine(String line) {}

  /**
   * Called with a whole sized block (yours to keep: a fresh buffer), after line mode is back;
   * in unsized binary mode, with each read's bytes (the reactor's buffer: valid until you
   * return).
   */
  protected void receiveBinaryData(ByteBuffer data) {}

  /**
   * Called when a line passes the maximum line length. The default closes the connection at once
   * with the reason "line longer than N bytes".
   */
  protected void lineTooLong() {
    closeConnection("line longer than " + lines.maxLineLength() + " bytes");
  }

  /**
   * The next {@code size} bytes are one block, delivered whole to {@link #receiveBinaryData};
   * then line mode returns by itself.
   *
   * @throws IllegalArgumentException if {@code size} is not in 1..maximum binary length
   */
  public final void setBinaryMode(int size) {
    checkThread();
    if (size <= 0 || size > maxBinaryLength) {
      throw new IllegalArgumentException(
          "size : " + size + " (expected: 1.." + maxBinaryLength + ")");
    }
    binary = true;
    block = ByteBuffer.allocate(size);
  }

  /** Every byte from now on goes to {@link #receiveBinaryData} as read, until line mode. */
  public final void setBinaryMode() {
    checkThread();
    binary = true;
    block = null;
  }

  /** Back to line mode from the next byte on; a block being collected is dropped. */
  public final void setLineMode() {
    checkThread();
    binary = false;
    block = null;
  }

  private void checkThread() {
    if (isBound()) {
      reactor(); // checks the thread
    }
  }

  /** Parses input into lines and blocks; final so that the modes stay consistent. */
  @Override
  protected final void receiveData(ByteBuffer data) {
    while (data.hasRemaining() && isOpen()) {
      if (!binary) {
        int result = lines.poll(data);
        if (result == LineSplitter.LINE) {
          receiveLine(lines.line());
        } else if (result == LineSplitter.TOO_LONG) {
          lineTooLong();
        }
      } else if (block == null) {
        ByteBuffer slice = data.slice();
        data.position(data.limit());
        receiveBinaryData(slice);
      } else {
        int n = Math.min(block.remaining(), data.remaining());
        block.put(block.position(), data, data.position(), n);
        block.position(block.position() + n);
        data.position(data.position() + n);
        if (!block.hasRemaining()) {
          ByteBuffer whole = block.flip();
          binary = false;
          block = null;
          receiveBinaryData(whole);
        }
      }
    }
  }
}
