package dev.tether.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import dev.tether.reactor.protocols.HttpClient;
import dev.tether.reactor.protocols.HttpResponse;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reactor's HttpClient against the project's own HttpHelloConnection, on one reactor. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpClientHelloTest {
  private final AtomicInteger accepted = new AtomicInteger();
  private Reactor reactor;
  private Thread thread;
  private URI uri;

  @BeforeEach
  void start() throws Exception {
    reactor = new Reactor("http-client-test");
    CompletableFuture<Server> started = new CompletableFuture<>();
    thread = new Thread(() -> reactor.run(() -> started.complete(
        reactor.startServer("127.0.0.1", 0, () -> {
          accepted.incrementAndGet();
          return new HttpHelloConnection();
        }))), "http-client-test-reactor");
    thread.start();
    int port = ((InetSocketAddress) started.get(30, TimeUnit.SECONDS).localAddress()).getPort();
    uri = URI.create("http://127.0.0.1:" + port + "/hello");
  }

  @AfterEach
  void stop() throws InterruptedException {
    reactor.stop();
    thread.join(10_000);
    assertFalse(thread.isAlive(), "reactor thread still running 10 s after stop()");
  }

  private <T> T call(Callable<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    reactor.schedule(() -> {
      try {
        result.complete(body.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(30, TimeUnit.SECONDS);
  }

  @Test
  void sequentialRequestsShareOneKeptConnection() throws Exception {
    HttpClient client = call(() -> new HttpClient(reactor));
    List<CompletableFuture<HttpResponse>> responses = call(() -> {
      List<CompletableFuture<HttpResponse>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(client.get(uri).toCompletableFuture());
      }
      all.add(client.request("HEAD", uri, Map.of(), null).toCompletableFuture());
      all.add(client.request("POST", uri, Map.of("Content-Type", "text/plain"),
          "a body".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toCompletableFuture());
      return all;
    });
    for (int i = 0; i < responses.size(); i++) {
      HttpResponse response = responses.get(i).get(30, TimeUnit.SECONDS);
      assertEquals(200, response.status());
      assertEquals(i == 20 ? "" : "Hello, world!\n", response.bodyText());
    }
    assertEquals(1, accepted.get(), "requests did not share one connection");
    HttpResponse once = call(() -> HttpClient.get(reactor, uri).toCompletableFuture())
        .get(30, TimeUnit.SECONDS);
    assertEquals("close", once.header("Connection"));
    assertEquals(2, accepted.get());
    call(() -> {
      client.close();
      return null;
    });
  }
}
