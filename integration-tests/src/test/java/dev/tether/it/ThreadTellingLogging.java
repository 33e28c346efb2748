package dev.tether.it;

import java.util.ServiceLoader;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for worker JVMs that prints, on stderr, which thread started logging
 * ({@link #STARTED_ON} and its name), then logs through the class path's other provider
 * (slf4j-simple). Chosen with {@code -Dslf4j.provider=dev.tether.it.ThreadTellingLogging}.
 */
public final class ThreadTellingLogging implements SLF4JServiceProvider {
  static final String STARTED_ON = "logging started on thread ";

  private final SLF4JServiceProvider delegate = ServiceLoader.load(SLF4JServiceProvider.class)
      .findFirst()
      .orElseThrow(() -> new IllegalStateException("no SLF4J provider on the class path"));

  @Override
  public void initialize() {
    System.err.println(STARTED_ON + Thread.currentThread().getName());
    delegate.initialize();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return delegate.getLoggerFactory();
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return delegate.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return delegate.getMDCAdapter();
  }

  @Override
  public String getRequestedApiVersion() {
    return delegate.getRequestedApiVersion();
  }
}
