package dev.tether.server.internal;

import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.ChannelException;
import dev.tether.channel.FrameTooLargeException;
import dev.tether.channel.InvalidElementException;
import dev.tether.channel.MalformedFrameException;
import dev.tether.channel.MessageChannel;
import dev.tether.channel.TruncatedFrameException;
import dev.tether.channel.UnexpectedFdsException;
import dev.tether.reactor.ExitStatus;
import dev.tether.server.CallTimeoutException;
import dev.tether.server.ErrorReplyException;
import dev.tether.server.JavaCommand;
import dev.tether.server.ProtocolErrorException;
import dev.tether.server.ServerBrokenException;
import dev.tether.server.ServerErrorException;
import dev.tether.server.TetherException;
import dev.tether.unix.internal.Io;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's side of one running worker: the channel to it and its process.
 *
 * <p><b>Fds.</b> Owns the supervisor's end of the socket pair ({@link #channel()}) until
 * {@link #stop}; the worker's end is closed here with a plain close(2) right after the spawn, so
 * that this process holds no copy of it (the worker then sees end of stream as soon as the
 * supervisor's end closes, also when the supervisor dies).
 *
 * <p>Thread-safe: {@link #stop} is meant to be called once; the other methods any time. Calls
 * ({@link #call}) are serialized; direct use of {@link #channel()} is not part of that.
 */
public final class WorkerHandle {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerHandle.class);
  private static final int SIGKILL = 9;
  /** How long a death report waits for the exit status before naming none. */
  private static final Duration DEATH_REPORT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration OUTPUT_DRAIN_TIMEOUT = Duration.ofSeconds(2);
  private static final List<String> SYSTEMD_VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS",
      "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID");

  private final String serverClass;
  private final MessageChannel channel;
  private final ChildProcess process;
  /** Held for one exchange (request written, its reply read) of {@link #call}. */
  private final ReentrantLock exchangeLock = new ReentrantLock();
  /** The timed-out call that closed the channel, or null; written under exchangeLock. */
  private volatile CallTimeoutException broken;

  private WorkerHandle(String serverClass, MessageChannel channel, ChildProcess process) {
    this.serverClass = serverClass;
    this.channel = channel;
    this.process = process;
  }

  /**
   * Spawns {@code command} as the worker {@code serverClass}; see
   * {@link #spawn(String, SpawnRequest.Builder, Runnable)}.
   *
   * @param output where the worker's stdout and stderr lines go, or null to inherit ours
   * @throws dev.tether.server.SpawnException if no process could be started; nothing is left open
   */
  public static WorkerHandle spawn(String serverClass, JavaCommand command,
      Consumer<String> output, Runnable beforeFork) {
    SpawnRequest.Builder request = SpawnRequest.builder(command.argv())
        .environment(command.environment());
    command.workingDirectory().ifPresent(request::workingDirectory);
    if (output != null) {
      request.stdout(ChildOutput.lines(output)).stderr(ChildOutput.lines(output));
    }
    return spawn(serverClass, request, beforeFork);
  }

  /**
   * Makes a socket pair, runs {@code beforeFork}, spawns {@code request} with the child's end as
   * its fd 3, and closes this process's copy of the child's end. Any process that speaks the
   * channel on fd 3 will do; {@code name} names it in messages.
   *
   * @throws dev.tether.server.SpawnException if no process could be started; nothing is left open
   */
  public static WorkerHandle spawn(String name, SpawnRequest.Builder request,
      Runnable beforeFork) {
    ProcessSpawner.WithChannel spawned = ProcessSpawner.spawnWithChannel(request, beforeFork);
    MessageChannel channel;
    try {
      channel = MessageChannel.fromFd(spawned.channelFd());
    } catch (RuntimeException | Error e) {
      Io.close(spawned.channelFd()); // the worker sees end of stream and exits
      throw e;
    }
    LOG.debug("started {} as pid {}", name, spawned.process().pid());
    return new WorkerHandle(name, channel, spawned.process());
  }

  /**
   * The worker's command line: {@code mainClass serverClass}, the supervisor's launcher and class
   * path, then {@code customizer}'s changes (if not null). Drops an inherited
   * {@code channelFdVariable} (set if this JVM is a worker itself) and moves HotSpot off USR2 when
   * the worker handles USR2.
   */
  public static JavaCommand command(String mainClass, String serverClass,
      String channelFdVariable, boolean handlesUsr2, Consumer<JavaCommand.Builder> customizer) {
    JavaCommand.Builder b = JavaCommand.builder(mainClass).args(serverClass)
        .removeEnvironment(channelFdVariable);
    // systemd's hand-overs are the supervisor's: a worker must neither take them nor notify.
    for (String variable : SYSTEMD_VARIABLES) {
      b.removeEnvironment(variable);
    }
    // Same launcher as this JVM by default: keep JDK 22+ from warning about jnr-ffi.
    if (Runtime.version().feature() >= 22) {
      b.jvmOptions("--enable-native-access=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 24) {
      b.jvmOptions("--sun-misc-unsafe-memory-access=allow"); // jffi uses Unsafe
    }
    if (handlesUsr2) {
      b.environment(SignalHandlers.SR_SIGNUM_VARIABLE, SignalHandlers.SR_SIGNUM);
    }
    if (customizer != null) {
      customizer.accept(b);
    }
    return b.build();
  }

  /** The supervisor's channel to the worker (owned here). */
  public MessageChannel channel() {
    return channel;
  }

  public int pid() {
    return process.pid();
  }

  /** The exit status if the worker has died and been reaped, else empty. Never blocks. */
  public Optional<ExitStatus> exitStatusNow() {
    return Optional.ofNullable(process.onExit().getNow(null));
  }

  /** Waits up to {@code timeout} for the worker to end on its own. */
  public Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
    return process.awaitExit(timeout);
  }

  /** Sends {@code signal} unless the worker has been reaped; false if it has. */
  public boolean signal(int signal) {
    return process.signal(signal);
  }

  /**
   * Closes the channel, then waits, SIGTERMs, waits, SIGKILLs and reaps (see
   * {@link ChildProcess#stop}).
   *
   * @throws TetherException if interrupted (the worker is SIGKILLed then) or not reaped
   */
  public ExitStatus stop(Duration graceful, Duration afterTerm) {
    try {
      channel.close();
    } catch (ChannelException e) {
      LOG.warn("closing the channel to pid {} failed: {}", process.pid(), e.toString());
    }
    ExitStatus status;
    try {
      status = process.stop(graceful, afterTerm);
    } catch (InterruptedException e) {
      process.signal(SIGKILL);
      Thread.currentThread().interrupt();
      throw new TetherException("interrupted while stopping pid " + process.pid()
          + "; sent SIGKILL", e);
    }
    try {
      process.outputDrained().get(OUTPUT_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // A grandchild still holds the output pipe: its pump ends when that process does.
      LOG.debug("output of pid {} still open after exit", process.pid());
    }
    LOG.debug("stopped {} (pid {}): {}", serverClass, process.pid(), status);
    return status;
  }

  /**
   * An exception for a worker that went away while the supervisor was {@code what}; waits briefly
   * for its exit status so that the message can name it.
   */
  public ServerErrorException died(String what, Throwable cause) {
    ExitStatus status = null;
    try {
      status = process.awaitExit(DEATH_REPORT_TIMEOUT).orElse(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new ServerErrorException(serverClass, process.pid(), status, what, cause);
  }

  /**
   * Writes {@code [name, args...]} and reads one reply: {@code AbstractServer.call}. Exchanges are
   * serialized (one write and its reply at a time), so concurrent callers each get their own
   * reply.
   *
   * @param timeout how long the whole call may take (waiting for the channel included), or null
   *     for no limit
   * @throws ErrorReplyException if the reply is an error reply (the worker goes on)
   * @throws ServerErrorException if the worker closed the channel or died meanwhile
   * @throws ProtocolErrorException at once if the reply is malformed (the worker may live on)
   * @throws CallTimeoutException if no reply came within {@code timeout}; the channel is closed
   *     if the request had been written
   * @throws ServerBrokenException if an earlier timed-out call closed the channel
   */
  public List<String> call(Duration timeout, String name, String... args) {
    long start = System.nanoTime();
    List<String> message = new ArrayList<>(args.length + 1);
    message.add(name);
    message.addAll(List.of(args));
    lockExchange(timeout, start, name);
    List<String> reply;
    ChannelException failure = null;
    try {
      CallTimeoutException timedOut = broken;
      if (timedOut != null) {
        throw new ServerBrokenException(serverClass, process.pid(), name, timedOut);
      }
      reply = timeout == null ? exchange(message)
          : exchangeWithin(message, timeout, start + timeout.toNanos());
    } catch (ChannelClosedException | InvalidElementException | FrameTooLargeException e) {
      throw e; // closed by stop(), or refused before anything was written: not the worker's fault
    } catch (TruncatedFrameException e) {
      failure = e; // end of stream inside the reply: the worker went away while writing it
      reply = null;
    } catch (MalformedFrameException | UnexpectedFdsException e) {
      throw new ProtocolErrorException(serverClass, process.pid(), name, e); // it is alive
    } catch (ChannelException e) {
      failure = e;
      reply = null;
    } finally {
      exchangeLock.unlock();
    }
    // Outside the lock: a death report may wait for the exit status.
    if (failure != null) {
      throw died("while exchanging '" + name + "'", failure);
    }
    if (reply == null) {
      throw died("while waiting for the reply to '" + name + "'", null);
    }
    if (!reply.isEmpty() && reply.get(0).equals(Dispatcher.ERROR)) {
      throw new ErrorReplyException(serverClass, name, reply);
    }
    return reply;
  }

  private void lockExchange(Duration timeout, long start, String name) {
    if (timeout == null) {
      exchangeLock.lock();
      return;
    }
    boolean locked;
    try {
      locked = exchangeLock.tryLock(timeout.toNanos() - (System.nanoTime() - start),
          TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TetherException("interrupted while waiting to send '" + name + "' to pid "
          + process.pid(), e);
    }
    if (!locked) {
      throw new CallTimeoutException(serverClass, process.pid(), name, timeout, false);
    }
  }

  private List<String> exchange(List<String> message) {
    channel.write(message);
    return channel.read();
  }

  /**
   * An exchange that closes the channel if it is not over by {@code deadline} (a blocked write or
   * read then ends); whoever completes {@code exchanged} first, the exchange or the timer, decides
   * the outcome.
   */
  private List<String> exchangeWithin(List<String> message, Duration timeout, long deadline) {
    String name = message.get(0);
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new CallTimeoutException(serverClass, process.pid(), name, timeout, false);
    }
    CompletableFuture<Void> exchanged = new CompletableFuture<>();
    // The timer runs on the JDK's shared delay thread; close() unblocks this thread's I/O.
    exchanged.orTimeout(remaining, TimeUnit.NANOSECONDS)
        .whenComplete((v, e) -> {
          if (e != null) {
            channel.close();
          }
        });
    List<String> reply;
    try {
      reply = exchange(message);
    } catch (RuntimeException e) {
      if (!exchanged.complete(null)) {
        throw timedOut(name, timeout, e);
      }
      throw e;
    }
    if (!exchanged.complete(null)) {
      throw timedOut(name, timeout, null); // the reply may have come, but the channel is closed
    }
    return reply;
  }

  /** Under the exchange lock: the channel is closed and every later call is refused. */
  private CallTimeoutException timedOut(String name, Duration timeout, RuntimeException io) {
    CallTimeoutException e =
        new CallTimeoutException(serverClass, process.pid(), name, timeout, true);
    broken = e;
    if (io != null) {
      e.addSuppressed(io);
    }
    try {
      channel.close(); // already closing on the timer's thread; this makes it so before we return
    } catch (ChannelException closing) {
      e.addSuppressed(closing);
    }
    return e;
  }
}
