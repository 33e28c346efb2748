package dev.tether.server.internal;

import dev.tether.unix.internal.Io;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one captured output pipe of a child and hands it to a sink line by line.
 *
 * <p>Runs on its own daemon thread ({@code tether-output-<pid>-<stream>}) that blocks in
 * {@code read(2)} and ends at end of file, i.e. when every process holding the pipe's write end
 * (the child and anything it started that inherited its stdout) has closed it. The pump owns the
 * read end and closes it before the thread ends; {@link #done()} completes after that.
 *
 * <p>Each line reaches the sink as {@code "[pid] " + line}, decoded as UTF-8 (malformed bytes
 * replaced), without its {@code \n} or {@code \r\n}. A line longer than {@link #MAX_LINE_BYTES} is
 * delivered in pieces of that size, so memory stays bounded; a last line without a terminator is
 * delivered at end of file. The sink is called on the pump thread, one line at a time; an
 * exception from it is logged and the pump keeps draining, so the child never blocks on a full
 * pipe because of a faulty sink.
 */
final class OutputPump implements Runnable {
  static final int MAX_LINE_BYTES = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(OutputPump.class);

  private final int fd;
  private final String prefix;
  private final Consumer<String> sink;
  private final byte[] line = new byte[MAX_LINE_BYTES];
  private int lineLength;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private OutputPump(int fd, int pid, Consumer<String> sink) {
    this.fd = fd;
    this.prefix = "[" + pid + "] ";
    this.sink = sink;
  }

  /** Takes ownership of {@code readFd} and starts draining it on a new daemon thread. */
  static OutputPump start(int readFd, int pid, String streamName, Consumer<String> sink) {
    OutputPump pump = new OutputPump(readFd, pid, sink);
    Thread t = new Thread(pump, "tether-output-" + pid + "-" + streamName);
    t.setDaemon(true);
    t.start();
    return pump;
  }

  /** Completes when the pipe reached end of file and its read end is closed. */
  CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void run() {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = Io.read(fd, buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            emit(true);
          } else {
            if (lineLength == line.length) {
              emit(false);
            }
            line[lineLength++] = b;
          }
        }
      }
      if (lineLength > 0) {
        emit(false);
      }
    } catch (RuntimeException e) {
      LOG.warn("output pump of {} failed; the rest of this stream is lost", prefix.trim(), e);
    } finally {
      try {
        Io.close(fd);
      } catch (RuntimeException e) {
        LOG.warn("closing output pipe fd {} failed", fd, e);
      }
      done.complete(null);
    }
  }

  private void emit(boolean terminated) {
    int len = lineLength;
    if (terminated && len > 0 && line[len - 1] == '\r') {
      len--;
    }
    lineLength = 0;
    String text = prefix + new String(line, 0, len, StandardCharsets.UTF_8);
    try {
      sink.accept(text);
    } catch (RuntimeException e) {
      LOG.warn("output sink threw on a line of {}; continuing", prefix.trim(), e);
    }
  }
}
