package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.smtp.SmtpSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SmtpSink process under python3's smtplib: three mails (one to two recipients, one with
 * lines starting with a dot) become three files with their envelope and exact content; a
 * pipelined burst sent at once is answered in order; then SIGTERM.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SmtpSinkIT {
  @TempDir
  Path dir;

  @Test
  void pythonSmtplibMailsBecomeOneFileEach() throws Exception {
    try (ExampleProcess sink = ExampleProcess.start(SmtpSink.class, "0", dir.toString())) {
      String line = sink.stdout().awaitLine(
          l -> l.startsWith("smtp sink listening on 127.0.0.1:"), Workers.JVM_START);
      String port = line.substring(line.lastIndexOf(':') + 1);
      String script = String.join("\n",
          "import smtplib, socket, sys",
          "port = int(sys.argv[1])",
          "with smtplib.SMTP('127.0.0.1', port, timeout=10) as s:",
          "    s.sendmail('a@example.org', ['b@example.org'],",
          "               'Subject: one\\r\\n\\r\\nfirst\\r\\n')",
          "    s.sendmail('a@example.org', ['b@example.org', 'c@example.org'],",
          "               'Subject: two\\r\\n\\r\\n.dot\\r\\n..two dots\\r\\n')",
          "    s.sendmail('', ['d@example.org'],",
          "               'Subject: three\\r\\n\\r\\n' + 'x' * 900 + '\\r\\n')",
          "c = socket.create_connection(('127.0.0.1', port), timeout=10)",
          "f = c.makefile('rb')",
          "f.readline()",
          "c.sendall(b'EHLO me\\r\\nMAIL FROM:<p@example.org>\\r\\nRCPT TO:<q@example.org>\\r\\n'",
          "          b'DATA\\r\\nSubject: piped\\r\\n\\r\\nbody\\r\\n.\\r\\nQUIT\\r\\n')",
          "codes = []",
          "while True:",
          "    l = f.readline()",
          "    if not l: break",
          "    if l[3:4] == b' ': codes.append(int(l[:3]))",
          "print(codes)");
      assertEquals("[250, 250, 250, 354, 250, 221]\n",
          PeerPrograms.run("python3", "-c", script, port));
      Workers.await(() -> sink.stdout().lines().stream()
          .filter(l -> l.startsWith("stored ")).count() == 4, Duration.ofSeconds(20),
          () -> "four stored lines: " + sink.output());
      assertEquals("X-Envelope-From: <a@example.org>\r\nX-Envelope-To: <b@example.org>\r\n"
          + "Subject: one\r\n\r\nfirst\r\n", read("mail-1.eml"));
      assertEquals("X-Envelope-From: <a@example.org>\r\nX-Envelope-To: <b@example.org>\r\n"
          + "X-Envelope-To: <c@example.org>\r\nSubject: two\r\n\r\n.dot\r\n..two dots\r\n",
          read("mail-2.eml"));
      assertEquals("X-Envelope-From: <>\r\nX-Envelope-To: <d@example.org>\r\n"
          + "Subject: three\r\n\r\n" + "x".repeat(900) + "\r\n", read("mail-3.eml"));
      assertEquals("X-Envelope-From: <p@example.org>\r\nX-Envelope-To: <q@example.org>\r\n"
          + "Subject: piped\r\n\r\nbody\r\n", read("mail-4.eml"));
      assertEquals(143, sink.terminate(Duration.ofSeconds(30)),
          "exit status after SIGTERM (128 + 15)");
      assertTrue(sink.lines().stream().noneMatch(l -> l.contains("Exception")),
          sink.lines().toString());
    }
  }

  @Test
  void aMissingDirectoryExitsWithUsage() throws Exception {
    try (ExampleProcess p = ExampleProcess.start(SmtpSink.class, "0",
        dir.resolve("missing").toString())) {
      assertEquals(2, p.awaitExit(Duration.ofSeconds(60)), p.output());
      String out = p.output();
      assertTrue(out.contains("usage: SmtpSink PORT DIR") && out.contains("missing"), out);
    }
  }

  private String read(String name) throws Exception {
    return new String(Files.readAllBytes(dir.resolve(name)), StandardCharsets.UTF_8);
  }
}
