package dev.tether.supervisor.internal;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Timer;
import dev.tether.supervisor.PoolStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of a status socket, whose peer was checked already: reads one request line, answers
 * it and closes. The status comes from {@code source} on the reactor's defer pool, never on the
 * reactor thread (a pool's {@code status()} waits for the pool's own loop), and must come within
 * the deadline, else the answer is an error: a late status is dropped. A client that sends no
 * complete line within {@link #REQUEST_TIMEOUT} is closed, one that sends more than
 * {@link #MAX_REQUEST} bytes answered with an error; one that does not read its answer is closed
 * the request timeout after the deadline.
 *
 * <p>Reactor thread only, as every {@link Connection}.
 */
final class StatusConnection extends Connection {
  private static final Logger LOG = LoggerFactory.getLogger(StatusConnection.class);
  /** Longer than any request word; what comes beyond is no request of ours. */
  static final int MAX_REQUEST = 64;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final Supplier<PoolStatus> source;
  private final int minReady;
  private final Duration deadline;
  private final StringBuilder line = new StringBuilder();
  private boolean answering; // the request line came: what follows is ignored
  private boolean answered;

  StatusConnection(Supplier<PoolStatus> source, int minReady, Duration deadline) {
    this.source = source;
    this.minReady = minReady;
    this.deadline = deadline;
  }

  @Override
  protected void postInit() {
    setInactivityTimeout(REQUEST_TIMEOUT);
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    while (data.hasRemaining() && !answering) {
      char c = (char) (data.get() & 0xff);
      if (c == '\n') {
        answering = true;
        pause(); // nothing more to read
        setInactivityTimeout(deadline.plus(REQUEST_TIMEOUT)); // the answer comes, then is read
        request(line.toString().strip());
      } else if (line.length() == MAX_REQUEST) {
        reply(StatusRequest.ERROR + "request longer than " + MAX_REQUEST
            + " bytes (expected: " + StatusRequest.EXPECTED + ")\n");
      } else {
        line.append(c);
      }
    }
    data.position(data.limit());
  }

  private void request(String words) {
    StatusRequest request = StatusRequest.parse(words);
    if (request == null) {
      reply(StatusRequest.ERROR + "unknown request '" + StatusTable.printable(words)
          + "' (expected: " + StatusRequest.EXPECTED + ")\n");
      return;
    }
    long start = System.nanoTime();
    Timer late = reactor().addTimer(deadline, () -> reply(StatusRequest.ERROR
        + "no status within " + deadline.toMillis() + " ms: the pool's loop does not answer\n"));
    reactor().defer(source::get, status -> {
      late.cancel();
      reply(request.answer(status, minReady, Duration.ofNanos(System.nanoTime() - start)));
    }, failure -> {
      late.cancel();
      LOG.warn("status for request '{}' failed", request.word(), failure);
      reply(StatusRequest.ERROR + "the status failed: " + failure + "\n");
    });
  }

  private void reply(String answer) {
    answering = true;
    if (answered || !isOpen()) {
      return; // answered already (a late status), or the client left
    }
    answered = true;
    sendData(answer.getBytes(StandardCharsets.UTF_8));
    closeConnectionAfterWriting();
  }
}
