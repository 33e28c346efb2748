package dev.tether.reactor;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes a connection gave back to its input (Danga::Socket's {@code push_back_read}), to be read
 * again before anything the socket holds. Bounded by the read buffer's size, so that the next
 * read can deliver them with new bytes behind them in one buffer. Reactor thread only.
 */
final class PushedBack {
  static final int MAX = LoopIo.READ_BUFFER_SIZE;
  private static final byte[] NONE = new byte[0];

  private byte[] bytes = NONE;

  int size() {
    return bytes.length;
  }

  /** Puts {@code data}'s remaining bytes (consumed) in front of those pushed back before. */
  void push(ByteBuffer data) {
    int n = data.remaining();
    if (n > MAX - bytes.length) {
      throw new IllegalArgumentException("pushBackRead of " + n + " bytes with " + bytes.length
          + " pushed back already (expected: at most " + MAX + " bytes in all, the read"
          + " buffer's size)");
    }
    byte[] joined = new byte[n + bytes.length];
    data.get(joined, 0, n);
    System.arraycopy(bytes, 0, joined, n, bytes.length);
    bytes = joined;
  }

  /** Copies every byte to the start of {@code readBuffer}, forgets them; returns the count. */
  int moveTo(ByteBuffer readBuffer) {
    int n = bytes.length;
    readBuffer.clear();
    if (n > 0) { // no allocation on reads after the pushed-back bytes are gone
      readBuffer.put(bytes);
      bytes = NONE;
    }
    return n;
  }

  /** Removes and returns the first {@code max} bytes at most, in a new heap buffer. */
  ByteBuffer take(int max) {
    int n = Math.min(max, bytes.length);
    ByteBuffer taken = ByteBuffer.wrap(Arrays.copyOf(bytes, n));
    bytes = Arrays.copyOfRange(bytes, n, bytes.length);
    return taken;
  }
}
