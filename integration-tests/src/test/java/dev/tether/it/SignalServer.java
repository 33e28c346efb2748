package dev.tether.it;

/**
 * A {@link FaultyServer} that also handles USR1 and USR2, replying [signal, NAME]. Handling USR2
 * needs HotSpot moved off it ({@code _JAVA_SR_SIGNUM}), which {@code start()} arranges.
 */
public class SignalServer extends FaultyServer {
  public SignalServer() {
    defineSignalHandler("USR1", () -> client().write("signal", "USR1"));
    defineSignalHandler("SIGUSR2", () -> client().write("signal", "USR2"));
  }
}
