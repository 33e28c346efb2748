package dev.tether.benchmarks.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/**
 * The bare-JVM baseline of the spawn benchmark: JDK classes only. It takes the socket at fd 0
 * ({@link System#inheritedChannel()}; {@code fd3_to_stdin} moved it there), answers the first
 * message frame by writing its bytes back, then waits for end of stream and exits 0. A JVM needs
 * native code to use fd 3, which is what a Tether worker loads jnr-ffi for.
 */
public final class Hello {
  private Hello() {}

  /** Exits 2 if fd 0 is not a socket, 1 if the stream ends inside the first frame. */
  public static void main(String[] args) throws IOException {
    Channel inherited = System.inheritedChannel();
    if (!(inherited instanceof SocketChannel)) {
      System.err.println("Hello: fd 0 : " + inherited + " (expected: a connected socket)");
      System.exit(2);
    }
    SocketChannel socket = (SocketChannel) inherited;
    ByteBuffer header = ByteBuffer.allocate(2);
    readFully(socket, header);
    ByteBuffer frame = ByteBuffer.allocate(2 + (header.getShort(0) & 0xffff));
    frame.put(header.flip());
    readFully(socket, frame);
    frame.flip();
    while (frame.hasRemaining()) {
      socket.write(frame);
    }
    ByteBuffer sink = ByteBuffer.allocate(256);
    while (socket.read(sink.clear()) >= 0) {
      // Stay until the supervisor closes, as a worker does.
    }
  }

  private static void readFully(SocketChannel socket, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (socket.read(buffer) < 0) {
        System.err.println("Hello: end of stream inside the first frame");
        System.exit(1);
      }
    }
  }
}
