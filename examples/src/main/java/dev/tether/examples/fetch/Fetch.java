package dev.tether.examples.fetch;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.protocols.HttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * {@code Fetch URL}: GETs an http:// URL with the reactor's {@link HttpClient} and writes the
 * response body to stdout, the status line to stderr; exits 0 for a 2xx answer, 1 for another
 * status or a failure (said on stderr), 2 for a bad argument. One reactor on the main thread,
 * stopped by the Deferrable's callback or errback.
 */
public final class Fetch {
  private Fetch() {}

  public static void main(String[] args) throws IOException {
    URI uri;
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("expected one argument, got " + args.length);
      }
      uri = new URI(args[0]);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("url : " + args[0] + " (expected: http://host...)");
      }
    } catch (IllegalArgumentException | URISyntaxException e) {
      ReactorMain.exitWithUsage("Fetch URL (http://host[:port]/path)",
          e instanceof IllegalArgumentException ? (IllegalArgumentException) e
              : new IllegalArgumentException(e.getMessage(), e));
      return;
    }
    Reactor reactor = new Reactor("fetch");
    int[] status = {1};
    byte[][] body = {null};
    reactor.run(() -> HttpClient.get(reactor, uri)
        .callback(response -> {
          System.err.println(response.version() + " " + response.status() + " "
              + response.reason());
          body[0] = response.body();
          status[0] = response.status() / 100 == 2 ? 0 : 1;
          reactor.stop();
        })
        .errback(error -> {
          System.err.println("fetch " + uri + " failed: " + error);
          reactor.stop();
        }));
    if (body[0] != null) {
      System.out.write(body[0]);
      System.out.flush();
    }
    System.exit(status[0]);
  }
}
