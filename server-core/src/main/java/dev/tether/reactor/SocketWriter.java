package dev.tether.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Performs the writes of a connection's queued bytes instead of send(2) (Danga::Socket's {@code
 * set_writer_func}): to transform, meter or count what goes out. Installed with {@link
 * Connection#setWriter}; runs on the reactor thread, must not block.
 */
@FunctionalInterface
public interface SocketWriter {
  /**
   * Writes some of {@code data}'s remaining bytes, from its position, and returns how many were
   * written: 0..{@code data.remaining()}. Fewer than all (0 included) makes the reactor wait until
   * the socket is writable and call again with the rest; the reactor reads the return value only,
   * not {@code data}'s position afterwards. {@code data} is lent for the call (you do not own it).
   * {@code socket} writes to the connection's fd without blocking (send(2); it returns 0 when the
   * socket would block; its {@code close()} throws: the reactor owns the fd). Write fewer than
   * all only when the socket took no more: the reactor waits for writability, which a socket with
   * room reports at once, so a writer that holds bytes back on its own (a throttle) would spin
   * the loop; throttle with {@link Connection#pause()}-style flow or timers instead.
   *
   * @throws IOException (or any exception) to fail the write: the connection gets {@link
   *     Connection#errorOccurred} with it and closes with it as {@link Connection#closeReason()}
   */
  int write(ByteBuffer data, WritableByteChannel socket) throws IOException;
}
