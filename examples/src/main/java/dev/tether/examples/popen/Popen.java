package dev.tether.examples.popen;

import dev.tether.reactor.ExitStatus;
import dev.tether.reactor.ProcessConnection;
import dev.tether.reactor.ProcessStartException;
import dev.tether.reactor.Reactor;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@code Popen COMMAND [ARG...]}: runs the command (no shell: {@code sh -c '...'} if you want
 * one) through {@link Reactor#popen} with its stdin at end of file and its stderr inherited,
 * copies what it writes to stdout as it comes, and exits with its status: its exit code, or 128 +
 * the signal that killed it, as a shell reports it. A command that cannot be started prints why
 * ({@code popen: cannot spawn [nosuch]: posix_spawnp(nosuch) failed with error(2): ...}) and
 * exits with 127, the shell's "command not found"; no argument exits with 2 and a usage line.
 */
public final class Popen {
  private static final int CANNOT_START = 127;

  private Popen() {}

  /** Copies the child's output to stdout; stops the reactor at unbind, with the status known. */
  static final class Copier extends ProcessConnection {
    private final OutputStream out = new FileOutputStream(FileDescriptor.out);
    ExitStatus status;

    @Override
    protected void postInit() {
      closeStdin();
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      try {
        out.write(bytes); // blocks the loop if stdout is slow: fine for one child
      } catch (IOException e) {
        throw new UncheckedIOException("writing to stdout", e);
      }
    }

    @Override
    protected void unbind() {
      status = exitStatus().orElseThrow();
      reactor().stop();
    }
  }

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: Popen COMMAND [ARG...] (runs COMMAND, no shell)");
      System.exit(2);
      return;
    }
    Reactor reactor = new Reactor("popen");
    Copier copier = new Copier();
    ProcessStartException[] failed = new ProcessStartException[1];
    // run() hands an exception of its init to the error handler, so catch it here.
    reactor.run(() -> {
      try {
        reactor.popen(List.of(args), copier);
      } catch (ProcessStartException e) {
        failed[0] = e;
        reactor.stop();
      }
    });
    if (failed[0] != null) {
      System.err.println("popen: " + failed[0].getMessage());
      System.exit(CANNOT_START);
    }
    System.exit(exitCode(copier.status));
  }

  static int exitCode(ExitStatus status) {
    if (status instanceof ExitStatus.Exited exited) {
      return exited.code();
    }
    if (status instanceof ExitStatus.Signaled signaled) {
      return 128 + signaled.signal();
    }
    return CANNOT_START;
  }
}
