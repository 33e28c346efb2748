package dev.tether.examples.tls;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import dev.tether.reactor.TlsOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * {@code TlsEcho PORT CERT.pem KEY.pem}: a TLS echo on 127.0.0.1:PORT on one reactor thread (the
 * main thread) until SIGTERM or SIGINT. Each accepted connection starts TLS in {@code postInit}
 * with the PEM certificate chain and PKCS#8 key, and every byte (so every line) it decrypts is
 * encrypted back, with the reactor's back pressure. PORT 0 picks a free port; the address is
 * printed as {@code tls echo listening on 127.0.0.1:PORT}. A bad argument or PEM file exits with
 * status 2 and a usage line naming the fault.
 */
public final class TlsEcho {
  /** One client: TLS from the first byte, then echo. */
  static final class EchoConnection extends Connection {
    private final TlsOptions options;

    EchoConnection(TlsOptions options) {
      this.options = options;
    }

    @Override
    protected void postInit() {
      startTls(options);
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      sendData(data); // encrypted; above the high watermark the reactor stops reading
    }
  }

  private TlsEcho() {}

  public static void main(String[] args) {
    int port;
    TlsOptions options;
    try {
      if (args.length != 3) {
        throw new IllegalArgumentException("expected three arguments, got " + args.length);
      }
      port = ReactorMain.port(args[0]);
      options = TlsOptions.builder().certificateChain(Path.of(args[1]), Path.of(args[2]))
          .build();
    } catch (IllegalArgumentException e) {
      ReactorMain.exitWithUsage("TlsEcho PORT CERT.pem KEY.pem (PORT 0..65535, 0 picks a free"
          + " port; a PEM certificate chain and its PKCS#8 key)", e);
      return;
    }
    Reactor reactor = new Reactor("tls-echo");
    ReactorMain.runUntilSignalled(reactor, () -> {
      Server server = reactor.startServer("127.0.0.1", port, () -> new EchoConnection(options));
      String address = server.localAddress().toString();
      System.out.println("tls echo listening on "
          + (address.startsWith("/") ? address.substring(1) : address));
      System.out.flush();
    });
  }
}
