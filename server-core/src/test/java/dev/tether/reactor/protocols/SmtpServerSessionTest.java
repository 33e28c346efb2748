package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SMTP server's state machine without sockets: a pipelined session fed in every chunking,
 * one byte at a time included, gives the same replies and hook calls; each limit and each error
 * code.
 */
class SmtpServerSessionTest {
  /** Records every hook call; refuses the recipient "nobody@y" and throws for "boom@y". */
  static final class Recording extends SmtpServer {
    final List<String> events = new ArrayList<>();
    final List<SmtpMail> mails = new ArrayList<>();

    Recording() {
      super();
    }

    Recording(int maxMessageSize, int maxRecipients) {
      super("mx.test", 1000, maxMessageSize, maxRecipients);
    }

    @Override
    protected boolean receiveEhloDomain(String domain) {
      events.add("ehlo " + domain);
      return true;
    }

    @Override
    protected boolean receiveSender(String sender) {
      events.add("from " + sender);
      return true;
    }

    @Override
    protected boolean receiveRecipient(String recipient) {
      if (recipient.equals("boom@y")) {
        throw new IllegalStateException("hook failure on purpose");
      }
      events.add("to " + recipient);
      return !recipient.equals("nobody@y");
    }

    @Override
    protected void receiveReset() {
      events.add("reset");
    }

    @Override
    protected void receiveDataChunk(ByteBuffer line) {
      events.add("chunk " + StandardCharsets.UTF_8.decode(line).toString().strip());
    }

    @Override
    protected boolean receiveMessage(SmtpMail mail) {
      mails.add(mail);
      events.add("message " + mail.size());
      return true;
    }
  }

  private static final String SESSION = String.join("\r\n",
      "EHLO client.example",
      "MAIL FROM:<a@x> SIZE=100",
      "RCPT TO:<b@y>",
      "RCPT TO:<nobody@y>",
      "rcpt to: <c@y>",
      "DATA",
      "Subject: hi",
      "",
      "..leading dot",
      ".",
      "NOOP",
      "VRFY bob",
      "MAIL FROM:<>",
      "RSET",
      "RCPT TO:<b@y>",
      "DATA",
      "BOGUS",
      "MAIL FROM:a@x",
      "HELO",
      "QUIT",
      "NOOP",
      "");

  private static final String REPLIES = String.join("\r\n",
      "250-localhost",
      "250-PIPELINING",
      "250-8BITMIME",
      "250 SIZE 10485760",
      "250 OK",
      "250 OK",
      "550 Recipient <nobody@y> refused",
      "250 OK",
      "354 End data with <CR><LF>.<CR><LF>",
      "250 OK message accepted",
      "250 OK",
      "252 Cannot VRFY user, but will accept message and attempt delivery",
      "250 OK",
      "250 OK",
      "503 Need MAIL before RCPT",
      "503 Need MAIL before DATA",
      "500 Command not recognized: BOGUS",
      "501 Syntax: MAIL FROM:<address>",
      "501 Syntax: HELO domain",
      "221 localhost closing connection",
      "");

  private static final List<String> EVENTS = List.of("ehlo client.example", "reset",
      "from a@x", "to b@y", "to nobody@y", "to c@y", "chunk Subject: hi", "chunk ",
      "chunk .leading dot", "message 29", "reset", "from ", "reset");

  @ParameterizedTest(name = "chunks of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 5, 7, 13, 64, 100_000})
  void pipelinedSessionInEveryChunking(int chunk) {
    Recording server = new Recording();
    String replies = feed(server, SESSION, chunk);
    assertEquals(REPLIES, replies);
    assertEquals(EVENTS, server.events);
    SmtpMail mail = server.mails.get(0);
    assertEquals("a@x", mail.sender());
    assertEquals(List.of("b@y", "c@y"), mail.recipients());
    assertEquals("Subject: hi\r\n\r\n.leading dot\r\n", mail.text());
  }

  @Test
  void randomChunkingsGiveTheSameReplies() {
    Random random = new Random(13);
    for (int round = 0; round < 50; round++) {
      Recording server = new Recording();
      StringBuilder out = new StringBuilder();
      SmtpServerSession session = new SmtpServerSession(server, out::append);
      byte[] bytes = SESSION.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length && !session.quit();) {
        int n = Math.min(bytes.length - i, 1 + random.nextInt(40));
        session.feed(ByteBuffer.wrap(bytes, i, n));
        i += n;
      }
      assertEquals(REPLIES, out.toString(), "round " + round);
      assertEquals(EVENTS, server.events, "round " + round);
    }
  }

  @Test
  void mailBeforeHelloAndNestedMailAre503() {
    assertEquals("503 Send EHLO or HELO first\r\n250 localhost\r\n250 OK\r\n"
        + "503 Nested MAIL command\r\n",
        feed(new Recording(), "MAIL FROM:<a@x>\r\nHELO me\r\nMAIL FROM:<a@x>\r\n"
            + "MAIL FROM:<a@x>\r\n", 1));
  }

  @Test
  void anOverlongCommandLineIs500AndTheSessionGoesOn() {
    String longLine = "NOOP " + "x".repeat(995) + "\r\n"; // 1002 bytes with CRLF
    String exact = "NOOP " + "x".repeat(993) + "\r\n"; // 1000 bytes with CRLF
    assertEquals("500 Line too long (expected: at most 1000 bytes with CRLF)\r\n250 OK\r\n"
        + "250 OK\r\n", feed(new Recording(), longLine + exact + "NOOP\r\n", 1));
  }

  @Test
  void anOverlongCommandIsAnsweredAtItsLineEndAndABareLfCountsAsOneByte() {
    assertEquals("", feed(new Recording(), "NOOP " + "x".repeat(2000), 1));
    String bareLf = "NOOP " + "x".repeat(994) + "\n"; // 1000 bytes with its LF
    assertEquals("250 OK\r\n", feed(new Recording(), bareLf, 1));
  }

  @Test
  void anOverlongTextLineIs500AfterTheDotAndNothingIsDelivered() {
    Recording server = new Recording();
    String replies = feed(server, "HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"
        + "y".repeat(1200) + "\r\nafter\r\n.\r\nNOOP\r\n", 7);
    assertEquals("250 localhost\r\n250 OK\r\n250 OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
        + "500 Line too long (expected: at most 1000 bytes with CRLF)\r\n250 OK\r\n", replies);
    assertEquals(List.of(), server.mails);
  }

  @Test
  void aMessageOverTheSizeLimitIs552AndTheNextOneGoesThrough() {
    Recording server = new Recording(100, 100);
    String big = "z".repeat(60) + "\r\n";
    String replies = feed(server, "EHLO me\r\nMAIL FROM:<a@x> SIZE=101\r\nMAIL FROM:<a@x>\r\n"
        + "RCPT TO:<b@y>\r\nDATA\r\n" + big + big + ".\r\n"
        + "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n" + big + ".\r\n", 3);
    assertEquals("250-mx.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100\r\n"
        + "552 Message size 101 exceeds the limit of 100 bytes\r\n250 OK\r\n250 OK\r\n"
        + "354 End data with <CR><LF>.<CR><LF>\r\n"
        + "552 Message exceeds the limit of 100 bytes\r\n"
        + "250 OK\r\n250 OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
        + "250 OK message accepted\r\n", replies);
    assertEquals(1, server.mails.size());
    assertEquals(big, server.mails.get(0).text());
  }

  @Test
  void recipientsPastTheLimitAre452() {
    assertEquals("250 mx.test\r\n250 OK\r\n250 OK\r\n250 OK\r\n"
        + "452 Too many recipients (expected: at most 2)\r\n",
        feed(new Recording(100, 2), "HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n"
            + "RCPT TO:<c@y>\r\nRCPT TO:<d@y>\r\n", 1));
  }

  @Test
  void aHookThatThrowsIsARefusalAndTheSessionGoesOn() {
    assertEquals("250 localhost\r\n250 OK\r\n550 Recipient <boom@y> refused\r\n250 OK\r\n",
        feed(new Recording(), "HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<boom@y>\r\n"
            + "RCPT TO:<b@y>\r\n", 2));
  }

  @Test
  void startTlsIsNotOfferedWithoutOptions() {
    assertEquals("250 localhost\r\n502 STARTTLS not available\r\n250 OK\r\n",
        feed(new Recording(), "HELO me\r\nSTARTTLS\r\nNOOP\r\n", 1));
  }

  @Test
  void argumentsAreChecked() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new SmtpServer("mx", 100, 10, 10));
    assertEquals("maxLineLength : 100 (expected: >= 512)", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new SmtpServer("mx", 1000, 0, 10));
    assertEquals("maxMessageSize : 0 (expected: > 0)", e.getMessage());
  }

  @Test
  void theClientDotStuffsAndEndsEveryLineWithCrlf() {
    byte[] stuffed = SmtpClient.dotStuffed(".a\nb\r\n..c\r\n.\r\nlast".getBytes(
        StandardCharsets.UTF_8));
    assertEquals("..a\r\nb\r\n...c\r\n..\r\nlast\r\n.\r\n",
        new String(stuffed, StandardCharsets.UTF_8));
    // What the client stuffs, the server unstuffs back to the CRLF form.
    Recording server = new Recording();
    feed(server, "HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"
        + new String(stuffed, StandardCharsets.UTF_8), 1);
    assertEquals(".a\r\nb\r\n..c\r\n.\r\nlast\r\n", server.mails.get(0).text());
  }

  private static String feed(SmtpServer server, String input, int chunk) {
    StringBuilder out = new StringBuilder();
    SmtpServerSession session = new SmtpServerSession(server, out::append);
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length && !session.quit(); i += chunk) {
      ByteBuffer b = ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i));
      session.feed(b);
      if (!session.quit()) {
        assertEquals(0, b.remaining(), "the session consumes every chunk");
      }
    }
    return out.toString();
  }
}
