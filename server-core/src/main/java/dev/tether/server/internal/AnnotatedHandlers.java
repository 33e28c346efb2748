package dev.tether.server.internal;

import dev.tether.server.MessageHandler;
import dev.tether.server.OnMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns {@link OnMessage} methods of a server object into {@link MessageHandler}s. Runs once per
 * server object, in its constructor; the handlers run on the reactor thread like any other.
 */
public final class AnnotatedHandlers {
  private AnnotatedHandlers() {}

  /**
   * Defines a handler in {@code dispatcher} for every {@link OnMessage} method of {@code target}'s
   * class and its superclasses below {@code stop}.
   *
   * @throws IllegalArgumentException naming the method if its signature is not supported or it
   *     cannot be made accessible
   */
  public static void define(Object target, Class<?> stop, Dispatcher dispatcher) {
    for (Class<?> c = target.getClass(); c != null && c != stop; c = c.getSuperclass()) {
      List<Method> annotated = new ArrayList<>();
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(OnMessage.class)) {
          annotated.add(m);
        }
      }
      if (annotated.size() > 1) {
        annotated.sort(Comparator.comparing(Method::getName)); // stable error order
      }
      for (Method m : annotated) {
        dispatcher.define(m.getAnnotation(OnMessage.class).value(), handler(target, m));
      }
    }
  }

  private static MessageHandler handler(Object target, Method m) {
    if (Modifier.isStatic(m.getModifiers())) {
      throw bad(m, "an instance method");
    }
    Class<?>[] types = m.getParameterTypes();
    boolean wholeList = types.length == 1 && types[0] == List.class && isListOfString(m);
    if (!wholeList) {
      for (Class<?> t : types) {
        if (t != String.class) {
          throw bad(m, "String parameters only, or a single List<String>");
        }
      }
    }
    try {
      m.setAccessible(true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("@OnMessage method " + m + " is not accessible (expected: "
          + "its package open to dev.tether.server): " + e.getMessage(), e);
    }
    int arity = types.length;
    return args -> {
      Object[] values;
      if (wholeList) {
        values = new Object[] {args};
      } else if (args.size() != arity) {
        throw new IllegalArgumentException("message arguments : " + args.size() + " (expected: "
            + arity + " for " + m.getName() + ")");
      } else {
        values = args.toArray();
      }
      try {
        m.invoke(target, values);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        throw (Error) cause;
      }
    };
  }

  private static boolean isListOfString(Method m) {
    Type t = m.getGenericParameterTypes()[0];
    return t instanceof ParameterizedType p && p.getActualTypeArguments()[0] == String.class;
  }

  private static IllegalArgumentException bad(Method m, String expected) {
    return new IllegalArgumentException("@OnMessage method : " + m + " (expected: " + expected
        + ")");
  }
}
