package dev.tether.reactor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.reactor.ExitStatus;
import org.junit.jupiter.api.Test;

class WaitStatusTest {
  @Test
  void decodesWaitStatusWords() {
    assertEquals(new ExitStatus.Exited(0), WaitStatus.decode(0));
    assertEquals(new ExitStatus.Exited(3), WaitStatus.decode(3 << 8));
    assertEquals(new ExitStatus.Exited(255), WaitStatus.decode(255 << 8));
    assertEquals(new ExitStatus.Signaled(9), WaitStatus.decode(9));
    assertEquals(new ExitStatus.Signaled(11), WaitStatus.decode(11 | 0x80)); // core dumped
    assertThrows(IllegalArgumentException.class, () -> WaitStatus.decode(0x137f)); // stopped
  }
}
