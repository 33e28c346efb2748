package dev.tether.benchmarks.echo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the echo servers side by side under the C closed-loop load generator and prints one table
 * with ratios to Netty. Servers start once and stay up; each round measures every connection
 * count on every server, rotating the server order per round so none always goes first. Many
 * short rounds beat a few long ones on a shared machine: a server and Netty are measured seconds
 * apart, and ratios are taken within a round. With two
 * cores, the load generator is pinned to CPU 0 and each server to CPU 1 ({@code bench.pin}).
 *
 * <p>Configured by system properties (scripts/bench maps its environment onto them):
 * {@code bench.load} (path of echo_load, required), {@code bench.conns} (1,100,1000),
 * {@code bench.size} (64), {@code bench.warmupMs} per point (500), {@code bench.durationMs} per
 * point (1000), {@code bench.rounds} (5), {@code bench.jitWarmupMs} per server before round 1
 * (2000), {@code bench.pin} (true), {@code bench.servers} (netty,nio,tether),
 * {@code bench.examplesCp} (class path of module examples), {@code bench.serverJvmOpts},
 * {@code bench.logDir}.
 */
public final class EchoBench {
  private EchoBench() {}

  /**
   * The servers, in table order; the first of each table (plain, then TLS: names ending in
   * {@code -tls}) is the baseline its ratios are taken against. {@code pem} holds the TLS
   * servers' certificate and key (null: they are skipped).
   */
  static List<ServerSpec> servers(String benchmarksCp, String examplesCp, Path[] pem) {
    List<String> tlsArgs = pem == null ? List.of("missing-cert.pem", "missing-key.pem")
        : List.of(pem[0].toString(), pem[1].toString());
    return List.of(
        // Leak detection off, as in Netty's own benchmarks: the baseline gets its best showing.
        new ServerSpec("netty", NettyEchoServer.class.getName(), benchmarksCp,
            List.of("-Dio.netty.leakDetection.level=disabled")),
        new ServerSpec("nio", NioEchoServer.class.getName(), benchmarksCp, List.of()),
        new ServerSpec("tether", "dev.tether.examples.echo.EchoServer", examplesCp, List.of()),
        new ServerSpec("netty-tls", NettyTlsEchoServer.class.getName(), benchmarksCp,
            List.of("-Dio.netty.leakDetection.level=disabled"), tlsArgs),
        new ServerSpec("tether-tls", "dev.tether.examples.tls.TlsEcho", examplesCp, List.of(),
            tlsArgs));
  }

  /** Whether the load generator speaks TLS to {@code spec} (its name ends in -tls). */
  static boolean isTls(ServerSpec spec) {
    return spec.name().endsWith("-tls");
  }

  /** A self-signed RSA certificate and PKCS#8 key made by openssl in {@code dir}, or null. */
  private static Path[] makeCertificate(Path dir) {
    Path cert = dir.resolve("tls-cert.pem");
    Path key = dir.resolve("tls-key.pem");
    try {
      java.nio.file.Files.createDirectories(dir);
      Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj",
          "/CN=localhost").redirectErrorStream(true)
          .redirectOutput(dir.resolve("openssl.log").toFile()).start();
      return p.waitFor() == 0 ? new Path[] {cert, key} : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public static void main(String[] args) throws Exception {
    Path load = Path.of(required("bench.load"));
    int[] conns = Arrays.stream(System.getProperty("bench.conns", "1,100,1000").split(","))
        .map(String::trim).mapToInt(s -> BenchArgs.positive("bench.conns", s)).toArray();
    int size = BenchArgs.positive("bench.size", System.getProperty("bench.size", "64"));
    long warmupMs = Long.getLong("bench.warmupMs", 500);
    long durationMs = Long.getLong("bench.durationMs", 1000);
    int rounds = BenchArgs.positive("bench.rounds", System.getProperty("bench.rounds", "5"));
    long jitWarmupMs = Long.getLong("bench.jitWarmupMs", 2000);
    boolean pin = Boolean.parseBoolean(System.getProperty("bench.pin", "true"))
        && Runtime.getRuntime().availableProcessors() >= 2;
    List<String> wanted =
        List.of(System.getProperty("bench.servers", "netty,nio,tether,netty-tls,tether-tls")
            .split(","));
    Path logDir = Path.of(System.getProperty("bench.logDir", "target/bench-logs"));
    List<String> jvmArgs = new ArrayList<>();
    String extra = System.getProperty("bench.serverJvmOpts", "").trim();
    if (!extra.isEmpty()) {
      jvmArgs.addAll(Arrays.asList(extra.split("\\s+")));
    }
    // Servers run on this JVM's java; on newer JDKs jnr and Netty warn about native access and
    // sun.misc.Unsafe unless allowed.
    if (Runtime.version().feature() >= 22) {
      jvmArgs.add("--enable-native-access=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 23) {
      jvmArgs.add("--sun-misc-unsafe-memory-access=allow");
    }

    String serverCpu = pin ? "1" : null;
    LoadGenerator generator = new LoadGenerator(load, pin ? "0" : null, size, logDir);
    System.out.printf("echo benchmark: %d-byte messages, closed loop, conns %s, %d round(s) of"
            + " %d ms (+%d ms warm-up) per point, %s, java %s%n",
        size, Arrays.toString(conns), rounds, durationMs, warmupMs,
        pin ? "load on cpu 0 / server on cpu 1" : "unpinned", Runtime.version());

    List<ServerProcess> running = new ArrayList<>();
    Map<String, String> notRun = new LinkedHashMap<>();
    Thread reaper = new Thread(() -> running.forEach(ServerProcess::close), "bench-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    EchoTable table = new EchoTable(conns);
    EchoTable tlsTable = new EchoTable(conns);
    Path[] pem = wanted.stream().anyMatch(n -> n.endsWith("-tls"))
        ? makeCertificate(logDir) : null;
    try {
      for (ServerSpec spec : servers(System.getProperty("java.class.path"),
          System.getProperty("bench.examplesCp", ""), pem)) {
        if (!wanted.contains(spec.name())) {
          continue;
        }
        String skip = isTls(spec) && pem == null
            ? "no certificate (openssl req failed; see " + logDir.resolve("openssl.log") + ")"
            : spec.skipReason();
        if (skip != null) {
          notRun.put(spec.name(), "skipped: " + skip);
          continue;
        }
        try {
          running.add(ServerProcess.start(spec, serverCpu, jvmArgs, logDir));
        } catch (IOException e) {
          notRun.put(spec.name(), "failed to start: " + e.getMessage());
        }
      }
      for (Iterator<ServerProcess> it = running.iterator(); it.hasNext(); ) {
        ServerProcess s = it.next();
        try {
          generator.run(s, 100, 0, jitWarmupMs); // JIT warm-up, not reported
          (isTls(s.spec) ? tlsTable : table).addServer(s.spec.name());
        } catch (IOException e) {
          notRun.put(s.spec.name(), "failed in warm-up: " + e.getMessage());
          s.close();
          it.remove();
        }
      }
      notRun.forEach((name, why) -> System.out.println("  " + name + ": " + why));
      for (int r = 0; r < rounds; r++) {
        for (int c : conns) {
          for (int i = 0; i < running.size(); i++) {
            ServerProcess s = running.get((i + r) % running.size());
            EchoTable t = isTls(s.spec) ? tlsTable : table;
            try {
              t.add(s.spec.name(), r, generator.run(s, c, warmupMs, durationMs));
            } catch (IOException e) {
              t.fail(s.spec.name(), c, e.getMessage());
            }
          }
        }
        System.out.printf("  round %d/%d done%n", r + 1, rounds);
      }
    } finally {
      running.forEach(ServerProcess::close);
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
    if (!table.isEmpty() || tlsTable.isEmpty()) {
      table.print(System.out);
    }
    if (!tlsTable.isEmpty()) {
      System.out.println();
      System.out.println("TLS (JDK SSLEngine in both; handshakes before the clock starts):");
      tlsTable.print(System.out);
    }
    notRun.forEach((name, why) -> System.out.println(name + ": " + why));
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(property + " : missing (expected: -D" + property
          + "=...)");
    }
    return v;
  }
}
