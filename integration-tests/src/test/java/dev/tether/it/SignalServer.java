package dev.tether.it;

/**
 * A {@link FaultyServer} that also handles USR1 and USR2, replying [signal, NAME]; USR1 also
 * prints {@link #USR1_HANDLED} on stderr. Handling USR2 needs HotSpot moved off it
 * ({@code _JAVA_SR_SIGNUM}), which {@code start()} arranges.
 */
public class SignalServer extends FaultyServer {
  static final String USR1_HANDLED = "USR1 handled";

  public SignalServer() {
    defineSignalHandler("USR1", () -> {
      System.err.println(USR1_HANDLED);
      client().write("signal", "USR1");
    });
    defineSignalHandler("SIGUSR2", () -> client().write("signal", "USR2"));
  }
}
