package dev.tether.benchmarks.worker;

import java.nio.file.Path;
import java.util.List;

/**
 * One row of the start-up table: what is spawned, with which JVM options, and the class archive
 * it runs from (null for none). Options are passed as given, {@code -D...} included.
 */
record SpawnConfig(String name, Kind kind, List<String> jvmOptions, Path archive) {
  /** What the row spawns. */
  enum Kind {
    /** {@code fd3_to_stdin --echo}: posix_spawn + exec of a C program answering on fd 3. */
    FLOOR,
    /** {@code fd3_to_stdin java <options> -cp hello.jar Hello}: a JVM with JDK classes only. */
    BARE,
    /** {@link BenchWorker} through {@code AbstractServer.start()}, then one ping. */
    TETHER
  }

  SpawnConfig {
    jvmOptions = List.copyOf(jvmOptions);
  }

  static SpawnConfig tether(String name, List<String> options) {
    return new SpawnConfig(name, Kind.TETHER, options, null);
  }

  SpawnConfig withArchive(String newName, Path file) {
    return new SpawnConfig(newName, kind, jvmOptions, file);
  }
}
