package dev.tether.examples.hello;

import dev.tether.server.AbstractServer;
import java.util.List;

/**
 * The example of Passenger's {@code AbstractServer}, in Java: a worker that answers
 * {@code ["hello", first, last]} with {@code ["Hello <first> <last>, how are you?", "1234"]}.
 *
 * <p>Both sides live in this class: the constructor defines the worker's handler (it runs in the
 * supervisor too, where it only registers it), {@link #handleHello} runs in the worker JVM, and
 * {@link #hello} is the supervisor's typed client method.
 */
public class MyServer extends AbstractServer {
  /** The number the worker sends along with its greeting, as in the original example. */
  static final String POINTLESS_NUMBER = "1234";

  /** Defines the {@code hello} handler. */
  public MyServer() {
    defineMessageHandler("hello", args -> handleHello(args.get(0), args.get(1)));
  }

  /**
   * Supervisor side: asks the worker to greet {@code first last}.
   *
   * @return the reply: the greeting and the pointless number
   */
  public List<String> hello(String first, String last) {
    return call("hello", first, last);
  }

  /** Worker side, on the reactor thread. */
  private void handleHello(String first, String last) {
    client().write("Hello " + first + " " + last + ", how are you?", POINTLESS_NUMBER);
  }
}
