package dev.tether.reactor;

import java.nio.ByteBuffer;

/**
 * Pull reading of one endpoint (Danga::Socket's style): {@link Connection#read(int)} takes
 * pushed-back bytes first, then reads the socket into the reactor's pull scratch buffer and copies
 * the bytes out into a buffer the caller owns. Reactor thread only.
 */
final class PullReader {
  private PullReader() {}

  /** See {@link Connection#read(int)}. */
  static ByteBuffer read(Endpoint e, int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes : " + maxBytes + " (expected: > 0)");
    }
    if (!e.pull()) {
      throw new IllegalStateException("read(" + maxBytes + ") of " + e.connection.getClass()
          .getName() + " (expected: pull reading on, see setPullReading)");
    }
    if (e.pushedBack != null && e.pushedBack.size() > 0) {
      return e.pushedBack.take(maxBytes);
    }
    if (!e.open() || e.inputEnded()) {
      return null;
    }
    if (e.connecting()) {
      return ByteBuffer.allocate(0);
    }
    ByteBuffer scratch = e.reactor.io().pullBuffer();
    long n = e.readSocket(e.reactor.io().address(scratch), Math.min(maxBytes, scratch.capacity()));
    if (n > 0) {
      e.touch();
      ByteBuffer result = ByteBuffer.allocate((int) n);
      result.put(scratch.clear().limit((int) n)).flip();
      return result;
    }
    if (n == 0 && e.open()) {
      e.hangUp();
    }
    return n < 0 && e.open() ? ByteBuffer.allocate(0) : null;
  }
}
