package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import dev.tether.reactor.ConnectionClosedException;
import dev.tether.reactor.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One kept connection of an {@link HttpClient} to one host and port: sends its queued requests
 * one at a time and parses each response before the next is sent. The reactor owns the fd.
 */
final class HttpClientConnection extends Connection {
  private final HttpClient client;
  private final String key;
  private final String host;
  private final int port;
  private final HttpResponseParser parser;
  private final Duration idleTimeout;
  private final ArrayDeque<HttpExchange> queue = new ArrayDeque<>();
  private HttpExchange current;
  private boolean connected;
  private boolean retiring; // no longer takes requests: closing after the current response
  private int served;
  private Timer idleTimer;

  HttpClientConnection(HttpClient client, String key, String host, int port,
      HttpResponseParser parser, Duration idleTimeout) {
    this.client = client;
    this.key = key;
    this.host = host;
    this.port = port;
    this.parser = parser;
    this.idleTimeout = idleTimeout;
  }

  String key() {
    return key;
  }

  int queued() {
    return queue.size() + (current == null ? 0 : 1);
  }

  void enqueue(HttpExchange exchange) {
    queue.add(exchange);
    if (connected && current == null) {
      sendNext();
    }
  }

  /** The timer of {@code exchange} fired (it has failed already). */
  void timedOut(HttpExchange exchange) {
    if (exchange == current) {
      closeConnection("HTTP request to " + key + " timed out");
    } else {
      queue.remove(exchange);
    }
  }

  @Override
  protected void connectionCompleted() {
    connected = true;
    sendNext();
  }

  private void sendNext() {
    if (current != null || !isOpen()) {
      return;
    }
    current = queue.poll();
    if (current == null) {
      idleTimer = reactor().addTimer(idleTimeout, () -> {
        if (current == null) {
          retire();
          closeConnection();
        }
      });
      return;
    }
    if (idleTimer != null) {
      idleTimer.cancel();
      idleTimer = null;
    }
    parser.expect(current.method().equals("HEAD"));
    sendData(current.request());
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    while (data.hasRemaining()) {
      if (current == null) {
        data.position(data.limit());
        retire();
        closeConnection("bytes from " + key + " with no request outstanding");
        return;
      }
      HttpResponse response;
      try {
        response = parser.parse(data);
      } catch (HttpResponseException e) {
        HttpExchange failed = current;
        current = null;
        failed.fail(e);
        retire();
        closeConnection(e.getMessage());
        return;
      }
      if (response != null) {
        complete(response);
        if (retiring) {
          data.position(data.limit());
          return;
        }
      }
    }
  }

  private void complete(HttpResponse response) {
    HttpExchange done = current;
    current = null;
    served++;
    if (!keepAlive(done, response)) {
      retire(); // before the callbacks, so that requests they make go to a new connection
      closeConnection();
    }
    done.succeed(response);
    if (!retiring) {
      sendNext();
    }
  }

  private static boolean keepAlive(HttpExchange exchange, HttpResponse response) {
    String connection = response.header("Connection");
    String tokens = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
    if (exchange.closeRequested() || tokens.contains("close")) {
      return false;
    }
    return response.version().equals("HTTP/1.1") || tokens.contains("keep-alive");
  }

  /** Leaves the client's table: later requests for this host open a new connection. */
  private void retire() {
    if (!retiring) {
      retiring = true;
      client.closed(this);
    }
  }

  @Override
  protected void unbind() {
    retire();
    if (idleTimer != null) {
      idleTimer.cancel();
    }
    Throwable reason = closeReason();
    List<HttpExchange> again = new ArrayList<>();
    if (current != null && !current.isDone()) {
      HttpResponse last = reason == null ? parser.endOfStream() : null;
      if (last != null) {
        current.succeed(last);
      } else if (!parser.started() && served > 0 && reason == null
          && current.idempotentRetryLeft()) {
        current.markRetried(); // the server closed the kept connection as we reused it
        again.add(current);
      } else {
        current.fail(reason != null ? reason : new ConnectionClosedException("connection to "
            + key + " closed before the response was complete"));
      }
    }
    current = null;
    for (HttpExchange waiting : queue) {
      if (connected) {
        again.add(waiting);
      } else {
        waiting.fail(reason != null ? reason
            : new ConnectionClosedException("connection to " + key + " closed"));
      }
    }
    queue.clear();
    for (HttpExchange exchange : again) {
      if (!exchange.isDone()) {
        client.dispatch(key, host, port, exchange);
      }
    }
  }
}
