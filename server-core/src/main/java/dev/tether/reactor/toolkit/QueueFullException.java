package dev.tether.reactor.toolkit;

import dev.tether.reactor.ReactorException;

/**
 * Work was refused because the bounded queue it would wait in is full ({@link Pool}, {@link
 * ThreadedResource}); the message names the limit.
 */
public class QueueFullException extends ReactorException {
  private static final long serialVersionUID = 1L;

  public QueueFullException(String message) {
    super(message);
  }
}
