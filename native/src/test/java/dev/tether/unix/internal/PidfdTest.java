package dev.tether.unix.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.unix.NativeCallException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** pidfds of real children: status words as waitpid has them, peeking, signals after reaping. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PidfdTest {
  private static final int[] STDIO = {CleanSpawn.INHERIT, CleanSpawn.INHERIT, CleanSpawn.INHERIT};

  private static int spawn(String... argv) {
    return CleanSpawn.spawn(List.of(argv), List.of("PATH=" + System.getenv("PATH")), null, STDIO,
        false);
  }

  @Test
  void anExitCodeComesAsWaitpidsStatusWord() {
    int pid = spawn("sh", "-c", "exit 9");
    try (Fd pidfd = Fd.own(Processes.pidfdOpen(pid))) {
      assertEquals(9 << 8, Processes.waitPidfd(pidfd.number(), false, true));
    }
  }

  @Test
  void peekLeavesTheChildThenReapTakesIt() {
    int pid = spawn("sleep", "100");
    try (Fd pidfd = Fd.own(Processes.pidfdOpen(pid))) {
      int fd = pidfd.number();
      assertEquals(Processes.RUNNING, Processes.waitPidfd(fd, false, false));
      Processes.pidfdSendSignal(fd, Linux.SIGKILL);
      assertEquals(Linux.SIGKILL, Processes.waitPidfd(fd, true, true), "peeked");
      assertEquals(Linux.SIGKILL, Processes.waitPidfd(fd, false, true), "still there: reaped");
      NativeCallException gone = assertThrows(NativeCallException.class,
          () -> Processes.waitPidfd(fd, false, false));
      assertEquals(Linux.ECHILD, gone.errno());
      NativeCallException noSignal = assertThrows(NativeCallException.class,
          () -> Processes.pidfdSendSignal(fd, Linux.SIGTERM));
      assertEquals(Linux.ESRCH, noSignal.errno(), "a reaped process is never signalled");
    }
  }

  @Test
  void noSuchProcessIsEsrch() {
    NativeCallException e = assertThrows(NativeCallException.class,
        () -> Processes.pidfdOpen(Integer.MAX_VALUE));
    assertEquals(Linux.ESRCH, e.errno());
  }
}
