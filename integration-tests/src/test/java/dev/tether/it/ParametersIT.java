package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.reactor.ExitStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Parameters reach the worker through arguments, system properties, environment, directory. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParametersIT {

  @Test
  void argumentsPropertiesEnvironmentAndWorkingDirectoryReachTheWorker(@TempDir Path dir) {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM)
        .args("first arg", "second;$HOME")  // no shell: passed verbatim
        .systemProperty("faulty.prop", "a value with spaces")
        .environment("FAULTY_ENV", "from env")
        .workingDirectory(dir));
    server.start();
    try {
      assertEquals(List.of("params", "first arg,second;$HOME", "a value with spaces", "from env",
          dir.toAbsolutePath().toString(), "-", "-"), server.call("params"));
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
  }

  @Test
  void usr2HandlerMovesHotSpotOffUsr2() {
    SignalServer server = Workers.quick(new SignalServer(), new Workers.Output());
    server.start();
    try {
      assertEquals("40", server.call("params").get(6));
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
  }
}
