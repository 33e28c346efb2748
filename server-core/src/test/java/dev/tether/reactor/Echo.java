package dev.tether.reactor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test connection: echoes what it reads and records its callbacks. */
class Echo extends Connection {
  final List<String> events = new CopyOnWriteArrayList<>();
  volatile Throwable reason;
  volatile boolean unbound;

  @Override
  protected void postInit() {
    events.add("postInit");
  }

  @Override
  protected void connectionCompleted() {
    events.add("completed");
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    sendData(data);
  }

  @Override
  protected void unbind() {
    reason = closeReason();
    events.add("unbind");
    unbound = true;
  }
}
