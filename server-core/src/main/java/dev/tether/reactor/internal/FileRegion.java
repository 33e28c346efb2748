package dev.tether.reactor.internal;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A span of a regular file queued for a connection (Netty's {@code FileRegion}): its own
 * read-only fd, positioned at the span's start, the bytes still to send, and the future completed
 * once they are all written. <b>Owns the fd</b>: it is closed when the last byte is sent, or by
 * {@link #fail} when the connection closes first. Reactor thread only; {@link #run()} completes
 * the future, so that the queue can run it as a write callback, in turn.
 */
public final class FileRegion implements Runnable {
  private final Path path;
  private final long length;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private int fd;
  private long remaining;
  /** Every byte was read and passed on, but may sit in the connection's queue still. */
  private boolean passedOn;

  private FileRegion(Path path, int fd, long length) {
    this.path = path;
    this.fd = fd;
    this.length = length;
    this.remaining = length;
  }

  /**
   * Opens {@code length} bytes of {@code path} from {@code offset}; a {@code length} of -1 means
   * up to the end of the file as it is now.
   *
   * @throws dev.tether.unix.NativeCallException naming the path if it cannot be opened (ENOENT)
   * @throws IllegalArgumentException if it is not a regular file, or the span is not inside it
   */
  public static FileRegion open(Path path, long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset : " + offset + " (expected: >= 0)");
    }
    if (length < -1) {
      throw new IllegalArgumentException("length : " + length + " (expected: >= 0, or -1 for"
          + " the rest of the file)");
    }
    int fd = RegularFiles.openReadOnly(path);
    try {
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("path : " + path + " (expected: a regular file)");
      }
      long size = RegularFiles.size(fd, path);
      if (offset > size || length > size - offset) {
        throw new IllegalArgumentException("offset : " + offset + ", length : " + length
            + " (expected: a span inside " + path + ", whose size is " + size + ")");
      }
      RegularFiles.seek(fd, offset, path);
      return new FileRegion(path, fd, length == -1 ? size - offset : length);
    } catch (RuntimeException e) {
      Io.close(fd);
      throw e;
    }
  }

  /** The file's fd, positioned at the next byte to send; -1 once closed. */
  public int fd() {
    return fd;
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Bytes not sent yet. */
  public long remaining() {
    return remaining;
  }

  /** Notes that {@code n} more bytes went. */
  public void sent(long n) {
    remaining -= n;
  }

  /**
   * Notes that every byte was read and passed on as ordinary data (the fallback without
   * sendfile): until {@link #run()}, a close fails the future even though nothing remains here.
   */
  public void passedOn() {
    passedOn = true;
  }

  /** Completed (on the reactor thread) once every byte is written; failed if closed first. */
  public CompletableFuture<Void> future() {
    return done;
  }

  /** Closes the file once; later calls do nothing. */
  public void closeFile() {
    if (fd >= 0) {
      int open = fd;
      fd = -1;
      Io.close(open);
    }
  }

  /** The error for a file that ended before the span did (it shrank while being sent). */
  public IOException truncated() {
    return new IOException("file " + path + " ended " + remaining + " bytes before the " + length
        + " bytes being sent (truncated meanwhile?)");
  }

  /** Completes the future: every byte is written. */
  @Override
  public void run() {
    closeFile();
    done.complete(null);
  }

  /**
   * Closes the file and completes the future: normally if every byte went, else exceptionally
   * with an {@link IOException} naming what was left, caused by {@code reason} (may be null).
   */
  public void fail(Throwable reason) {
    closeFile();
    if (remaining == 0 && !passedOn) {
      done.complete(null);
    } else {
      done.completeExceptionally(new IOException("connection closed before the " + length
          + " bytes of " + path + " were written (" + remaining + " not read yet)", reason));
    }
  }

  @Override
  public String toString() {
    return "FileRegion[" + path + ", " + remaining + " of " + length + " bytes left]";
  }
}
