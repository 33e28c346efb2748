package dev.tether.it;

import dev.tether.supervisor.ListenFd;
import dev.tether.supervisor.PoolSignals;
import dev.tether.supervisor.SocketActivation;
import dev.tether.supervisor.WorkerPool;
import java.util.List;

/**
 * A supervisor process as an operator runs one under systemd: takes the listening sockets systemd
 * passed, keeps a pool of {@link PoolEchoServer} workers ({@code args[0]} of them) serving them,
 * and obeys TERM, INT, HUP, TTIN and TTOU.
 */
public final class PoolSupervisorMain {
  private PoolSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    List<ListenFd> sockets = SocketActivation.takeListenFds();
    PoolEchoServer prototype = new PoolEchoServer();
    prototype.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    WorkerPool.Builder builder = WorkerPool.builder(prototype).size(Integer.parseInt(args[0]))
        .sizeLimits(1, 8).bootConcurrency(2);
    for (ListenFd socket : sockets) {
      builder.listenFd(socket.fd());
    }
    WorkerPool pool = builder.build();
    PoolSignals signals = PoolSignals.install(pool);
    pool.start();
    signals.awaitStop();
  }
}
