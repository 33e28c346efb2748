package dev.tether.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The command line of a worker JVM: executable, JVM options, system properties, class path, main
 * class and arguments, plus its environment and working directory. It is run directly
 * ({@code posix_spawnp} with an argv), never through a shell, so no value is quoted or expanded.
 *
 * <p>{@link #argv()} is {@code java [jvmOptions...] [-Dkey=value...] [-cp classPath] mainClass
 * [args...]}. Immutable and thread-safe; build one with {@link #builder(String)}.
 */
public final class JavaCommand {
  /**
   * JVM options of {@link Builder#quickStart()}: C1 only ({@code -XX:TieredStopAtLevel=1}), the
   * Serial collector, and no hsperfdata file ({@code -XX:-UsePerfData}, so jstat/jps do not see
   * the worker).
   */
  public static final List<String> QUICK_START_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");

  private final String javaExecutable;
  private final List<String> argv;
  private final Map<String, String> environment;
  private final Path workingDirectory;

  private JavaCommand(Builder b) {
    this.javaExecutable = b.javaExecutable != null ? b.javaExecutable : defaultJavaExecutable();
    List<String> args = new ArrayList<>();
    args.add(javaExecutable);
    args.addAll(b.jvmOptions);
    b.systemProperties.forEach((k, v) -> args.add("-D" + k + "=" + v));
    String cp = b.classPath != null ? b.classPath : System.getProperty("java.class.path", "");
    if (!cp.isEmpty()) {
      args.add("-cp");
      args.add(cp);
    }
    args.add(b.mainClass);
    args.addAll(b.args);
    this.argv = List.copyOf(args);
    Map<String, String> env = new LinkedHashMap<>(b.inheritEnvironment ? System.getenv()
        : Map.of());
    b.environment.forEach((k, v) -> {
      if (v == null) {
        env.remove(k);
      } else {
        env.put(k, v);
      }
    });
    this.environment = Map.copyOf(env);
    this.workingDirectory = b.workingDirectory;
  }

  /** Starts a builder for a worker whose entry point is {@code mainClass}. */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  /**
   * The java launcher of the running JVM: {@code $java.home/bin/java} when it exists, otherwise
   * the running process's own executable ({@code ProcessHandle.current().info().command()}).
   *
   * @throws TetherException if neither is known
   */
  public static String defaultJavaExecutable() {
    Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(launcher)) {
      return launcher.toString();
    }
    return ProcessHandle.current().info().command().orElseThrow(() -> new TetherException(
        "no java executable: " + launcher + " is missing and the current command is unknown"));
  }

  /** The executable, the first element of {@link #argv()}. */
  public String javaExecutable() {
    return javaExecutable;
  }

  /** The full argument vector, executable first. */
  public List<String> argv() {
    return argv;
  }

  /** The complete environment of the child (inherited, then additions and removals applied). */
  public Map<String, String> environment() {
    return environment;
  }

  /** The child's working directory; empty means the supervisor's current directory. */
  public Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  @Override
  public String toString() {
    return "JavaCommand" + argv;
  }

  /** Mutable builder of a {@link JavaCommand}; not thread-safe. */
  public static final class Builder {
    private final String mainClass;
    private String javaExecutable;
    private String classPath;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean inheritEnvironment = true;
    private Path workingDirectory;
    private final List<String> args = new ArrayList<>();

    private Builder(String mainClass) {
      this.mainClass = checkToken("mainClass", mainClass);
      if (mainClass.startsWith("-")) {
        throw new IllegalArgumentException(
            "mainClass : " + mainClass + " (expected: a class name, not an option)");
      }
    }

    /** The java launcher; default {@link #defaultJavaExecutable()}. */
    public Builder javaExecutable(String path) {
      this.javaExecutable = checkToken("javaExecutable", path);
      return this;
    }

    /**
     * The class path string, passed as {@code -cp}; default the supervisor's
     * {@code java.class.path}. An empty string omits {@code -cp}.
     */
    public Builder classPath(String classPath) {
      this.classPath = Objects.requireNonNull(classPath, "classPath");
      return this;
    }

    /** The class path from entries, joined with the platform's path separator. */
    public Builder classPath(List<Path> entries) {
      List<String> parts = new ArrayList<>();
      for (Path p : entries) {
        parts.add(p.toString());
      }
      return classPath(String.join(java.io.File.pathSeparator, parts));
    }

    /** Adds JVM options such as {@code -Xmx64m}, in order; each must start with '-'. */
    public Builder jvmOptions(String... options) {
      for (String o : options) {
        checkToken("jvmOption", o);
        if (!o.startsWith("-")) {
          throw new IllegalArgumentException("jvmOption : " + o + " (expected: starts with '-')");
        }
        jvmOptions.add(o);
      }
      return this;
    }

    /**
     * Adds {@link #QUICK_START_OPTIONS} and {@code -Djnr.ffi.asm.enabled=false} (jnr-ffi binds
     * without generating ASM stubs): a worker that answers its first message sooner, paying on
     * the hot path. Measured by {@code scripts/bench worker} on a shared 2-core machine:
     * spawn to first reply 15-35% shorter (JDK 17: 526-570 against 626-708 ms; 25: 826-841
     * against 1214-1258 ms), message round trip p50 6-13 us longer (C1 code: 29-34 against
     * 21-26 us), each jnr-ffi call about 0.35 us longer (630-790 against 290-390 ns). Not the
     * default for that reason; worth it for short-lived workers, and together with
     * {@link #classArchive} it makes start-up fast. Heap and stack sizes are left alone: they
     * depend on the worker.
     */
    public Builder quickStart() {
      jvmOptions(QUICK_START_OPTIONS.toArray(new String[0]));
      return systemProperty("jnr.ffi.asm.enabled", "false");
    }

    /**
     * Starts the worker from a class archive made by {@link #trainClassArchive}: on JDK 25+ an AOT
     * cache ({@code -XX:AOTCache=file}), on 17 to 24 a dynamic CDS archive
     * ({@code -XX:SharedArchiveFile=file}), chosen by the version of the running JVM (set the
     * option with {@link #jvmOptions} when the launcher is another JDK). The JVM ignores an
     * archive made with another class path string, other jars (size or time changed) or, on 25,
     * other module options, and then starts as without it (JDK 17 warns on stdout).
     */
    public Builder classArchive(Path file) {
      String option = Runtime.version().feature() >= 25
          ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
      return jvmOptions(option + Objects.requireNonNull(file, "file"));
    }

    /**
     * Makes this worker write a class archive for {@link #classArchive} when it exits
     * ({@code -XX:AOTCacheOutput=file} on JDK 25+, {@code -XX:ArchiveClassesAtExit=file} on 17 to
     * 24). Train with exactly the options and class path string of the runs that will use it,
     * and with real work (at least one real message), so the classes of that path are archived.
     * Writing happens after the worker's main loop ended and took 1-2 s (17) and 3-5 s (25, a
     * second JVM assembles the cache) here: give {@code AbstractServer.stopTimeouts} a graceful
     * wait of 30 s or more, or the SIGTERM after the default 3 s cuts it off.
     */
    public Builder trainClassArchive(Path file) {
      String option = Runtime.version().feature() >= 25
          ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=";
      return jvmOptions(option + Objects.requireNonNull(file, "file"));
    }

    /** Sets {@code -Dkey=value}; a later call with the same key replaces the value. */
    public Builder systemProperty(String key, String value) {
      checkToken("systemProperty key", key);
      if (key.indexOf('=') >= 0) {
        throw new IllegalArgumentException("systemProperty key : " + key + " (expected: no '=')");
      }
      systemProperties.put(key, checkNoNul("systemProperty value", value));
      return this;
    }

    /**
     * Whether the child starts from the supervisor's environment (default true) or an empty one.
     */
    public Builder inheritEnvironment(boolean inherit) {
      this.inheritEnvironment = inherit;
      return this;
    }

    /** Sets an environment variable of the child, overriding an inherited one. */
    public Builder environment(String name, String value) {
      checkToken("environment name", name);
      if (name.indexOf('=') >= 0) {
        throw new IllegalArgumentException("environment name : " + name + " (expected: no '=')");
      }
      environment.put(name, checkNoNul("environment value", value));
      return this;
    }

    /** Removes an inherited environment variable from the child's environment. */
    public Builder removeEnvironment(String name) {
      environment.put(checkToken("environment name", name), null);
      return this;
    }

    /** The child's working directory; default the supervisor's current directory. */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = Objects.requireNonNull(dir, "workingDirectory");
      return this;
    }

    /** Appends arguments passed to the main class. */
    public Builder args(String... arguments) {
      for (String a : arguments) {
        args.add(checkNoNul("arg", a));
      }
      return this;
    }

    /** Builds the immutable command; the environment is snapshotted now. */
    public JavaCommand build() {
      return new JavaCommand(this);
    }

    private static String checkToken(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(what + " : \"\" (expected: not empty)");
      }
      return checkNoNul(what, value);
    }

    private static String checkNoNul(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(what + " : " + value.replace('\0', '?')
            + " (expected: no NUL character)");
      }
      return value;
    }
  }
}
