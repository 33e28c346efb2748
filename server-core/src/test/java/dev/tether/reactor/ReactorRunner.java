package dev.tether.reactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** Runs a reactor on its own thread for a test and lets the test call into it. */
public final class ReactorRunner implements AutoCloseable {
  public final Reactor reactor;
  private final Thread thread;
  private final AtomicReference<Throwable> runFailure = new AtomicReference<>();

  public ReactorRunner() {
    this(new Reactor("test"));
  }

  public ReactorRunner(Reactor reactor) {
    this.reactor = reactor;
    CountDownLatch started = new CountDownLatch(1);
    thread = new Thread(() -> {
      try {
        reactor.run(started::countDown);
      } catch (Throwable t) {
        runFailure.set(t);
        started.countDown();
      }
    }, "test-reactor");
    thread.start();
    await(started);
    if (runFailure.get() != null) {
      throw new AssertionError("reactor failed to start", runFailure.get());
    }
  }

  /** Runs {@code body} on the reactor thread and returns its result. */
  public <T> T call(Callable<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    reactor.schedule(() -> {
      try {
        result.complete(body.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("call on the reactor thread did not complete", e);
    }
  }

  public void run(Runnable body) {
    call(() -> {
      body.run();
      return null;
    });
  }

  /** Stops the reactor and waits for run() to return. */
  public void stop() {
    reactor.stop();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    if (thread.isAlive()) {
      throw new AssertionError("reactor thread did not end after stop()");
    }
    if (runFailure.get() != null) {
      throw new AssertionError("run() threw", runFailure.get());
    }
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      stop();
    }
  }

  public static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits up to 10 s for {@code condition}, polling; fails with {@code what}. */
  public static void waitFor(String what, BooleanSupplier condition) {
    dev.tether.testing.Await.until(what, java.time.Duration.ofSeconds(10), condition);
  }


  /**
   * Makes the JVM open what it keeps open for good on first use (the reactor's native library,
   * junixsocket, the JDK's socket pre-close fd on newer JDKs), so leak checks count only leaks.
   */
  public static void warmUp() {
    try (ReactorRunner warm = new ReactorRunner()) {
      warm.run(() -> {});
      try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1,
              java.net.InetAddress.getLoopbackAddress());
          java.net.Socket client = new java.net.Socket(server.getInetAddress(),
              server.getLocalPort());
          java.net.Socket accepted = server.accept()) {
        org.newsclub.net.unix.FileDescriptorCast.unsafeUsing(0).getFileDescriptor();
        client.getOutputStream().write(1);
        accepted.getInputStream().read();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
