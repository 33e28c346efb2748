package dev.tether.reactor.protocols;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of an SMTP session as a state machine over bytes, with no socket: fed whatever
 * chunks arrive, it calls the {@link SmtpServer}'s hooks and hands each reply (CRLF-terminated
 * text, possibly multi-line) to a sink. Commands are answered one by one in arrival order, so a
 * pipelining client gets its replies in order, whatever the chunking.
 */
final class SmtpServerSession {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpServerSession.class);

  private static final int KEPT_BUFFER = 64 * 1024;

  private enum State { GREETED, READY, MAIL, RCPT, DATA, STARTTLS, QUIT }

  private final SmtpServer hooks;
  private final Consumer<String> replies;
  private final LineSplitter lines;
  private State state = State.GREETED;
  private String sender;
  private final List<String> recipients = new ArrayList<>();
  private ByteArrayOutputStream content = new ByteArrayOutputStream();
  private String dataError;

  SmtpServerSession(SmtpServer hooks, Consumer<String> replies) {
    this.hooks = hooks;
    this.replies = replies;
    this.lines = LineSplitter.wholeLines(hooks.maxLineLength());
  }

  /** Whether QUIT was answered: nothing more is read. */
  boolean quit() {
    return state == State.QUIT;
  }

  /**
   * Whether STARTTLS was answered 220: nothing more is read until {@link #tlsStarted}; the
   * caller must drop the rest of the plaintext input (RFC 3207: a client sends nothing after
   * STARTTLS before the handshake, and bytes injected there must not count as commands).
   */
  boolean startingTls() {
    return state == State.STARTTLS;
  }

  /** The TLS handshake is under way: the session starts over, waiting for EHLO. */
  void tlsStarted() {
    resetTransaction();
    state = State.GREETED;
  }

  /** Consumes all of {@code in} (or up to QUIT or STARTTLS). */
  void feed(ByteBuffer in) {
    int result;
    while (state != State.QUIT && state != State.STARTTLS
        && (result = lines.poll(in)) != LineSplitter.NEED_MORE) {
      boolean overlong = result == LineSplitter.TOO_LONG;
      if (state == State.DATA) {
        dataLine(overlong);
      } else if (overlong) {
        reply("500 Line too long (expected: at most " + hooks.maxLineLength()
            + " bytes with CRLF)");
      } else {
        command(lines.line());
      }
    }
  }

  private void command(String line) {
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String argument = space < 0 ? "" : line.substring(space + 1).trim();
    switch (verb) {
      case "EHLO", "HELO" -> hello(verb, argument);
      case "MAIL" -> mail(argument);
      case "RCPT" -> rcpt(argument);
      case "DATA" -> data(argument);
      case "RSET" -> {
        resetTransaction();
        tell(() -> hooks.receiveReset());
        reply("250 OK");
      }
      case "NOOP" -> reply("250 OK");
      case "VRFY" -> reply("252 Cannot VRFY user, but will accept message and attempt delivery");
      case "STARTTLS" -> startTls(argument);
      case "QUIT" -> {
        reply("221 " + hooks.domain() + " closing connection");
        state = State.QUIT;
      }
      default -> reply("500 Command not recognized: "
          + (verb.length() > 20 ? verb.substring(0, 20) + "..." : verb));
    }
  }

  private void hello(String verb, String domain) {
    if (domain.isEmpty()) {
      reply("501 Syntax: " + verb + " domain");
      return;
    }
    if (!ask(() -> hooks.receiveEhloDomain(domain))) {
      reply("550 " + verb + " " + domain + " refused");
      return;
    }
    resetTransaction();
    tell(() -> hooks.receiveReset());
    state = State.READY;
    if (verb.equals("HELO")) {
      reply("250 " + hooks.domain());
    } else {
      reply("250-" + hooks.domain() + "\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
          + (hooks.offersStartTls() ? "250-STARTTLS\r\n" : "") + "250 SIZE "
          + hooks.maxMessageSize());
    }
  }

  private void startTls(String argument) {
    if (!hooks.offersStartTls()) {
      reply("502 STARTTLS not available");
    } else if (!argument.isEmpty()) {
      reply("501 Syntax: STARTTLS");
    } else if (state != State.READY) {
      reply(state == State.GREETED ? "503 Send EHLO first" : "503 STARTTLS inside a mail");
    } else {
      reply("220 Ready to start TLS");
      state = State.STARTTLS;
    }
  }

  private void mail(String argument) {
    if (state == State.GREETED) {
      reply("503 Send EHLO or HELO first");
      return;
    }
    if (state != State.READY) {
      reply("503 Nested MAIL command");
      return;
    }
    String[] path = path("FROM:", argument);
    if (path == null) {
      reply("501 Syntax: MAIL FROM:<address>");
      return;
    }
    for (String parameter : path[1].split(" +")) {
      if (parameter.regionMatches(true, 0, "SIZE=", 0, 5)) {
        long size;
        try {
          size = Long.parseLong(parameter.substring(5));
        } catch (NumberFormatException e) {
          reply("501 Syntax: SIZE=<bytes>");
          return;
        }
        if (size > hooks.maxMessageSize()) {
          reply("552 Message size " + size + " exceeds the limit of " + hooks.maxMessageSize()
              + " bytes");
          return;
        }
      }
    }
    String address = path[0];
    if (!ask(() -> hooks.receiveSender(address))) {
      reply("550 Sender <" + address + "> refused");
      return;
    }
    sender = address;
    state = State.MAIL;
    reply("250 OK");
  }

  private void rcpt(String argument) {
    if (state != State.MAIL && state != State.RCPT) {
      reply("503 Need MAIL before RCPT");
      return;
    }
    String[] path = path("TO:", argument);
    if (path == null || path[0].isEmpty()) {
      reply("501 Syntax: RCPT TO:<address>");
      return;
    }
    if (recipients.size() == hooks.maxRecipients()) {
      reply("452 Too many recipients (expected: at most " + hooks.maxRecipients() + ")");
      return;
    }
    String address = path[0];
    if (!ask(() -> hooks.receiveRecipient(address))) {
      reply("550 Recipient <" + address + "> refused");
      return;
    }
    recipients.add(address);
    state = State.RCPT;
    reply("250 OK");
  }

  private void data(String argument) {
    if (!argument.isEmpty()) {
      reply("501 Syntax: DATA");
    } else if (state != State.RCPT) {
      reply(state == State.MAIL ? "503 Need RCPT before DATA" : "503 Need MAIL before DATA");
    } else {
      state = State.DATA;
      content.reset();
      dataError = null;
      reply("354 End data with <CR><LF>.<CR><LF>");
    }
  }

  private void dataLine(boolean overlong) {
    byte[] bytes = lines.bytes();
    int length = lines.lineEnd();
    if (!overlong && isEndOfData(bytes, length)) {
      endOfData();
      return;
    }
    if (dataError != null) {
      return;
    }
    if (overlong) {
      dataError = "500 Line too long (expected: at most " + hooks.maxLineLength()
          + " bytes with CRLF)";
      return;
    }
    int start = bytes[0] == '.' ? 1 : 0; // dot-stuffing (RFC 5321 4.5.2)
    if (content.size() + length - start > hooks.maxMessageSize()) {
      dataError = "552 Message exceeds the limit of " + hooks.maxMessageSize() + " bytes";
      return;
    }
    content.write(bytes, start, length - start);
    ByteBuffer chunk = ByteBuffer.wrap(bytes, start, length - start).asReadOnlyBuffer();
    tell(() -> hooks.receiveDataChunk(chunk));
  }

  private static boolean isEndOfData(byte[] bytes, int length) {
    return bytes[0] == '.'
        && (length == 2 || (length == 3 && bytes[1] == '\r'));
  }

  private void endOfData() {
    String error = dataError;
    if (error == null) {
      SmtpMail mail = new SmtpMail(sender, recipients, content.toByteArray());
      boolean accepted = ask(() -> hooks.receiveMessage(mail));
      error = accepted ? null : "550 Message refused";
    }
    resetTransaction();
    tell(() -> hooks.receiveReset());
    reply(error == null ? "250 OK message accepted" : error);
  }

  /** [address, parameters] of {@code FROM:<address> params} ({@code prefix} "FROM:"), or null. */
  private static String[] path(String prefix, String argument) {
    if (!argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    String rest = argument.substring(prefix.length()).trim();
    int close = rest.indexOf('>');
    if (!rest.startsWith("<") || close < 0) {
      return null;
    }
    return new String[] {rest.substring(1, close), rest.substring(close + 1).trim()};
  }

  private void resetTransaction() {
    if (state != State.GREETED && state != State.QUIT && state != State.STARTTLS) {
      state = State.READY;
    }
    sender = null;
    recipients.clear();
    // A big message's buffer is let go rather than kept for the connection's lifetime.
    content = content.size() > KEPT_BUFFER ? new ByteArrayOutputStream() : content;
    content.reset();
    dataError = null;
  }

  private boolean ask(BooleanSupplier hook) {
    try {
      return hook.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("SMTP server hook failed on {}; answered as a refusal", hooks, e);
      return false;
    }
  }

  private void tell(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      LOG.warn("SMTP server hook failed on {}", hooks, e);
    }
  }

  private void reply(String text) {
    replies.accept(text + "\r\n");
  }
}
