package dev.tether.reactor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A popen connection that records what the child wrote and what unbind saw. */
class ProcessRecorder extends ProcessConnection {
  /** What {@link #unbind()} saw: the process facts must all be there. */
  record Unbound(int pid, ExitStatus status, String output, String stderr, Throwable reason) {}

  final ByteArrayOutputStream output = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  final CompletableFuture<Unbound> unbound = new CompletableFuture<>();

  @Override
  protected synchronized void receiveData(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    output.writeBytes(bytes);
  }

  @Override
  protected synchronized void receiveStderr(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    stderr.writeBytes(bytes);
  }

  @Override
  protected synchronized void unbind() {
    unbound.complete(new Unbound(pid(), exitStatus().orElse(null), text(output), text(stderr),
        closeReason()));
  }

  synchronized int outputSize() {
    return output.size();
  }

  Unbound awaitUnbind() {
    try {
      return unbound.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("unbind did not come", e);
    }
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
