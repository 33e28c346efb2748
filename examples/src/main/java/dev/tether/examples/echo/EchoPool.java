package dev.tether.examples.echo;

import dev.tether.supervisor.PoolSignals;
import dev.tether.supervisor.WorkerPool;
import java.net.InetSocketAddress;

/**
 * {@code EchoPool PORT WORKERS}: a prefork TCP echo server, as Unicorn runs one but with the
 * supervisor accepting: it listens on 127.0.0.1:PORT, keeps WORKERS {@link EchoWorker} JVMs
 * alive and hands each connection to the one serving the fewest. TERM and INT stop it
 * gracefully, HUP restarts the workers one at a time, TTIN and TTOU add and remove a worker. Bad
 * arguments exit with status 2 and a usage line.
 */
public final class EchoPool {
  private EchoPool() {}

  public static void main(String[] args) throws InterruptedException {
    int port;
    int workers;
    try {
      if (args.length != 2) {
        throw new IllegalArgumentException("expected two arguments, got " + args.length);
      }
      port = Integer.parseInt(args[0]);
      workers = Integer.parseInt(args[1]);
      if (port < 0 || port > 65535 || workers < 1 || workers > 64) {
        throw new IllegalArgumentException("port : " + port + ", workers : " + workers
            + " (expected: 0..65535 and 1..64)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("usage: EchoPool PORT WORKERS (port 0 picks one; 1..64 workers): "
          + e.getMessage());
      System.exit(2);
      return;
    }
    WorkerPool pool = WorkerPool.builder(new EchoWorker()).size(workers)
        .sizeLimits(1, Math.max(8, 2 * workers))
        .listen(new InetSocketAddress("127.0.0.1", port)).build();
    PoolSignals signals = PoolSignals.install(pool);
    pool.start();
    System.out.println("echo pool (pid " + ProcessHandle.current().pid() + ") listening on "
        + pool.localAddresses() + " with " + workers + " workers");
    signals.awaitStop();
    System.out.println("echo pool stopped");
  }
}
