package dev.tether.examples.http;

import dev.tether.supervisor.ListenFd;
import dev.tether.supervisor.PoolSignals;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.SocketActivation;
import dev.tether.supervisor.WorkerPool;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code HttpHelloPool PORT WORKERS [STATUS_SOCKET]}: a supervisor that keeps WORKERS
 * {@link HttpHelloWorker} JVMs alive and hands each connection it accepts on 127.0.0.1:PORT to
 * the least loaded one. Under systemd's socket activation it serves the sockets systemd passed
 * instead of PORT, and tells systemd when it is ready. Signals, as Unicorn's and Gunicorn's users
 * expect: TERM and INT stop gracefully, HUP restarts the workers one at a time, TTIN and TTOU add
 * and remove a worker. Its status is served at STATUS_SOCKET (default:
 * {@code <tmpdir>/tether-<user>/http-hello-<pid>.sock}) for {@code scripts/tether-status}. Bad
 * arguments exit with status 2 and a usage line.
 */
public final class HttpHelloPool {
  private HttpHelloPool() {}

  public static void main(String[] args) throws InterruptedException {
    int port;
    int workers;
    try {
      if (args.length != 2 && args.length != 3) {
        throw new IllegalArgumentException("expected two or three arguments, got "
            + args.length);
      }
      port = Integer.parseInt(args[0]);
      workers = Integer.parseInt(args[1]);
      if (port < 0 || port > 65535 || workers < 1 || workers > 64) {
        throw new IllegalArgumentException("port : " + port + ", workers : " + workers
            + " (expected: 0..65535 and 1..64)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("usage: HttpHelloPool PORT WORKERS [STATUS_SOCKET] (port 0 picks one;"
          + " 1..64 workers): " + e.getMessage());
      System.exit(2);
      return;
    }
    Path statusSocket = args.length == 3 ? Path.of(args[2])
        : Path.of(System.getProperty("java.io.tmpdir"), "tether-" + System.getProperty("user.name"),
            "http-hello-" + ProcessHandle.current().pid() + ".sock");
    WorkerPool.Builder builder = WorkerPool.builder(new HttpHelloWorker()).size(workers)
        .sizeLimits(1, Math.max(8, 2 * workers)).drainTimeout(Duration.ofSeconds(30))
        .statusSocket(statusSocket);
    List<ListenFd> activated = SocketActivation.takeListenFds();
    if (activated.isEmpty()) {
      builder.listen(new InetSocketAddress("127.0.0.1", port));
    } else {
      activated.forEach(socket -> builder.listenFd(socket.fd()));
    }
    WorkerPool pool = builder.build();
    PoolSignals signals = PoolSignals.install(pool);
    pool.start();
    System.out.println("http hello pool (pid " + ProcessHandle.current().pid()
        + ") listening on " + pool.localAddresses() + " with " + workers + " workers; status: "
        + "scripts/tether-status " + statusSocket);
    if (pool.awaitState(PoolState.SERVING, Duration.ofSeconds(60))) {
      System.out.println("http hello pool serving: " + pool.status().ready() + " workers ready");
    }
    signals.awaitStop();
    System.out.println("http hello pool stopped");
  }
}
