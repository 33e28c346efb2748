package dev.tether.reactor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A child process served as a full-duplex {@link Connection} (EventMachine's {@code EM.popen}):
 * {@link #sendData} writes to the child's stdin, {@link #receiveData} gets its stdout (and its
 * stderr when {@link ProcessOptions.Stderr#MERGE merged}). Subclass it and pass it to {@link
 * Reactor#popen}. Everything in {@link Connection}'s contract holds (threading, callback order,
 * back pressure); this class adds the process.
 *
 * <p><b>Unbind comes last.</b> {@link #unbind()} runs once, when three things are over: the
 * connection is closed (the child's output ended, or this side closed it), the child's separate
 * stderr (if any) reached end of file, and the child has terminated and been reaped through its
 * pidfd. So {@link #pid()} and {@link #exitStatus()} are there in {@code unbind}. Its stdin and
 * stdout are one socket, so its output ends when the child has closed both (or exited). A child
 * that closes them but lives on keeps {@code unbind} waiting until it exits ({@link #signal} ends
 * it early); a child that has exited while a process it started still holds the socket keeps
 * {@code unbind} waiting until that process closes it too, or this side closes the connection.
 *
 * <p><b>Back pressure.</b> As on any connection, {@link #isWritable()} turns false above the high
 * watermark, and {@link #drained()} says when the queue is empty again. One difference: the
 * child's output is read even while the outgoing queue is above the high watermark (only {@link
 * #pause()} stops it), because a child that echoes its input, as {@code cat} does, stops reading
 * while it is blocked writing output that nobody reads: both sides would wait for ever.
 *
 * <p><b>Closing from this side.</b> {@link #closeStdin()} gives the child end of file on its
 * stdin once the queued bytes are written, and goes on reading its output: the way to feed a
 * filter such as {@code sort}. {@link #closeConnection()} and {@link
 * #closeConnectionAfterWriting()} close the socket: the child sees end of file on stdin and a
 * broken pipe (EPIPE, or SIGPIPE) if it writes again; its separate stderr is closed with it.
 *
 * <p><b>No zombie, no leak.</b> The reactor owns the socket, the stderr pipe and the pidfd, and
 * closes each one when its part ends. Every child is reaped: a child still running when the
 * reactor stops is killed with SIGKILL and reaped before {@link Reactor#run} returns (EventMachine
 * sends SIGTERM first and waits; Tether does not delay a stopping loop on a child's shutdown).
 */
public abstract class ProcessConnection extends Connection {
  private Reactor processReactor;
  private List<String> command;
  private PidfdHandle process;
  private StderrHandle stderr;
  private boolean socketClosed;
  private boolean exited;
  private ExitStatus exitStatus;
  private boolean unbound;

  /**
   * Called with bytes the child wrote to its stderr, when started with {@link
   * ProcessOptions.Stderr#SEPARATE}. As with {@link #receiveData}, {@code data} is the reactor's
   * read buffer: valid only until you return. The default ignores them.
   */
  protected void receiveStderr(ByteBuffer data) {}

  /** The child's process id (it stays this child's identity after exit, but is not signalled). */
  public final int pid() {
    checkProcess();
    return process.pid();
  }

  /** The argv the child was started with. */
  public final List<String> command() {
    checkProcess();
    return command;
  }

  /**
   * How the child ended, once it has been reaped (always so in {@link #unbind()}); empty while it
   * runs. Also empty after the end in one case: something else in this process reaped the child
   * first (a {@code waitpid(-1)} outside Tether), so its status is lost.
   */
  public final Optional<ExitStatus> exitStatus() {
    checkProcess();
    return Optional.ofNullable(exitStatus);
  }

  /** Whether the child has terminated and been reaped. */
  public final boolean hasExited() {
    checkProcess();
    return exited;
  }

  /**
   * Sends {@code signal} (1..64) to the child through its pidfd, so never to a process that
   * reused its pid.
   *
   * @return false if the child has been reaped already (nothing is sent)
   * @throws IllegalArgumentException if {@code signal} is out of range
   * @throws dev.tether.unix.NativeCallException if pidfd_send_signal fails
   */
  public final boolean signal(int signal) {
    checkProcess();
    return process.signal(signal);
  }

  /**
   * Once every byte queued so far is written, shuts down the sending half of the socket: the
   * child reads end of file on stdin, and its output is still received. Data sent afterwards is
   * dropped (the write fails with EPIPE and closes the connection). Idempotent.
   */
  public final void closeStdin() {
    checkProcess();
    write(() -> reactor().io().sockets.shutdownOutput(endpoint.fd));
  }

  void startProcess(Reactor reactor, List<String> argv, PidfdHandle pidfd,
      StderrHandle stderrPipe) {
    this.processReactor = reactor;
    this.command = List.copyOf(argv);
    this.process = pidfd;
    this.stderr = stderrPipe;
  }

  /** The socket is closed; unbind waits for the rest (see the class documentation). */
  @Override
  void released() {
    socketClosed = true;
    if (stderr != null && !isInputEnded()) {
      stderr.close(); // closed by this side (or an error): stop reading the child's output
    }
    unbindWhenDone();
  }

  /** {@link PidfdHandle.Listener} of this connection's child. */
  void processEnded(ExitStatus status) {
    exited = true;
    exitStatus = status;
    unbindWhenDone();
  }

  void stderrEnded() {
    unbindWhenDone();
  }

  /** The spawn failed after the child started: stop tracking it without any callback. */
  void abandon() {
    unbound = true;
  }

  private void unbindWhenDone() {
    if (!unbound && socketClosed && exited && (stderr == null || stderr.isClosed())) {
      unbound = true;
      processReactor.callbacks().invoke(Callbacks.UNBIND, this, null);
    }
  }

  private void checkProcess() {
    if (process == null) {
      throw new ReactorException("process connection " + getClass().getName()
          + " is not bound to a process (expected: from Reactor.popen)");
    }
    processReactor.checkLoop();
  }
}
