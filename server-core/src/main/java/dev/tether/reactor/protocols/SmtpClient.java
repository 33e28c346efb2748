package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Timer;
import dev.tether.reactor.toolkit.Deferrable;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Sends one mail over SMTP (RFC 5321) from the reactor (EventMachine's {@code
 * EM::Protocols::SmtpClient.send}): {@link #send} connects, greets with EHLO (HELO if the server
 * refuses EHLO), sends MAIL FROM (with SIZE when the server advertises it), one RCPT TO per
 * recipient, DATA with the content dot-stuffed and the final {@code ".\r\n"}, and QUIT. Commands
 * go one at a time, each after the previous reply.
 *
 * <p><b>Result.</b> The returned {@link Deferrable} succeeds with the server's reply to the
 * message (250) as soon as it arrives; QUIT follows and the connection closes after it. It fails
 * with an {@link SmtpException}: carrying the server's reply (code and text, every line of a
 * multi-line reply) when a command is refused, recipients included (any refused recipient fails
 * the mail); without one when the connection could not be made or closed early (its cause is the
 * connection's close reason), a reply was unreadable or over the limits, or no reply came within
 * the timeout. On failure the client says QUIT if it can and closes the connection.
 *
 * <p><b>Threading and ownership.</b> {@link #send} must be called on the reactor thread (else
 * {@link dev.tether.reactor.ReactorException}); callbacks run there. The reactor owns the socket
 * and closes it; the client has no other resource than one timer, cancelled when it completes.
 */
public final class SmtpClient extends Connection {
  /** Settings of one {@link #send}. */
  public record Options(String heloDomain, Duration timeout, int maxReplyLineLength,
      int maxReplyLines) {
    /**
     * Checks the values.
     *
     * @param heloDomain the name sent with EHLO or HELO
     * @param timeout how long the whole session may take, from the connect to the message's 250
     * @param maxReplyLineLength the longest reply line accepted, in bytes with CRLF
     * @param maxReplyLines the most lines accepted in one reply
     * @throws IllegalArgumentException naming the value if {@code heloDomain} is empty or holds
     *     whitespace, {@code timeout} is not positive, {@code maxReplyLineLength} is below 512 or
     *     {@code maxReplyLines} below 1
     */
    public Options {
      Checks.domain("heloDomain", heloDomain);
      Checks.positive("timeout", timeout);
      Checks.atLeast("maxReplyLineLength", maxReplyLineLength, 512);
      Checks.positive("maxReplyLines", maxReplyLines);
    }

    /** EHLO "localhost", a 60 s timeout, reply lines up to 1000 bytes, replies up to 100 lines. */
    public static Options defaults() {
      return new Options("localhost", Duration.ofSeconds(60), 1000, 100);
    }

    /** These options with {@code heloDomain}. */
    public Options withHeloDomain(String heloDomain) {
      return new Options(heloDomain, timeout, maxReplyLineLength, maxReplyLines);
    }

    /** These options with {@code timeout}. */
    public Options withTimeout(Duration timeout) {
      return new Options(heloDomain, timeout, maxReplyLineLength, maxReplyLines);
    }
  }

  private enum Step { GREETING, EHLO, HELO, MAIL, RCPT, DATA, CONTENT, QUIT, DONE }

  private final SmtpMail mail;
  private final Options options;
  private final Deferrable<SmtpReply> result;
  private final SmtpReplyReader replies;
  private Step step = Step.GREETING;
  private String command = "the greeting";
  private int nextRecipient;
  private boolean sizeAdvertised;
  private Timer timer;

  private SmtpClient(SmtpMail mail, Options options, Deferrable<SmtpReply> result) {
    this.mail = mail;
    this.options = options;
    this.result = result;
    this.replies = new SmtpReplyReader(options.maxReplyLineLength(), options.maxReplyLines());
  }

  /** {@link #send(Reactor, String, int, SmtpMail, Options)} with {@link Options#defaults()}. */
  public static Deferrable<SmtpReply> send(Reactor reactor, String host, int port,
      SmtpMail mail) {
    return send(reactor, host, port, mail, Options.defaults());
  }

  /**
   * Connects to {@code host:port} and sends {@code mail}; see the class documentation for the
   * result. Call on the reactor thread.
   *
   * @throws dev.tether.reactor.ReactorException if called off the reactor thread
   * @throws IllegalArgumentException as {@link Reactor#connect} for a bad host or port
   */
  public static Deferrable<SmtpReply> send(Reactor reactor, String host, int port, SmtpMail mail,
      Options options) {
    Objects.requireNonNull(mail, "mail");
    Objects.requireNonNull(options, "options");
    Deferrable<SmtpReply> result = new Deferrable<>(reactor);
    SmtpClient client = new SmtpClient(mail, options, result);
    reactor.connect(host, port, client);
    return result;
  }

  @Override
  protected void postInit() {
    // One timer bounds the whole session, the wait for QUIT's reply included.
    timer = reactor().addTimer(options.timeout(), () -> {
      timer = null;
      if (!result.isDone()) {
        result.tryFail(new SmtpException("no reply to " + command + " within "
            + options.timeout()));
      }
      step = Step.DONE;
      closeConnection();
    });
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    try {
      for (SmtpReply reply = replies.next(data); reply != null && step != Step.DONE;
          reply = replies.next(data)) {
        handle(reply);
      }
    } catch (SmtpException e) {
      fail(e);
    }
  }

  private void handle(SmtpReply reply) {
    switch (step) {
      case GREETING -> expect(reply, 220, () -> send(Step.EHLO, "EHLO " + options.heloDomain()));
      case EHLO -> {
        if (reply.code() == 250) {
          sizeAdvertised = reply.lines().stream()
              .anyMatch(l -> l.toUpperCase(Locale.ROOT).startsWith("SIZE"));
          sendMail();
        } else if (reply.code() >= 500) {
          send(Step.HELO, "HELO " + options.heloDomain()); // an RFC 821 server
        } else {
          fail(new SmtpException(command, reply));
        }
      }
      case HELO -> expect(reply, 250, this::sendMail);
      case MAIL -> expect(reply, 250, this::sendRecipient);
      case RCPT -> expect(reply, 250, () -> {
        if (nextRecipient < mail.recipients().size()) {
          sendRecipient();
        } else {
          send(Step.DATA, "DATA");
        }
      });
      case DATA -> expect(reply, 354, () -> {
        step = Step.CONTENT;
        command = "the message";
        sendData(dotStuffed(mail.content()));
      });
      case CONTENT -> expect(reply, 250, () -> {
        result.trySucceed(reply);
        quit();
      });
      case QUIT, DONE -> {
        step = Step.DONE;
        closeConnection();
      }
      default -> throw new AssertionError(step);
    }
  }

  private void expect(SmtpReply reply, int code, Runnable next) {
    if (reply.code() == code) {
      next.run();
    } else {
      fail(new SmtpException(command, reply));
    }
  }

  private void sendMail() {
    send(Step.MAIL, "MAIL FROM:<" + mail.sender() + ">"
        + (sizeAdvertised ? " SIZE=" + mail.size() : ""));
  }

  private void sendRecipient() {
    send(Step.RCPT, "RCPT TO:<" + mail.recipients().get(nextRecipient++) + ">");
  }

  private void send(Step next, String line) {
    step = next;
    command = line;
    sendData((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  private void quit() {
    if (isOpen()) {
      send(Step.QUIT, "QUIT");
    } else {
      step = Step.DONE;
    }
  }

  private void fail(SmtpException error) {
    if (result.isDone()) {
      step = Step.DONE;
      closeConnection();
      return;
    }
    result.tryFail(error);
    quit();
  }

  @Override
  protected void unbind() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    step = Step.DONE;
    if (!result.isDone()) {
      result.tryFail(new SmtpException("connection closed while waiting for the reply to "
          + command, closeReason()));
    }
  }

  /**
   * The content with every line end made CRLF, a CRLF added at its end if missing, a dot doubled
   * at the start of each line (RFC 5321 4.5.2), and the final {@code ".\r\n"}.
   */
  static byte[] dotStuffed(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 64);
    boolean lineStart = true;
    for (int i = 0; i < content.length; i++) {
      byte b = content[i];
      if (lineStart && b == '.') {
        out.write('.');
      }
      if (b == '\n' && (i == 0 || content[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
    }
    out.write('.');
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "SmtpClient[" + mail + ", at " + command + "]";
  }
}
