package dev.tether.reactor.internal;

import dev.tether.unix.internal.Memory;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of {@link #CHUNK_SIZE} bytes for outgoing data, reused across connections. Keeps
 * at most {@code retained} idle chunks; beyond that, returned chunks are left to the GC. Not
 * thread-safe: one pool per reactor.
 */
public final class ChunkPool {
  /** Size of one chunk. */
  public static final int CHUNK_SIZE = 16 * 1024;

  /** A direct buffer with its address and the span of it that holds unwritten data. */
  public static final class Chunk {
    final ByteBuffer buffer = Memory.allocate(CHUNK_SIZE);
    final long address = Memory.address(buffer);
    int read;
    int write;
  }

  private final ArrayDeque<Chunk> idle = new ArrayDeque<>();
  private final int retained;

  public ChunkPool(int retained) {
    if (retained < 0) {
      throw new IllegalArgumentException("retained : " + retained + " (expected: >= 0)");
    }
    this.retained = retained;
  }

  /** An empty chunk. */
  public Chunk take() {
    Chunk chunk = idle.pollFirst();
    return chunk != null ? chunk : new Chunk();
  }

  /** Returns a chunk for reuse. */
  public void give(Chunk chunk) {
    chunk.read = 0;
    chunk.write = 0;
    if (idle.size() < retained) {
      idle.addFirst(chunk);
    }
  }

  /** Number of idle chunks held. */
  public int idleCount() {
    return idle.size();
  }

  /** Drops every idle chunk. */
  public void clear() {
    idle.clear();
  }
}
