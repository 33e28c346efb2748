package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.http.HttpHello;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HttpHello process under real peers: curl, python3's http.client and the JDK's HttpClient;
 * then SIGTERM. One server process serves every test; the last test stops it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpHelloIT {
  private static final String HELLO = "Hello, world!\n";

  private static ExampleProcess server;
  private static String url;

  @BeforeAll
  static void startServer() throws Exception {
    server = ExampleProcess.start(HttpHello.class, "0");
    String line = server.stdout().awaitLine(
        l -> l.startsWith("http hello listening on "), Workers.JVM_START);
    url = "http://127.0.0.1:" + line.substring(line.lastIndexOf(':') + 1) + "/";
  }

  @AfterAll
  static void killServer() throws InterruptedException {
    server.close();
  }

  @Test
  void curlKeepsItsConnectionAlive() throws Exception {
    // Two URLs in one curl: the second transfer reuses the first's connection (0 new connects).
    assertEquals("200 1\n200 0\n", curl("-w", "%{http_code} %{num_connects}\\n",
        "-o", "/dev/null", url, "-o", "/dev/null", url));
    assertEquals(HELLO, curl(url + "some/path?q=1"));
  }

  @Test
  void curlSendsABodyAfter100Continue(@TempDir Path dir) throws Exception {
    Path body = Files.write(dir.resolve("body"), new byte[300_000]);
    // curl would wait 60 s for the interim answer, longer than its --max-time: without the
    // "100 Continue" this fails.
    assertEquals(HELLO, curl("-H", "Expect: 100-continue", "--expect100-timeout", "60",
        "--data-binary", "@" + body, url));
  }

  @Test
  void curlHttp10GetsConnectionClose() throws Exception {
    String head = curl("-0", "-D", "-", "-o", "/dev/null", url);
    assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
    assertTrue(head.contains("\r\nConnection: close\r\n"), head);
  }

  @Test
  void pythonHttpClientUsesOneConnection() throws Exception {
    String script = String.join("\n",
        "import http.client, sys",
        "c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)",
        "socks = set()",
        "for i in range(6):",
        "    c.request('POST' if i % 2 else 'GET', '/p', body=b'y' * 1000 * i if i % 2 else None)",
        "    r = c.getresponse()",
        "    body = r.read()",
        "    assert (r.status, body) == (200, b'Hello, world!\\n'), (r.status, body)",
        "    socks.add(id(c.sock))",
        "c.request('HEAD', '/')",
        "r = c.getresponse()",
        "assert (r.read(), r.getheader('Content-Length')) == (b'', '14')",
        "print(len(socks), 'connection(s)')");
    String port = url.substring("http://127.0.0.1:".length(), url.length() - 1);
    assertEquals("1 connection(s)\n", PeerPrograms.run("python3", "-c", script, port));
  }

  @Test
  void jdkHttpClientGetsHello() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 10; i++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + i));
      HttpRequest request = i % 2 == 0 ? b.build()
          : b.POST(HttpRequest.BodyPublishers.ofString("x".repeat(i * 100))).build();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(HELLO, r.body());
      assertEquals("text/plain", r.headers().firstValue("content-type").orElse(null));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // after every test that needs the server
  void exitsOnSigterm() throws Exception {
    server.assertStopsCleanlyOnSigterm();
  }

  private static String curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
    cmd.addAll(List.of(args));
    return PeerPrograms.run(cmd.toArray(new String[0]));
  }
}
