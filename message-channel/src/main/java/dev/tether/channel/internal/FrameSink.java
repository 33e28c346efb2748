package dev.tether.channel.internal;

import java.io.FileDescriptor;
import java.nio.ByteBuffer;

/**
 * Where a {@link FrameWriter}'s encoded units go: a blocking socket ({@link ChannelSocket}) or a
 * worker's reactor connection. Called by one writer at a time.
 */
public interface FrameSink {
  /**
   * Writes (or queues) all of {@code src}'s remaining bytes, consuming them, with {@code fds} on
   * the first byte. {@code fds} stay owned by the caller: the sink sends or duplicates them before
   * it returns.
   *
   * @throws dev.tether.channel.ChannelException if the bytes cannot be written
   */
  void write(ByteBuffer src, FileDescriptor[] fds);
}
