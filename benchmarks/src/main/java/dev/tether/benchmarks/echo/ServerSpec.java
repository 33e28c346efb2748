package dev.tether.benchmarks.echo;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.jar.JarFile;

/**
 * One echo server to measure: a main class that takes {@code <port>} as its first argument, the
 * class path to run it on, and extra JVM options. A spec whose main class is not on its class path
 * is kept but marked skipped, so the table says why a row is missing. Public for the other
 * benchmarks that start servers (http).
 */
public record ServerSpec(String name, String mainClass, String classPath, List<String> jvmArgs,
    List<String> args) {

  public ServerSpec {
    jvmArgs = List.copyOf(jvmArgs);
    args = List.copyOf(args);
  }

  /** A server whose only argument is the port. */
  public ServerSpec(String name, String mainClass, String classPath, List<String> jvmArgs) {
    this(name, mainClass, classPath, jvmArgs, List.of());
  }

  /** Returns why this server cannot run, or null if its main class is on its class path. */
  public String skipReason() {
    if (classPath == null || classPath.isBlank()) {
      return "no class path for " + mainClass + " (scripts/bench passes module examples' class"
          + " path once examples/src/main/java/dev/tether/examples/echo/EchoServer.java exists"
          + " and builds)";
    }
    String entry = mainClass.replace('.', '/') + ".class";
    for (String element : classPath.split(File.pathSeparator)) {
      File f = new File(element);
      if (f.isDirectory() && new File(f, entry).isFile()) {
        return null;
      }
      if (f.isFile() && element.endsWith(".jar") && jarHas(f, entry)) {
        return null;
      }
    }
    return mainClass + " not found on its class path (is it written and built yet?)";
  }

  private static boolean jarHas(File jar, String entry) {
    try (JarFile j = new JarFile(jar)) {
      return j.getEntry(entry) != null;
    } catch (IOException e) {
      return false;
    }
  }
}
