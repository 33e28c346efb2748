package dev.tether.server.internal;

import dev.tether.server.SpawnException;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.CleanSpawn;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts child processes with glibc's {@code posix_spawnp}, never a shell.
 *
 * <p>What a child gets: its argv and environment exactly as requested; fds 0-2 inherited from the
 * supervisor (or 1/2 redirected into capture pipes); the request's fd 3 if any; nothing else, and
 * a clean signal state: {@link CleanSpawn}, the spawn path the reactor's {@code popen} shares.
 * Optionally the child leads a new process group.
 *
 * <p>Thread-safe and stateless: any thread may spawn at any time. Capture pipes are created
 * close-on-exec so that children spawned concurrently (also by {@code ProcessBuilder}) never
 * inherit each other's pipes.
 */
public final class ProcessSpawner {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessSpawner.class);
  private static final int CHILD_FD3 = 3;

  private ProcessSpawner() {}

  /** A spawned child and the supervisor's end of its channel, which the caller owns. */
  public record WithChannel(ChildProcess process, int channelFd) {}

  /**
   * Makes a socket pair, runs {@code beforeFork}, spawns {@code request} with the child's end as
   * its fd 3, and closes this process's copy of the child's end (a plain close(2), never a
   * shutdown, which would end the socket for the child too): the child then sees end of stream as
   * soon as the supervisor's end closes, also when the supervisor dies.
   *
   * @throws SpawnException if no process could be started; nothing is left open then
   */
  public static WithChannel spawnWithChannel(SpawnRequest.Builder request, Runnable beforeFork) {
    int[] pair = Sockets.pair();
    try {
      beforeFork.run();
      return new WithChannel(spawn(request.fd3(pair[1]).build()), pair[0]);
    } catch (RuntimeException | Error e) {
      Io.close(pair[0]);
      throw e;
    } finally {
      Io.close(pair[1]);
    }
  }

  /**
   * Spawns the child described by {@code request} and starts reaping it.
   *
   * @return the running child; it owns the capture pipes' read ends. The caller still owns
   *     {@code request.fd3()} and should close its copy once the child has it.
   * @throws SpawnException if no process could be started (executable missing or not executable,
   *     bad working directory, out of processes...); nothing is left to clean up then
   */
  public static ChildProcess spawn(SpawnRequest request) {
    List<int[]> pipes = new ArrayList<>(2);
    try {
      int[] outPipe = capturePipe(request.stdout(), pipes);
      int[] errPipe = capturePipe(request.stderr(), pipes);
      int pid = posixSpawn(request, outPipe, errPipe);
      List<CompletableFuture<Void>> drained = new ArrayList<>(2);
      // From here the read ends belong to their pumps; mark them so the finally leaves them open.
      if (outPipe != null) {
        drained.add(startPump(outPipe, pid, "stdout", request.stdout()));
      }
      if (errPipe != null) {
        drained.add(startPump(errPipe, pid, "stderr", request.stderr()));
      }
      return ChildProcess.start(pid, request.argv(), drained);
    } catch (NativeCallException e) {
      throw new SpawnException(request.argv(), e.errno(), e,
          CleanSpawn.hint(request.argv(), request.workingDirectory().orElse(null), e));
    } finally {
      // Write ends always (the child has its copies); read ends only if no pump took them.
      for (int[] p : pipes) {
        closeQuietly(p[1]);
        if (p[0] >= 0) {
          closeQuietly(p[0]);
        }
      }
    }
  }

  private static int[] capturePipe(ChildOutput output, List<int[]> pipes) {
    if (!(output instanceof ChildOutput.Lines)) {
      return null;
    }
    int[] p = Io.pipe(true);
    pipes.add(p);
    return p;
  }

  private static CompletableFuture<Void> startPump(int[] pipe, int pid, String name,
      ChildOutput o) {
    int readFd = pipe[0];
    pipe[0] = -1;
    return OutputPump.start(readFd, pid, name, ((ChildOutput.Lines) o).sink()).done();
  }

  private static int posixSpawn(SpawnRequest request, int[] outPipe, int[] errPipe) {
    boolean withFd3 = request.fd3() != SpawnRequest.NO_FD;
    int[] childFds = new int[withFd3 ? 4 : 3];
    childFds[0] = CleanSpawn.INHERIT;
    childFds[1] = outPipe != null ? outPipe[1] : CleanSpawn.INHERIT;
    childFds[2] = errPipe != null ? errPipe[1] : CleanSpawn.INHERIT;
    if (withFd3) {
      childFds[CHILD_FD3] = request.fd3();
    }
    return CleanSpawn.spawn(request.argv(), environmentStrings(request.environment()),
        request.workingDirectory().orElse(null), childFds, request.newProcessGroup());
  }

  private static List<String> environmentStrings(Map<String, String> env) {
    List<String> out = new ArrayList<>(env.size());
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  private static void closeQuietly(int fd) {
    try {
      Io.close(fd);
    } catch (NativeCallException e) {
      // Only reachable through a bug (EBADF); spawning itself must not fail because of it.
      LOG.warn("closing pipe fd {} after spawn failed", fd, e);
    }
  }
}
