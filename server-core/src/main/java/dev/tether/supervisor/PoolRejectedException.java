package dev.tether.supervisor;

import dev.tether.server.TetherException;

/**
 * A request the pool did not take: its queue was full, or the pool is not running (not started,
 * stopping, stopped). Nothing was sent to any worker.
 */
public class PoolRejectedException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code message} names the request and the limit or state. */
  public PoolRejectedException(String message) {
    super(message);
  }
}
