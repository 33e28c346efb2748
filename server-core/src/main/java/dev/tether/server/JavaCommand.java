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
    Map<String, String> env = new LinkedHashMap<>(b.inheritEnvironment ? System.getenv() : Map.of());
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

    /** Sets {@code -Dkey=value}; a later call with the same key replaces the value. */
    public Builder systemProperty(String key, String value) {
      checkToken("systemProperty key", key);
      if (key.indexOf('=') >= 0) {
        throw new IllegalArgumentException("systemProperty key : " + key + " (expected: no '=')");
      }
      systemProperties.put(key, checkNoNul("systemProperty value", value));
      return this;
    }

    /** Whether the child starts from the supervisor's environment (default true) or an empty one. */
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
