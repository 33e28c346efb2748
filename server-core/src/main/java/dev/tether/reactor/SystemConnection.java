package dev.tether.reactor;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The connection behind {@link Reactor#system}: closes the child's stdin at once, collects its
 * output up to a limit (the rest is read and dropped, so the child is never blocked on a full
 * pipe), and reports the result from {@link #unbind()}, when the child has been reaped.
 */
final class SystemConnection extends ProcessConnection {
  private static final int INITIAL_CAPACITY = 4096;

  private final int limit;
  private final Consumer<SystemResult> callback;
  private byte[] output = new byte[0];
  private int size;
  private boolean truncated;

  SystemConnection(int limit, Consumer<SystemResult> callback) {
    this.limit = limit;
    this.callback = callback;
  }

  @Override
  protected void postInit() {
    closeStdin();
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    int keep = Math.min(data.remaining(), limit - size);
    if (keep < data.remaining()) {
      truncated = true;
    }
    if (keep > 0) {
      if (size + keep > output.length) {
        long grown = Math.max((long) output.length * 2, INITIAL_CAPACITY);
        output = Arrays.copyOf(output, (int) Math.min(limit, Math.max(grown, size + keep)));
      }
      data.get(output, size, keep);
      size += keep;
    }
  }

  @Override
  protected void unbind() {
    ExitStatus status = exitStatus().orElseGet(() -> new ExitStatus.FailedToStart(
        new ReactorException("the exit status of pid " + pid() + " was taken by another waiter"
            + " (a waitpid(-1) outside Tether)")));
    SystemResult result = new SystemResult(Arrays.copyOf(output, size), truncated, status);
    reactor().callbacks().invoke(Callbacks.SYSTEM_CALLBACK, (Runnable) () -> callback
        .accept(result), null);
  }
}
