package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExitStatusTest {
  @Test
  void terminatedByFoldsTheJvmConvention() {
    assertEquals(OptionalInt.of(15), new ExitStatus.Exited(143).terminatedBy());
    assertEquals(OptionalInt.of(2), new ExitStatus.Exited(130).terminatedBy());
    assertEquals(OptionalInt.of(15), new ExitStatus.Signaled(15).terminatedBy());
    assertEquals(OptionalInt.empty(), new ExitStatus.Exited(0).terminatedBy());
    assertEquals(OptionalInt.empty(), new ExitStatus.Exited(128).terminatedBy());
    assertEquals(OptionalInt.empty(), new ExitStatus.Exited(255).terminatedBy());
    assertEquals(OptionalInt.empty(),
        new ExitStatus.FailedToStart(new IllegalStateException("x")).terminatedBy());
  }

  @Test
  void successIsExitedZeroOnly() {
    assertTrue(new ExitStatus.Exited(0).isSuccess());
    assertFalse(new ExitStatus.Exited(1).isSuccess());
    assertFalse(new ExitStatus.Signaled(9).isSuccess());
  }

  @Test
  void rejectsImpossibleValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ExitStatus.Exited(256));
    assertEquals("code : 256 (expected: 0..255)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ExitStatus.Signaled(0));
    assertThrows(NullPointerException.class, () -> new ExitStatus.FailedToStart(null));
  }
}
