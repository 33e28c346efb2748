package dev.tether.it;

/**
 * A supervisor JVM for {@link SupervisorDeathIT}: starts a {@link FaultyServer} worker, checks it
 * answers, prints {@code worker <pid>} and waits to be killed.
 */
public final class OrphanSupervisor {
  private OrphanSupervisor() {}

  public static void main(String[] args) throws InterruptedException {
    FaultyServer server = new FaultyServer();
    server.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    server.start();
    server.call("ping");
    System.out.println("worker " + server.serverPid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
