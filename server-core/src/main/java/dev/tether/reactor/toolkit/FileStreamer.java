package dev.tether.reactor.toolkit;

import dev.tether.reactor.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * EventMachine's {@code EM::FileStreamer}: streams a file into a connection and is a {@link
 * Deferrable} that succeeds once every byte has been written to the socket, or fails with an
 * {@link java.io.IOException} if the connection closes first.
 *
 * <p>Built on {@link Connection#streamFileData}: the file goes out with sendfile(2) (in 16 KiB
 * chunks on TLS), in order with what is sent before and after, and counts toward the
 * connection's watermarks by its unsent bytes, so the back pressure is the connection's own: the
 * loop never holds the file in memory and never blocks on it. With {@code httpChunks} it is sent
 * as one HTTP/1.1 chunk followed by the last chunk ({@code 0\r\n\r\n}), as EventMachine's
 * {@code :http_chunks} option does.
 *
 * <p>Threading: reactor thread only ({@link dev.tether.reactor.ReactorException} otherwise); the
 * callbacks run there. Ownership: the connection owns the file's fd, closed once sent or when the
 * connection closes.
 */
public final class FileStreamer extends Deferrable<Void> {
  private final long size;

  /** Streams all of {@code path} into {@code connection}, as is. */
  public FileStreamer(Connection connection, Path path) {
    this(connection, path, false);
  }

  /**
   * Streams all of {@code path} into {@code connection}, as HTTP chunks if {@code httpChunks}.
   *
   * @throws dev.tether.unix.NativeCallException naming the path if it cannot be opened (ENOENT if
   *     missing); nothing is sent
   * @throws IllegalArgumentException if it is not a regular file
   * @throws java.io.UncheckedIOException if its size cannot be read
   */
  public FileStreamer(Connection connection, Path path, boolean httpChunks) {
    super(connection.reactor());
    Objects.requireNonNull(path, "path");
    reactor().checkInLoop("FileStreamer");
    if (Files.notExists(path)) {
      // The connection's own open fails with the error it reports (ENOENT), queuing nothing.
      connection.streamFileData(path);
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("path : " + path + " (expected: a regular file)");
    }
    try {
      size = Files.size(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("size of " + path, e);
    }
    if (size == 0) {
      // Nothing to stream (FileRegion wants bytes): done once the terminator, if any, is queued.
      if (httpChunks) {
        connection.sendData("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      trySucceed(null);
      return;
    }
    CompletableFuture<Void> sent;
    if (httpChunks) {
      connection.sendData((Long.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      sent = connection.streamFileData(path, 0, size);
      connection.sendData("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      sent = connection.streamFileData(path, 0, size);
    }
    sent.whenComplete((v, e) -> {
      if (e == null) {
        trySucceed(null);
      } else {
        tryFail(unwrap(e));
      }
    });
  }

  /** The number of bytes of the file streamed (its size when streaming began). Any thread. */
  public long size() {
    return size;
  }
}
