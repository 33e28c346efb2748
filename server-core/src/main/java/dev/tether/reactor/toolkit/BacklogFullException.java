package dev.tether.reactor.toolkit;

import dev.tether.reactor.ReactorException;

/**
 * Thrown to the caller when a toolkit object's bounded backlog (a {@link Queue}'s items or
 * waiters, a {@link Channel}'s undelivered messages, a {@link Spawned} process's mailbox, a
 * {@link Pool}'s or {@link ThreadedResource}'s waiting work) would pass its configured limit.
 * Nothing of the call was taken.
 */
public class BacklogFullException extends ReactorException {
  private static final long serialVersionUID = 1L;

  /**
   * @param what the object and backlog, e.g. {@code "queue items"}
   * @param held how many it holds now
   * @param added how many the refused call would have added
   * @param limit the configured limit
   */
  public BacklogFullException(String what, int held, int added, int limit) {
    super(what + ": " + held + " held + " + added + " added exceeds limit " + limit);
  }
}
