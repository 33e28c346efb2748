package dev.tether.examples.tail;

import dev.tether.reactor.FileWatcher;
import dev.tether.reactor.Reactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code Tail FILE}: prints each line appended to FILE from now on (as {@code tail -f -n 0}: the
 * lines it held when Tail started are not printed), one reactor on the main thread. When the file
 * is renamed or moved it prints {@code moved}, when it is deleted {@code deleted}, and exits 0.
 *
 * <ul>
 *   <li>A partial last line (no newline yet) is held until its newline comes; if the file is
 *       moved or deleted first, it is printed as a line before {@code moved} / {@code deleted}.
 *   <li>A file that shrank (truncated, as a log rotated by copy and truncate) is read again from
 *       its start; {@code tail: FILE truncated} goes to stderr.
 *   <li>Tail opens the file only to read what was appended, then closes it: a file held open is
 *       not deleted for inotify until the last holder closes it. Lines appended after the last
 *       read and before a move or delete are not printed (the path no longer leads to them).
 *   <li>Once watching it prints {@code tail: watching FILE} on stderr. A missing FILE, or a wrong
 *       number of arguments, exits 2 with the reason on stderr. Lines are decoded as UTF-8.
 * </ul>
 */
public final class Tail extends FileWatcher {
  private final Reactor reactor;
  private final PrintStream out;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private long offset;

  private Tail(Reactor reactor, long offset, PrintStream out) {
    this.reactor = reactor;
    this.offset = offset;
    this.out = out;
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: Tail FILE (expected one argument, got " + args.length + ")");
      System.exit(2);
      return;
    }
    Path file = Path.of(args[0]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Reactor reactor = new Reactor("tail");
    int[] status = {0};
    reactor.run(() -> {
      try {
        reactor.watchFile(file, new Tail(reactor, size(file), out));
        System.err.println("tail: watching " + file);
      } catch (RuntimeException e) { // missing, or cannot be watched: the message names it
        System.err.println("tail: " + e.getMessage());
        status[0] = 2;
        reactor.stop();
      }
    });
    out.flush();
    if (status[0] != 0) {
      System.exit(status[0]);
    }
  }

  @Override
  protected void fileModified() {
    readAppended();
  }

  @Override
  protected void fileMoved() {
    finish("moved");
  }

  @Override
  protected void fileDeleted() {
    finish("deleted");
  }

  @Override
  protected void unbind() {
    out.flush();
    reactor.stop();
  }

  private void finish(String what) {
    if (partial.size() > 0) {
      out.println(partial.toString(StandardCharsets.UTF_8));
      partial.reset();
    }
    out.println(what);
    stopWatching(); // unbind follows, which stops the reactor
  }

  /** Prints the complete lines appended since the last read; keeps a partial last line. */
  private void readAppended() {
    try (FileChannel channel = FileChannel.open(path(), StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < offset) {
        System.err.println("tail: " + path() + " truncated");
        offset = 0;
        partial.reset();
      }
      channel.position(offset);
      for (int n = channel.read(buffer.clear()); n > 0; n = channel.read(buffer.clear())) {
        offset += n;
        emitLines(buffer.array(), n);
      }
      out.flush();
    } catch (NoSuchFileException movedOrDeletedMeanwhile) {
      // the move or delete event follows
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void emitLines(byte[] bytes, int length) {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        partial.write(bytes, start, i - start);
        out.println(partial.toString(StandardCharsets.UTF_8));
        partial.reset();
        start = i + 1;
      }
    }
    partial.write(bytes, start, length - start);
  }

  private static long size(Path file) {
    try {
      return java.nio.file.Files.size(file);
    } catch (NoSuchFileException e) {
      return 0; // watchFile names the missing file
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
