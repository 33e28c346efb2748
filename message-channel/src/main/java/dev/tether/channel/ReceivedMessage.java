package dev.tether.channel;

import dev.tether.channel.internal.Fds;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.util.List;

/**
 * A message and the file descriptors that rode on it, as returned by
 * {@link MessageChannel#readWithFds()}.
 *
 * <p>The receiver owns {@code fds}: it must close each one it keeps (with
 * {@link MessageChannel#closeFd}) or close them all at once with {@link #close()}.
 *
 * @param elements the message; element 0 is its name
 * @param fds the fds in the order the sender attached them; empty if none
 */
public record ReceivedMessage(List<String> elements, List<FileDescriptor> fds)
    implements Closeable {
  public ReceivedMessage {
    elements = List.copyOf(elements);
    fds = List.copyOf(fds);
  }

  /** The message name (element 0). */
  public String name() {
    return elements.get(0);
  }

  /** Closes every fd of this message that is still open. */
  @Override
  public void close() {
    for (int i = 0; i < fds.size(); i++) { // no iterator: almost every message has no fds
      Fds.close(fds.get(i));
    }
  }
}
