/**
 * An HTTP/1.1 hello server on one reactor: {@link dev.tether.examples.http.HttpHelloConnection}
 * serves a socket (accepted by the reactor or handed over as an fd), {@link
 * dev.tether.examples.http.HttpHello} runs it on 127.0.0.1.
 */
package dev.tether.examples.http;
