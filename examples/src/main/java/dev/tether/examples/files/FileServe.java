package dev.tether.examples.files;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import dev.tether.reactor.toolkit.FileStreamer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code FileServe <port> <file>}: listens on 127.0.0.1:port (0: any free port) and streams the
 * file into every connection it accepts with a {@link FileStreamer} (sendfile, back pressure by
 * the connection's watermarks), then closes it. When a transfer's deferrable succeeds it prints
 * {@code sent N bytes} to stdout; when it fails (the client went away) {@code failed: reason} to
 * stderr. On start it prints {@code fileserve: serving FILE on 127.0.0.1:PORT} to stderr. Runs
 * until killed; a missing file or bad port exits with 2 and says why.
 */
public final class FileServe {
  private FileServe() {}

  /** Streams the file, then closes once it is written. */
  static final class Sender extends Connection {
    private final Path file;

    Sender(Path file) {
      this.file = file;
    }

    @Override
    protected void postInit() {
      FileStreamer streamer = new FileStreamer(this, file);
      streamer.callback(v -> {
        System.out.println("sent " + streamer.size() + " bytes");
        closeConnectionAfterWriting();
      });
      streamer.errback(e -> System.err.println("failed: " + e.getMessage()));
    }
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: FileServe <port> <file>");
      System.exit(2);
      return;
    }
    int port;
    try {
      port = Integer.parseInt(args[0]);
    } catch (NumberFormatException e) {
      port = -1;
    }
    Path file = Path.of(args[1]);
    if (port < 0 || port > 65535) {
      System.err.println("fileserve: port : " + args[0] + " (expected: 0..65535)");
      System.exit(2);
    }
    if (!Files.isRegularFile(file)) {
      System.err.println("fileserve: file : " + file + " (expected: a regular file)");
      System.exit(2);
    }
    int listenPort = port;
    Reactor reactor = new Reactor("fileserve");
    reactor.run(() -> {
      Server server = reactor.startServer("127.0.0.1", listenPort, () -> new Sender(file));
      int bound = ((InetSocketAddress) server.localAddress()).getPort();
      System.err.println("fileserve: serving " + file + " on 127.0.0.1:" + bound);
    });
  }
}
