package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import java.nio.ByteBuffer;

/**
 * A connection whose input is nothing but lines ending in "\n" or "\r\n" (EventMachine's {@code
 * EM::Protocols::LineProtocol}): override {@link #receiveLine}. Lines are decoded as UTF-8
 * (malformed bytes become U+FFFD) and arrive without their "\n" or "\r\n".
 *
 * <p>A line longer than the maximum line length (bytes, without its ending; default {@link
 * LineText2#DEFAULT_MAX_LINE_LENGTH}) is not buffered whole: {@link #lineTooLong()} is called as
 * soon as it is certain (default: close the connection), and if the connection stays open that
 * line is discarded up to its end. At most the maximum plus two bytes are held between reads.
 *
 * <p><b>Threading.</b> As {@link Connection}. An exception from {@link #receiveLine} goes to the
 * reactor's error handler and the rest of that read is dropped. Once the connection is closed,
 * the rest of a read is not parsed.
 */
public abstract class LineProtocol extends Connection {
  private final LineSplitter lines;

  /** With the default maximum line length. */
  protected LineProtocol() {
    this(LineText2.DEFAULT_MAX_LINE_LENGTH);
  }

  /**
   * @throws IllegalArgumentException if {@code maxLineLength} is not positive
   */
  protected LineProtocol(int maxLineLength) {
    lines = new LineSplitter(maxLineLength);
  }

  /** The maximum line length in bytes given at construction. */
  public final int maxLineLength() {
    return lines.maxLineLength();
  }

  /** Called with each line, without its "\n" or "\r\n". */
  protected abstract void receiveLine(String line);

  /**
   * Called when a line passes {@link #maxLineLength()}. The default closes the connection at once
   * with the reason "line longer than N bytes".
   */
  protected void lineTooLong() {
    closeConnection("line longer than " + maxLineLength() + " bytes");
  }

  /** Splits input into lines; final so that no byte bypasses the splitter. */
  @Override
  protected final void receiveData(ByteBuffer data) {
    while (data.hasRemaining() && isOpen()) {
      int result = lines.poll(data);
      if (result == LineSplitter.LINE) {
        receiveLine(lines.line());
      } else if (result == LineSplitter.TOO_LONG) {
        lineTooLong();
      }
    }
  }
}
