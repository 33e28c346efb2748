package dev.tether.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JavaCommandTest {
  @Test
  void buildsArgvInOrderWithoutQuoting() {
    JavaCommand c = JavaCommand.builder("com.example.Worker")
        .javaExecutable("/opt/jdk/bin/java")
        .classPath("a.jar:b dir/c.jar")
        .jvmOptions("-Xmx64m", "-XX:+UseSerialGC")
        .systemProperty("tether.name", "w 1")
        .args("--port", "a b")
        .build();
    assertEquals(List.of("/opt/jdk/bin/java", "-Xmx64m", "-XX:+UseSerialGC", "-Dtether.name=w 1",
        "-cp", "a.jar:b dir/c.jar", "com.example.Worker", "--port", "a b"), c.argv());
    assertEquals("/opt/jdk/bin/java", c.javaExecutable());
    assertEquals(Optional.empty(), c.workingDirectory());
  }

  @Test
  void defaultsToTheRunningJvmAndClassPath() {
    JavaCommand c = JavaCommand.builder("Main").build();
    assertTrue(Files.isExecutable(Path.of(c.javaExecutable())), c.javaExecutable());
    assertTrue(c.javaExecutable().startsWith(System.getProperty("java.home")));
    String cp = System.getProperty("java.class.path");
    assertEquals(List.of(c.javaExecutable(), "-cp", cp, "Main"), c.argv());
  }

  @Test
  void emptyClassPathOmitsTheOption() {
    JavaCommand c = JavaCommand.builder("Main").javaExecutable("java").classPath("").build();
    assertEquals(List.of("java", "Main"), c.argv());
  }

  @Test
  void environmentInheritsThenAppliesAdditionsAndRemovals() {
    String inherited = System.getenv().keySet().iterator().next();
    JavaCommand c = JavaCommand.builder("Main")
        .environment("TETHER_TEST", "1")
        .removeEnvironment(inherited)
        .build();
    assertEquals("1", c.environment().get("TETHER_TEST"));
    assertFalse(c.environment().containsKey(inherited));
    JavaCommand clean = JavaCommand.builder("Main").inheritEnvironment(false)
        .environment("ONLY", "x").build();
    assertEquals(java.util.Map.of("ONLY", "x"), clean.environment());
  }

  @Test
  void rejectsBadValuesNamingThem() {
    assertEquals("mainClass : \"\" (expected: not empty)", assertThrows(
        IllegalArgumentException.class, () -> JavaCommand.builder("")).getMessage());
    assertEquals("jvmOption : Xmx1g (expected: starts with '-')", assertThrows(
        IllegalArgumentException.class,
        () -> JavaCommand.builder("M").jvmOptions("Xmx1g")).getMessage());
    assertEquals("systemProperty key : a=b (expected: no '=')", assertThrows(
        IllegalArgumentException.class,
        () -> JavaCommand.builder("M").systemProperty("a=b", "c")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> JavaCommand.builder("-jar"));
    assertThrows(IllegalArgumentException.class, () -> JavaCommand.builder("M").args("a\0b"));
    assertThrows(IllegalArgumentException.class,
        () -> JavaCommand.builder("M").environment("A=B", "x"));
  }

  @Test
  void quickStartAddsItsOptionsBeforeTheClassPath() {
    JavaCommand c = JavaCommand.builder("Main").javaExecutable("java").classPath("a.jar")
        .jvmOptions("-Xmx64m").quickStart().build();
    assertEquals(List.of("java", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-XX:-UsePerfData", "-Djnr.ffi.asm.enabled=false", "-cp", "a.jar", "Main"), c.argv());
  }

  @Test
  void classArchiveOptionsFollowTheRunningJdk() {
    boolean aot = Runtime.version().feature() >= 25;
    JavaCommand use = JavaCommand.builder("Main").javaExecutable("java").classPath("")
        .classArchive(Path.of("/tmp/w.a")).build();
    JavaCommand train = JavaCommand.builder("Main").javaExecutable("java").classPath("")
        .trainClassArchive(Path.of("/tmp/w.a")).build();
    assertEquals(aot ? "-XX:AOTCache=/tmp/w.a" : "-XX:SharedArchiveFile=/tmp/w.a",
        use.argv().get(1));
    assertEquals(aot ? "-XX:AOTCacheOutput=/tmp/w.a" : "-XX:ArchiveClassesAtExit=/tmp/w.a",
        train.argv().get(1));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theRunningJvmAcceptsTheQuickStartOptions() throws Exception {
    JavaCommand c = JavaCommand.builder("Main").classPath("").quickStart().build();
    List<String> argv = new java.util.ArrayList<>(c.argv().subList(0, c.argv().size() - 1));
    argv.add("-version"); // the options are checked at JVM creation; nothing is run
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
  }
}
