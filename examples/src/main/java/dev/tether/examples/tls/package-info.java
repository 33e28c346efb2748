/** A TLS echo server on one reactor thread: lines sent over TLS come back over TLS. */
package dev.tether.examples.tls;
