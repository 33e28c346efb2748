package dev.tether.server.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link ProcessSpawner} needs to start one child: argv (no shell), environment,
 * working directory, the fd to hand over as the child's fd 3, process group and output handling.
 * Immutable; build with {@link #builder(List)}.
 *
 * <p>The fd given to {@link Builder#fd3(int)} stays owned by the caller: the spawner only
 * duplicates it into the child and never closes it.
 */
public final class SpawnRequest {
  /** No fd is handed over: the child's fd 3 is closed at exec. */
  public static final int NO_FD = -1;

  private final List<String> argv;
  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final int fd3;
  private final boolean newProcessGroup;
  private final ChildOutput stdout;
  private final ChildOutput stderr;

  private SpawnRequest(Builder b) {
    this.argv = List.copyOf(b.argv);
    this.environment = Map.copyOf(b.environment);
    this.workingDirectory = b.workingDirectory;
    this.fd3 = b.fd3;
    this.newProcessGroup = b.newProcessGroup;
    this.stdout = b.stdout;
    this.stderr = b.stderr;
  }

  /**
   * Starts a request for {@code argv}; {@code argv.get(0)} is searched in PATH if it has no '/'.
   */
  public static Builder builder(List<String> argv) {
    return new Builder(argv);
  }

  public List<String> argv() {
    return argv;
  }

  public Map<String, String> environment() {
    return environment;
  }

  public Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  /** The parent fd duplicated to the child's fd 3, or {@link #NO_FD}. */
  public int fd3() {
    return fd3;
  }

  public boolean newProcessGroup() {
    return newProcessGroup;
  }

  public ChildOutput stdout() {
    return stdout;
  }

  public ChildOutput stderr() {
    return stderr;
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private final List<String> argv;
    private Map<String, String> environment = System.getenv();
    private Path workingDirectory;
    private int fd3 = NO_FD;
    private boolean newProcessGroup;
    private ChildOutput stdout = ChildOutput.inherit();
    private ChildOutput stderr = ChildOutput.inherit();

    private Builder(List<String> argv) {
      Objects.requireNonNull(argv, "argv");
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("argv : [] (expected: at least the executable)");
      }
      for (String a : argv) {
        checkNoNul("argv element", Objects.requireNonNull(a, "argv element"));
      }
      if (argv.get(0).isEmpty()) {
        throw new IllegalArgumentException("argv[0] : \"\" (expected: an executable)");
      }
      this.argv = new ArrayList<>(argv);
    }

    /** The child's complete environment; default the supervisor's {@code System.getenv()}. */
    public Builder environment(Map<String, String> env) {
      Map<String, String> copy = new LinkedHashMap<>();
      env.forEach((k, v) -> {
        if (k.isEmpty() || k.indexOf('=') >= 0) {
          throw new IllegalArgumentException(
              "environment name : \"" + k + "\" (expected: not empty, no '=')");
        }
        copy.put(checkNoNul("environment name", k), checkNoNul("environment value", v));
      });
      this.environment = copy;
      return this;
    }

    /** The child's working directory; default the supervisor's. */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = dir;
      return this;
    }

    /**
     * Hands {@code fd} to the child as its fd 3 (close-on-exec cleared there); {@link #NO_FD} for
     * none. The fd must be 3 or higher so it cannot collide with the child's stdio.
     */
    public Builder fd3(int fd) {
      if (fd != NO_FD && fd < 3) {
        throw new IllegalArgumentException("fd3 : " + fd + " (expected: >= 3 or NO_FD)");
      }
      this.fd3 = fd;
      return this;
    }

    /** Puts the child in a new process group of its own (pgid = its pid); default false. */
    public Builder newProcessGroup(boolean newGroup) {
      this.newProcessGroup = newGroup;
      return this;
    }

    /** What to do with the child's stdout; default {@link ChildOutput#inherit()}. */
    public Builder stdout(ChildOutput out) {
      this.stdout = Objects.requireNonNull(out, "stdout");
      return this;
    }

    /** What to do with the child's stderr; default {@link ChildOutput#inherit()}. */
    public Builder stderr(ChildOutput err) {
      this.stderr = Objects.requireNonNull(err, "stderr");
      return this;
    }

    public SpawnRequest build() {
      return new SpawnRequest(this);
    }

    private static String checkNoNul(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            what + " : " + value.replace('\0', '?') + " (expected: no NUL character)");
      }
      return value;
    }
  }
}
