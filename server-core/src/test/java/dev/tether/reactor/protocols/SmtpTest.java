package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Connection;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.TlsOptions;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpClient and SmtpServer over real sockets: against each other, python3's smtplib against
 * the server, and the client against Debian's aiosmtpd (python3-aiosmtpd; scripts/test installs
 * it, and without it this test fails rather than skips).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SmtpTest {
  private final ReactorRunner runner = new ReactorRunner();
  private final List<SmtpMail> received = Collections.synchronizedList(new ArrayList<>());

  /** Keeps each mail; refuses the recipient "nobody@example.org"; STARTTLS with {@code tls}. */
  class Keeping extends SmtpServer {
    Keeping() {
      super("mx.test", 1000, 4096, 10);
    }

    @Override
    protected boolean receiveRecipient(String recipient) {
      return !recipient.equals("nobody@example.org");
    }

    @Override
    protected boolean receiveMessage(SmtpMail mail) {
      received.add(mail);
      return true;
    }
  }

  @AfterEach
  void stop() {
    runner.close();
  }

  private int startServer() {
    return runner.call(() -> ((InetSocketAddress) runner.reactor.startServer("127.0.0.1", 0,
        Keeping::new).localAddress()).getPort());
  }

  private CompletableFuture<SmtpReply> send(int port, SmtpMail mail, SmtpClient.Options options) {
    return runner.call(() -> SmtpClient.send(runner.reactor, "127.0.0.1", port, mail, options)
        .toCompletableFuture());
  }

  private static SmtpMail sample(List<String> to) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("From", "a@example.org");
    headers.put("Subject", "dots");
    return SmtpMail.of("a@example.org", to, headers, ".starts with a dot\n.\n..\nend");
  }

  @Test
  void clientToServerCarriesEnvelopeAndContentExactly() throws Exception {
    int port = startServer();
    SmtpMail mail = sample(List.of("b@example.org", "c@example.org"));
    SmtpReply reply = send(port, mail, SmtpClient.Options.defaults()).get(20, TimeUnit.SECONDS);
    assertEquals(250, reply.code());
    ReactorRunner.waitFor("the mail at the server", () -> received.size() == 1);
    SmtpMail got = received.get(0);
    assertEquals("a@example.org", got.sender());
    assertEquals(List.of("b@example.org", "c@example.org"), got.recipients());
    assertEquals("From: a@example.org\r\nSubject: dots\r\n\r\n.starts with a dot\r\n.\r\n..\r\n"
        + "end\r\n", got.text());
    ReactorRunner.waitFor("both connections closed after QUIT",
        () -> runner.call(() -> runner.reactor.connectionCount()) == 0);
  }

  @Test
  void sendRunsItsCallbacksOnTheLoopAndRefusesOtherThreads() throws Exception {
    int port = startServer();
    assertThrows(ReactorException.class, () -> SmtpClient.send(runner.reactor, "127.0.0.1",
        port, sample(List.of("b@example.org"))));
    CompletableFuture<Thread> callbackThread = new CompletableFuture<>();
    runner.run(() -> SmtpClient.send(runner.reactor, "127.0.0.1", port,
        sample(List.of("b@example.org"))).callback(r -> callbackThread.complete(
            Thread.currentThread())));
    assertEquals(runner.reactor.reactorThread(), callbackThread.get(20, TimeUnit.SECONDS));
  }

  @Test
  void aRefusedRecipientFailsWithTheServersCodeAndText() throws Exception {
    int port = startServer();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> send(port,
            sample(List.of("b@example.org", "nobody@example.org")),
            SmtpClient.Options.defaults()).get(20, TimeUnit.SECONDS));
    SmtpException smtp = assertInstanceOf(SmtpException.class, e.getCause());
    assertEquals(550, smtp.reply().code());
    assertEquals("RCPT TO:<nobody@example.org> failed: 550 Recipient <nobody@example.org> "
        + "refused", smtp.getMessage());
    ReactorRunner.waitFor("both connections closed after QUIT",
        () -> runner.call(() -> runner.reactor.connectionCount()) == 0);
    assertEquals(List.of(), received);
  }

  @Test
  void aServerThatNeverGreetsTimesOut() throws Exception {
    int port = runner.call(() -> ((InetSocketAddress) runner.reactor.startServer("127.0.0.1", 0,
        () -> new Connection() {}).localAddress()).getPort());
    long start = System.nanoTime();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> send(port, sample(List.of("b@example.org")),
            SmtpClient.Options.defaults().withTimeout(Duration.ofMillis(300)))
            .get(20, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - start >= 300_000_000L, "not before the timeout");
    SmtpException smtp = assertInstanceOf(SmtpException.class, e.getCause());
    assertEquals("no reply to the greeting within PT0.3S", smtp.getMessage());
    assertNull(smtp.reply());
    ReactorRunner.waitFor("the client's connection closed",
        () -> runner.call(() -> runner.reactor.connectionCount()) == 0);
  }

  @Test
  void aRefusedConnectFailsWithTheCloseReason() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> send(port, sample(List.of("b@example.org")),
            SmtpClient.Options.defaults()).get(20, TimeUnit.SECONDS));
    SmtpException smtp = assertInstanceOf(SmtpException.class, e.getCause());
    assertEquals("connection closed while waiting for the reply to the greeting",
        smtp.getMessage());
    assertNotNull(smtp.getCause(), "the connect failure");
  }

  @Test
  void pythonSmtplibSendsToTheServer() throws Exception {
    int port = startServer();
    String script = String.join("\n",
        "import smtplib, sys",
        "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10)",
        "print(s.ehlo()[0], s.has_extn('pipelining'), s.has_extn('size'))",
        "print(s.docmd('VRFY', 'someone')[0])",
        "s.sendmail('py@example.org', ['b@example.org', 'c@example.org'],",
        "           'Subject: py\\r\\n\\r\\n.dot line\\r\\nbody\\r\\n')",
        "try:",
        "    s.sendmail('py@example.org', ['b@example.org'], 'x' * 5000)",
        "except smtplib.SMTPSenderRefused as e:",
        "    print('refused', e.smtp_code)",
        "try:",
        "    s.sendmail('py@example.org', ['nobody@example.org'],",
        "               'Subject: no\\r\\n\\r\\nx\\r\\n')",
        "except smtplib.SMTPRecipientsRefused as e:",
        "    print('recipients refused', e.recipients['nobody@example.org'][0])",
        "print(s.quit()[0])");
    try (PythonPeer python = new PythonPeer("python3", script, String.valueOf(port))) {
      assertEquals("250 True True", python.nextLine());
      assertEquals("252", python.nextLine());
      assertEquals("refused 552", python.nextLine());
      assertEquals("recipients refused 550", python.nextLine());
      assertEquals("221", python.nextLine());
      assertEquals(0, python.awaitExit(), python.output().toString());
    }
    assertEquals(1, received.size());
    SmtpMail got = received.get(0);
    assertEquals("py@example.org", got.sender());
    assertEquals(List.of("b@example.org", "c@example.org"), got.recipients());
    assertEquals("Subject: py\r\n\r\n.dot line\r\nbody\r\n", got.text());
  }

  @Test
  void pythonSmtplibStartsTlsAndInjectedPlaintextIsDropped(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost",
        "-days", "1").redirectErrorStream(true).start();
    openssl.getOutputStream().close();
    String opensslOutput = new String(openssl.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8);
    assertEquals(0, openssl.waitFor(), opensslOutput);
    TlsOptions tls = TlsOptions.builder().certificateChain(cert, key).build();
    int port = runner.call(() -> ((InetSocketAddress) runner.reactor.startServer("127.0.0.1", 0,
        () -> new Keeping() {
          @Override
          protected TlsOptions startTlsOptions() {
            return tls;
          }
        }).localAddress()).getPort());
    String script = String.join("\n",
        "import smtplib, socket, ssl, sys",
        "port = int(sys.argv[1])",
        "ctx = ssl.create_default_context(cafile=sys.argv[2])",
        "ctx.check_hostname = False",
        "s = smtplib.SMTP('127.0.0.1', port, timeout=10)",
        "s.ehlo()",
        "print('offered', s.has_extn('starttls'))",
        "print('starttls', s.starttls(context=ctx)[0])",
        "s.ehlo()",
        "print('offered after', s.has_extn('starttls'), s.sock.version() is not None)",
        "s.sendmail('tls@example.org', ['b@example.org'], 'Subject: tls\\r\\n\\r\\nsecret\\r\\n')",
        "s.quit()",
        "c = socket.create_connection(('127.0.0.1', port), timeout=10)",
        "f = c.makefile('rb')",
        "f.readline()",
        "c.sendall(b'EHLO me\\r\\n')",
        "while f.readline()[3:4] != b' ': pass",
        "c.sendall(b'STARTTLS\\r\\nMAIL FROM:<injected@example.org>\\r\\n')",
        "print(f.readline().decode().strip())",
        "t = ctx.wrap_socket(c)",
        "t.sendall(b'RCPT TO:<b@example.org>\\r\\n')",
        "print(t.recv(1000).decode().strip())");
    try (PythonPeer python = new PythonPeer("python3", script, String.valueOf(port),
        cert.toString())) {
      assertEquals("offered True", python.nextLine());
      assertEquals("starttls 220", python.nextLine());
      assertEquals("offered after False True", python.nextLine());
      assertEquals("220 Ready to start TLS", python.nextLine());
      assertEquals("503 Need MAIL before RCPT", python.nextLine(),
          "the MAIL sent in the clear after STARTTLS was dropped");
      assertEquals(0, python.awaitExit(), python.output().toString());
    }
    assertEquals(1, received.size());
    assertEquals("Subject: tls\r\n\r\nsecret\r\n", received.get(0).text());
  }

  @Test
  void clientSendsToAiosmtpd() throws Exception {
    String script = String.join("\n",
        "import asyncio, json",
        "from aiosmtpd.smtp import SMTP",
        "class Handler:",
        "    async def handle_RCPT(self, server, session, envelope, address, options):",
        "        if address == 'nobody@example.org':",
        "            return '550 5.1.1 no such user here'",
        "        envelope.rcpt_tos.append(address)",
        "        return '250 OK'",
        "    async def handle_DATA(self, server, session, envelope):",
        "        print(json.dumps([envelope.mail_from, envelope.rcpt_tos,",
        "                          envelope.original_content.decode()]))",
        "        return '250 Message accepted for delivery'",
        "async def main():",
        "    loop = asyncio.get_running_loop()",
        "    server = await loop.create_server(lambda: SMTP(Handler()), '127.0.0.1', 0)",
        "    print('port', server.sockets[0].getsockname()[1])",
        "    await server.serve_forever()",
        "asyncio.run(main())");
    try (PythonPeer aiosmtpd = new PythonPeer(PythonPeer.DEBIAN_PYTHON, script)) {
      String first = aiosmtpd.nextLine();
      assertTrue(first.startsWith("port "), "aiosmtpd (Debian's python3-aiosmtpd) did not "
          + "start: " + first + " " + aiosmtpd.output());
      int port = Integer.parseInt(first.substring(5));
      SmtpReply reply = send(port, sample(List.of("b@example.org", "c@example.org")),
          SmtpClient.Options.defaults().withHeloDomain("client.test"))
          .get(20, TimeUnit.SECONDS);
      assertEquals(new SmtpReply(250, List.of("Message accepted for delivery")), reply);
      assertEquals("[\"a@example.org\", [\"b@example.org\", \"c@example.org\"], "
          + "\"From: a@example.org\\r\\nSubject: dots\\r\\n\\r\\n.starts with a dot\\r\\n"
          + ".\\r\\n..\\r\\nend\\r\\n\"]", aiosmtpd.nextLine());

      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
          ExecutionException.class, () -> send(port,
              sample(List.of("nobody@example.org")), SmtpClient.Options.defaults())
              .get(20, TimeUnit.SECONDS));
      SmtpException smtp = assertInstanceOf(SmtpException.class, e.getCause());
      assertEquals(new SmtpReply(550, List.of("5.1.1 no such user here")), smtp.reply());
    }
  }
}
