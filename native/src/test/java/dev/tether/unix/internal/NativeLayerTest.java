package dev.tether.unix.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.NativeCallException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeLayerTest {
  @Test
  void anOwnedFdClosesExactlyOnce() {
    int[] pipe = Io.pipe(true);
    Fd read = Fd.own(pipe[0]);
    read.close();
    read.close(); // a second close must not close a reused number
    assertEquals(-1, read.number());
    assertFalse(Files.exists(Path.of("/proc/self/fd/" + pipe[0])));
    Io.close(pipe[1]);
  }

  @Test
  void failuresNameTheCallTheArgumentAndTheErrno() {
    NativeCallException e = assertThrows(NativeCallException.class, () -> Io.close(1_000_000));
    assertEquals("close", e.function());
    assertEquals(Linux.EBADF, e.errno());
    assertEquals("close(1000000) failed with error(9): Bad file descriptor", e.getMessage());
  }

  @Test
  void peerCredentialsNameThisProcessAndItsUid() throws Exception {
    int[] pair = Sockets.pair();
    try {
      PeerCredentials peer = new Sockets().peerCredentials(pair[0]);
      assertEquals(ProcessHandle.current().pid(), peer.pid());
      assertEquals(Processes.effectiveUid(), peer.uid());
      assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), peer.uid());
    } finally {
      Io.close(pair[0]);
      Io.close(pair[1]);
    }
  }

  @Test
  void peerCredentialsOfANonSocketFailWithENOTSOCK() {
    int[] pipe = Io.pipe(true);
    try {
      NativeCallException e = assertThrows(NativeCallException.class,
          () -> new Sockets().peerCredentials(pipe[0]));
      assertEquals(Linux.ENOTSOCK, e.errno());
    } finally {
      Io.close(pipe[0]);
      Io.close(pipe[1]);
    }
  }

  @Test
  void socketPairsAreCloseOnExec() {
    int[] pair = Sockets.pair();
    try {
      assertTrue(Io.isCloexec(pair[0]));
      assertTrue(Io.isCloexec(pair[1]));
    } finally {
      Io.close(pair[0]);
      Io.close(pair[1]);
    }
  }

  @Test
  void scmRightsCarriesTheKernelsMaximumOf253FdsCloseOnExec() {
    int[] pair = Sockets.pair();
    int[] sent = new int[Linux.SCM_MAX_FD];
    for (int i = 0; i < sent.length; i += 2) {
      int[] p = Io.pipe(false);
      sent[i] = p[0];
      if (i + 1 < sent.length) {
        sent[i + 1] = p[1];
      } else {
        Io.close(p[1]);
      }
    }
    List<Integer> received = new ArrayList<>();
    try {
      ScmRights scm = new ScmRights(Linux.SCM_MAX_FD);
      ByteBuffer data = Memory.allocate(1);
      long address = Memory.address(data);
      assertEquals(1, scm.send(pair[0], address, 1, sent));
      assertEquals(1, scm.receive(pair[1], address, 1, received::add));
      assertFalse(scm.truncated());
      assertEquals(sent.length, received.size());
      for (int fd : received) {
        assertTrue(Io.isCloexec(fd), "received fd " + fd + " is close-on-exec");
      }
      assertArrayEquals(new int[0], received.stream().filter(fd -> fd < 3)
          .mapToInt(Integer::intValue).toArray());
    } finally {
      for (int fd : sent) {
        Io.close(fd);
      }
      for (int fd : received) {
        Io.close(fd);
      }
      Io.close(pair[0]);
      Io.close(pair[1]);
    }
  }
}
