package dev.tether.reactor;

import java.nio.ByteBuffer;

/**
 * The two direct buffers every {@link TlsLayer} of a reactor shares: plaintext just unwrapped
 * (lent to {@code receiveData}) and records just wrapped (written or queued at once). Sharing
 * works because each is handed on before the layer returns; a buffer asked for while lent (a
 * callback that drives another layer) is a fresh one for that call. Reactor thread only.
 */
final class TlsBuffers {
  /** Plaintext per unwrap batch: as the reactor's read buffer, so one read is one delivery. */
  private static final int PLAIN_SIZE = LoopIo.READ_BUFFER_SIZE;

  private ByteBuffer plain;
  private ByteBuffer packets;
  private boolean plainLent;
  private boolean packetsLent;

  /** A cleared buffer of at least {@code size} bytes for unwrap; give it back with release. */
  ByteBuffer plain(int size) {
    if (plainLent) {
      return ByteBuffer.allocateDirect(Math.max(size, PLAIN_SIZE));
    }
    if (plain == null || plain.capacity() < size) {
      plain = ByteBuffer.allocateDirect(Math.max(size, PLAIN_SIZE));
    }
    plainLent = true;
    return plain.clear();
  }

  /** A cleared buffer of at least {@code size} bytes for wrap; give it back with release. */
  ByteBuffer packets(int size) {
    if (packetsLent) {
      return ByteBuffer.allocateDirect(size);
    }
    if (packets == null || packets.capacity() < size) {
      packets = ByteBuffer.allocateDirect(size);
    }
    packetsLent = true;
    return packets.clear();
  }

  void release(ByteBuffer buffer) {
    if (buffer == plain) {
      plainLent = false;
    } else if (buffer == packets) {
      packetsLent = false;
    }
  }
}
