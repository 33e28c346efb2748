package dev.tether.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an instance method of an {@link AbstractServer} subclass as the handler of message
 * {@link #value()}, as if {@link AbstractServer#defineMessageHandler} had been called in the
 * constructor:
 *
 * <pre>{@code
 * @OnMessage("hello")
 * void hello(String first, String last) { client().write("Hello " + first + " " + last); }
 * }</pre>
 *
 * <p>Allowed parameter lists: only {@code String}s (the message must have exactly that many
 * arguments, else the supervisor gets the {@code ["error", "handler failed", ...]} reply), or a
 * single {@code List<String>} (all arguments). The method may have any access and return type
 * (the result is ignored) and may throw. Methods are found on the subclass and its superclasses
 * up to {@code AbstractServer}; on the module path their package must be open to
 * {@code dev.tether.server}. A bad signature fails the constructor with an
 * {@link IllegalArgumentException} naming the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnMessage {
  /** The message name. */
  String value();
}
