package dev.tether.server;

import java.io.FileDescriptor;
import java.util.List;

/**
 * Handles one named message together with the fds that rode on it (sent with
 * {@code MessageChannel.writeWithFds}); registered with
 * {@link AbstractServer#defineFdMessageHandler}. Same threading, ordering and error rules as
 * {@link MessageHandler}.
 *
 * <p><b>Fds.</b> The handler owns {@code fds} from the moment it is called, also when it throws:
 * it must close each one ({@code MessageChannel.closeFd}) or hand it to an owner that will, such
 * as {@code reactor().attach(fd, connection)}. They are close-on-exec duplicates.
 */
@FunctionalInterface
public interface FdMessageHandler {
  /**
   * @param args the message's elements after its name (immutable; possibly empty)
   * @param fds the fds in the order the sender attached them (immutable; possibly empty)
   * @throws Exception any failure; reported to the supervisor as for {@link MessageHandler}
   */
  void handle(List<String> args, List<FileDescriptor> fds) throws Exception;
}
