package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Direct memory for native calls: buffers in native byte order and their addresses. */
public final class Memory {
  private Memory() {}

  /** A new zeroed direct buffer in native byte order; freed when unreachable. */
  public static ByteBuffer allocate(int size) {
    return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
  }

  /** The address of a direct buffer's first byte (not its position). */
  public static long address(Buffer direct) {
    return Libc.address(direct);
  }
}
