package dev.tether.examples.smtp;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.protocols.SmtpMail;
import dev.tether.reactor.protocols.SmtpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code SmtpSink PORT DIR}: an SMTP server ({@link SmtpServer}) on 127.0.0.1:PORT, served by one
 * reactor thread (the main thread), that accepts every mail and writes each to its own new file
 * {@code DIR/mail-N.eml} (N = 1, 2, ..., skipping names that exist): {@code X-Envelope-From} and
 * one {@code X-Envelope-To} line per recipient, then the content as received (CRLF line ends,
 * dot-stuffing undone). It prints {@code smtp sink listening on 127.0.0.1:PORT} (PORT 0 picks a
 * free port) and, per mail, {@code stored DIR/mail-N.eml}. A mail that cannot be written is
 * refused (550) and the error is printed to stderr. Runs until SIGTERM or SIGINT. A bad argument
 * exits with status 2 and a usage line.
 *
 * <p>The file is written on the reactor thread before the 250 reply, so that the reply means
 * "stored"; a local file write of a mail (10 MiB at most) is short, and a sink has nothing else
 * to serve meanwhile.
 */
public final class SmtpSink {
  /** The SMTP session of one client; every mail goes into {@code dir}. */
  static final class Sink extends SmtpServer {
    private final Path dir;

    Sink(Path dir) {
      super("smtp-sink.localhost", DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_MESSAGE_SIZE,
          DEFAULT_MAX_RECIPIENTS);
      this.dir = dir;
    }

    @Override
    protected boolean receiveMessage(SmtpMail mail) {
      try {
        Path file = store(dir, mail);
        System.out.println("stored " + file);
        System.out.flush();
        return true;
      } catch (IOException e) {
        System.err.println("could not store " + mail + ": " + e);
        return false;
      }
    }
  }

  private SmtpSink() {}

  static Path store(Path dir, SmtpMail mail) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream(mail.size() + 256);
    StringBuilder envelope = new StringBuilder("X-Envelope-From: <" + mail.sender() + ">\r\n");
    for (String recipient : mail.recipients()) {
      envelope.append("X-Envelope-To: <").append(recipient).append(">\r\n");
    }
    text.writeBytes(envelope.toString().getBytes(StandardCharsets.UTF_8));
    text.writeBytes(mail.content());
    for (int n = 1;; n++) {
      Path file = dir.resolve("mail-" + n + ".eml");
      try {
        Files.write(file, text.toByteArray(), StandardOpenOption.CREATE_NEW);
        return file;
      } catch (FileAlreadyExistsException e) {
        // taken by an earlier mail, or by a file that was there before: try the next name
      }
    }
  }

  public static void main(String[] args) {
    int port;
    Path dir;
    try {
      if (args.length != 2) {
        throw new IllegalArgumentException("expected two arguments, got " + args.length);
      }
      port = ReactorMain.port(args[0]);
      dir = Path.of(args[1]);
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("dir : " + dir + " (expected: an existing directory)");
      }
    } catch (IllegalArgumentException e) {
      ReactorMain.exitWithUsage("SmtpSink PORT DIR (PORT 0..65535, 0 picks a free port; DIR an "
          + "existing directory)", e);
      return;
    }
    Reactor reactor = new Reactor("smtp-sink");
    ReactorMain.runUntilSignalled(reactor, () -> {
      InetSocketAddress address = (InetSocketAddress) reactor.startServer("127.0.0.1", port,
          () -> new Sink(dir)).localAddress();
      System.out.println("smtp sink listening on 127.0.0.1:" + address.getPort());
      System.out.flush();
    });
  }
}
