package dev.tether.server.internal;

import dev.tether.unix.internal.Io;
import dev.tether.server.JavaCommand;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Manual measurement, not a test: time from spawn until the first line of a trivial java child
 * ({@link TestChild} {@code first-byte}) arrives through a stdout pipe, for {@link ProcessSpawner}
 * and for {@link ProcessBuilder}, alternating, after warm-up. Prints medians.
 *
 * <p>Run: {@code java -cp <test-classes>:<classes>:<deps>
 * dev.tether.server.internal.SpawnStartupTiming [n]}
 */
public final class SpawnStartupTiming {
  private SpawnStartupTiming() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    JavaCommand command = JavaCommand.builder(TestChild.class.getName())
        .classPath(Children.testClassesDir()).args("first-byte").build();
    List<Long> spawner = new ArrayList<>();
    List<Long> builder = new ArrayList<>();
    List<Long> spawnCall = new ArrayList<>();
    List<Long> socket = new ArrayList<>();
    JavaCommand echo = JavaCommand.builder(TestChild.class.getName())
        .classPath(Children.testClassesDir())
        .jvmOptions("--add-opens=java.base/java.io=ALL-UNNAMED").args("echo").build();
    for (int i = -2; i < n; i++) {
      long[] s = viaSpawner(command);
      long b = viaProcessBuilder(command);
      long e = fd3RoundTrip(echo);
      if (i >= 0) {
        spawner.add(s[0]);
        spawnCall.add(s[1]);
        builder.add(b);
        socket.add(e);
      }
    }
    System.out.printf("ProcessSpawner first line: median %.1f ms %s%n", median(spawner),
        ms(spawner));
    System.out.printf("ProcessBuilder first byte: median %.1f ms %s%n", median(builder),
        ms(builder));
    System.out.printf("ProcessSpawner.spawn call:  median %.2f ms%n", median(spawnCall));
    System.out.printf("ProcessSpawner fd 3 reply (--add-opens child): median %.1f ms %s%n",
        median(socket), ms(socket));
  }

  private static long[] viaSpawner(JavaCommand command) throws Exception {
    CompletableFuture<Long> firstLine = new CompletableFuture<>();
    long t0 = System.nanoTime();
    ChildProcess child = ProcessSpawner.spawn(SpawnRequest.builder(command.argv())
        .environment(command.environment())
        .stdout(ChildOutput.lines(l -> firstLine.complete(System.nanoTime()))).build());
    long t1 = System.nanoTime();
    long first = firstLine.get(30, TimeUnit.SECONDS);
    child.awaitExit(java.time.Duration.ofSeconds(30)).orElseThrow();
    return new long[] {first - t0, t1 - t0};
  }

  /** Spawn until the child's answer on fd 3 arrives (the real worker path). */
  private static long fd3RoundTrip(JavaCommand command) throws Exception {
    int[] pair = dev.tether.unix.internal.Sockets.pair();
    long t0 = System.nanoTime();
    ChildProcess child;
    try {
      child = ProcessSpawner.spawn(SpawnRequest.builder(command.argv())
          .environment(command.environment()).fd3(pair[1]).build());
    } finally {
      Io.close(pair[1]);
    }
    try {
      Io.writeFully(pair[0], "x\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      if (Io.read(pair[0], new byte[1]) != 1) {
        throw new IllegalStateException("no reply");
      }
      return System.nanoTime() - t0;
    } finally {
      Io.close(pair[0]);
      child.awaitExit(java.time.Duration.ofSeconds(30)).orElseThrow();
    }
  }

  private static long viaProcessBuilder(JavaCommand command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command.argv()).redirectErrorStream(true);
    long t0 = System.nanoTime();
    Process p = pb.start();
    try (InputStream in = p.getInputStream()) {
      if (in.read() < 0) {
        throw new IllegalStateException("no output");
      }
      long t = System.nanoTime() - t0;
      in.transferTo(java.io.OutputStream.nullOutputStream());
      p.waitFor();
      return t;
    }
  }

  private static double median(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2) / 1e6;
  }

  private static List<Long> ms(List<Long> nanos) {
    return nanos.stream().map(x -> x / 1_000_000).toList();
  }
}
