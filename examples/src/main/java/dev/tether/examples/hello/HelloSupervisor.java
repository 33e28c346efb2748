package dev.tether.examples.hello;

import java.util.List;

/**
 * Starts a {@link MyServer} worker JVM, says hello to it, prints the reply and stops it:
 * {@code java -cp <examples and dependencies> dev.tether.examples.hello.HelloSupervisor}.
 * The worker inherits this process's class path, so nothing else needs to be set up.
 */
public final class HelloSupervisor {
  private HelloSupervisor() {}

  public static void main(String[] args) {
    MyServer server = new MyServer();
    server.start();
    try {
      List<String> reply = server.hello("Joe", "Dalton");
      System.out.println("The server said: " + reply.get(0));
      System.out.println("In addition, it sent this pointless number: " + reply.get(1));
    } finally {
      System.out.println("Worker pid " + server.serverPid() + " ended: " + server.stop());
    }
  }
}
