package dev.tether.it;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import dev.tether.unix.NativeCallException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For {@link EffectiveUserIT}, run as root: binds a port below 1024, lowers its fd limit and
 * tries one above the hard limit, becomes {@code nobody}, reports its ids from /proc/self/status,
 * raises the fd limit again unprivileged, fails to become root again or an unknown user, and
 * connects to its own low port to show the listener still serves. One line per fact.
 */
public final class EffectiveUserChild {
  private EffectiveUserChild() {}

  public static void main(String[] args) throws Exception {
    int hard = Integer.parseInt(args[0]);
    Reactor reactor = new Reactor("effective-user");
    reactor.run(() -> {
      Server server = null;
      for (int port = 1023; port >= 900 && server == null; port--) {
        try {
          server = reactor.startServer("127.0.0.1", port, () -> new Connection() {});
        } catch (NativeCallException inUse) {
          // try the next port
        }
      }
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      System.out.println("listening " + port);
      System.out.println("lowered " + Reactor.setDescriptorTableSize(512));
      try {
        Reactor.setDescriptorTableSize(hard + 1);
      } catch (IllegalArgumentException e) {
        System.out.println("above hard: " + e.getMessage());
      }
      Reactor.setEffectiveUser("nobody");
      status();
      System.out.println("raised " + Reactor.setDescriptorTableSize(hard));
      try {
        Reactor.setEffectiveUser("root");
        System.out.println("became root again");
      } catch (NativeCallException e) {
        System.out.println("root refused: " + e.getMessage());
      }
      try {
        Reactor.setEffectiveUser("no-such-user-tether");
      } catch (IllegalArgumentException e) {
        System.out.println("unknown: " + e.getMessage());
      }
      reactor.connect("127.0.0.1", port, new Connection() {
        @Override
        protected void connectionCompleted() {
          System.out.println("connected to " + port + " as nobody");
          reactor.stop();
        }

        @Override
        protected void unbind() {
          if (closeReason() != null) {
            System.out.println("connect failed: " + closeReason());
            reactor.stop();
          }
        }
      });
    });
  }

  private static void status() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:") || line.startsWith("Gid:") || line.startsWith("Groups:")) {
          System.out.println(line.replaceAll("\\s+", " ").trim());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
