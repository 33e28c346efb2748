package dev.tether.reactor.protocols;

import dev.tether.reactor.ConnectionClosedException;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.toolkit.Deferrable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A minimal HTTP/1.1 client on a reactor (EM-HttpRequest's {@code EventMachine::HttpRequest}):
 * each request returns a {@link Deferrable} that succeeds with the {@link HttpResponse} or fails
 * with the reason ({@link HttpResponseException} for a malformed or oversized response, {@link
 * java.util.concurrent.TimeoutException} past the timeout, {@link
 * dev.tether.reactor.ConnectionClosedException} or the connect's failure otherwise).
 *
 * <p><b>Keep-alive.</b> The client keeps at most one connection per host and port, and sends the
 * requests for it one after another on that connection (no pipelining): a request made while
 * another is in flight waits, up to {@link #setMaxQueuedRequests} per host. After a response the
 * connection stays open for the next request unless the server said {@code Connection: close},
 * answered with HTTP/1.0 without {@code keep-alive}, or framed the body by closing. An idle kept
 * connection is closed after the idle timeout (5 s by default, {@link #setIdleTimeout}). If a
 * kept connection turns out closed by the server before any byte of the next response came, a
 * GET or HEAD is sent once more on a new connection; other methods fail.
 *
 * <p><b>Framing.</b> Content-Length, strict chunked coding (trailers kept as header fields), and
 * bodies until the close; interim 1xx responses are skipped. The response head is limited to
 * {@link #setMaxHeaderBytes} (16 KiB by default), the body to {@link #setMaxBodyBytes} (16 MiB).
 * Only {@code http} URIs: no TLS, no redirects, no content coding (no Accept-Encoding is sent).
 *
 * <p><b>Threading.</b> Reactor thread only (others throw {@link
 * dev.tether.reactor.ReactorException}); callbacks of the deferrables run on it. The
 * connections are the reactor's (it owns their fds); {@link #close()} closes them.
 */
public final class HttpClient {
  private final Reactor reactor;
  private final Map<String, HttpClientConnection> connections = new HashMap<>();
  private int maxHeaderBytes = 16 * 1024;
  private long maxBodyBytes = 16L * 1024 * 1024;
  private int maxQueuedRequests = 1000;
  private Duration timeout = Duration.ofSeconds(30);
  private Duration idleTimeout = Duration.ofSeconds(5);
  private boolean closing;

  /** A client whose connections live on {@code reactor}. */
  public HttpClient(Reactor reactor) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
  }

  /**
   * One GET of {@code uri} on its own connection, closed after the response ({@code Connection:
   * close}), with the default limits and timeout. Reactor thread only.
   */
  public static Deferrable<HttpResponse> get(Reactor reactor, URI uri) {
    HttpClient once = new HttpClient(reactor);
    return once.request("GET", uri, Map.of("Connection", "close"), null);
  }

  /** {@code request("GET", uri, Map.of(), null)}. */
  public Deferrable<HttpResponse> get(URI uri) {
    return request("GET", uri, Map.of(), null);
  }

  /**
   * Sends {@code method uri} with {@code headers} (Host, Content-Length and, unless given,
   * Connection are added) and {@code body} (null: none), on the host's kept connection or a new
   * one.
   *
   * @throws IllegalArgumentException for a method that is not a token, a URI that is not an
   *     absolute http URI with a host, or a header name or value with CR, LF or a colon in the name
   * @throws dev.tether.reactor.ReactorException off the reactor thread
   */
  public Deferrable<HttpResponse> request(String method, URI uri, Map<String, String> headers,
      byte[] body) {
    reactor.checkInLoop("HttpClient");
    if (!method.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new IllegalArgumentException("method : \"" + method + "\" (expected: a token)");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "uri : " + uri + " (expected: an absolute http URI with a host)");
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    StringBuilder head = new StringBuilder(128);
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    boolean hasConnection = false;
    boolean closeRequested = false;
    for (Map.Entry<String, String> field : headers.entrySet()) {
      String name = field.getKey();
      String value = field.getValue();
      if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || value.indexOf('\r') >= 0
          || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header : \"" + name + ": " + value
            + "\" (expected: a token name and a value without CR or LF)");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("host") || lower.equals("content-length")) {
        continue;
      }
      if (lower.equals("connection")) {
        hasConnection = true;
        closeRequested = value.toLowerCase(Locale.ROOT).contains("close");
      }
      head.append(name).append(": ").append(value).append("\r\n");
    }
    String host = uri.getHost();
    head.append("Host: ").append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]"
        : host).append(port == 80 ? "" : ":" + port).append("\r\n");
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (!hasConnection) {
      head.append("Connection: keep-alive\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = headBytes;
    if (body != null) {
      bytes = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
      System.arraycopy(body, 0, bytes, headBytes.length, body.length);
    }
    Deferrable<HttpResponse> result = new Deferrable<>(reactor);
    HttpExchange exchange = new HttpExchange(method, bytes, closeRequested, result);
    dispatch(hostKey(host, port), host, port, exchange);
    return result;
  }

  /** Closes every kept connection; requests still waiting on them fail. Reactor thread only. */
  public void close() {
    reactor.checkInLoop("HttpClient");
    closing = true; // the requests waiting on these connections fail instead of moving
    try {
      for (HttpClientConnection connection : List.copyOf(connections.values())) {
        connection.closeConnection();
      }
    } finally {
      closing = false;
    }
  }

  /** How many connections are open or opening. Reactor thread only. */
  public int connectionCount() {
    reactor.checkInLoop("HttpClient");
    return connections.size();
  }

  /** Sets the largest response head (and trailer section) accepted, in bytes. */
  public void setMaxHeaderBytes(int max) {
    reactor.checkInLoop("HttpClient");
    maxHeaderBytes = Checks.atLeast("maxHeaderBytes", max, 64);
  }

  /** Sets the largest response body accepted, in bytes. */
  public void setMaxBodyBytes(long max) {
    reactor.checkInLoop("HttpClient");
    if (max < 0 || max > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxBodyBytes : " + max + " (expected: 0.." + (Integer.MAX_VALUE - 8) + ")");
    }
    maxBodyBytes = max;
  }

  /** Sets how many requests may wait for one host's connection. */
  public void setMaxQueuedRequests(int max) {
    reactor.checkInLoop("HttpClient");
    maxQueuedRequests = Checks.atLeast("maxQueuedRequests", max, 1);
  }

  /**
   * Sets the time a request may take from being sent (or queued) to its complete response; past
   * it the request fails with a TimeoutException and its connection is closed.
   */
  public void setTimeout(Duration timeout) {
    reactor.checkInLoop("HttpClient");
    this.timeout = Checks.positive("timeout", timeout);
  }

  /** Sets how long a kept connection may stay idle before the reactor closes it. */
  public void setIdleTimeout(Duration timeout) {
    reactor.checkInLoop("HttpClient");
    this.idleTimeout = Checks.positive("idleTimeout", timeout);
  }

  void dispatch(String key, String host, int port, HttpExchange exchange) {
    if (closing) {
      exchange.fail(new ConnectionClosedException("HttpClient closed"));
      return;
    }
    HttpClientConnection connection = connections.get(key);
    if (connection == null) {
      connection = new HttpClientConnection(this, key, host, port,
          new HttpResponseParser(maxHeaderBytes, maxBodyBytes), idleTimeout);
      connections.put(key, connection);
      try {
        reactor.connect(host, port, connection);
      } catch (RuntimeException e) { // failed at once (EMFILE, a bad address): nothing to reuse
        connections.remove(key, connection);
        exchange.result().tryFail(e);
        return;
      }
    } else if (connection.queued() >= maxQueuedRequests) {
      exchange.result().tryFail(new IllegalStateException("queued requests for " + key + " : "
          + connection.queued() + " (expected: < " + maxQueuedRequests + ")"));
      return;
    }
    exchange.startTimer(reactor, timeout, connection);
    connection.enqueue(exchange);
  }

  void closed(HttpClientConnection connection) {
    connections.remove(connection.key(), connection);
  }

  private static String hostKey(String host, int port) {
    return host.toLowerCase(Locale.ROOT) + ":" + port;
  }
}
