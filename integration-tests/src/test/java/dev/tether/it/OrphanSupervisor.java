package dev.tether.it;

/**
 * A supervisor JVM for {@link SupervisorDeathIT}: starts a {@link FaultyServer} worker, checks it
 * answers, with argument {@code in-flight} sends it {@code ["nap", "1000"]} (a call whose reply
 * will find the supervisor gone), prints {@code worker <pid>} and waits to be killed.
 */
public final class OrphanSupervisor {
  private OrphanSupervisor() {}

  public static void main(String[] args) throws InterruptedException {
    FaultyServer server = new FaultyServer();
    server.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    server.start();
    server.call("ping");
    if (args.length > 0 && args[0].equals("in-flight")) {
      server.server().write("nap", "1000");
    }
    System.out.println("worker " + server.serverPid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
