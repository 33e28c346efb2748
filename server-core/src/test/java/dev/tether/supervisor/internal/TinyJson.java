package dev.tether.supervisor.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for tests (RFC 8259): objects as maps, arrays as lists, integers as Long,
 * strings with every escape; anything else throws.
 */
final class TinyJson {
  private final String text;
  private int at;

  TinyJson(String text) {
    this.text = text;
  }

  /** The one value of the whole text. */
  Object value() {
    Object v = next();
    if (at != text.length()) {
      throw new IllegalArgumentException("trailing text at " + at);
    }
    return v;
  }

  private Object next() {
    char c = text.charAt(at);
    switch (c) {
      case '{': {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        if (peek('}')) {
          return map;
        }
        do {
          String key = string();
          expect(':');
          if (map.put(key, next()) != null) {
            throw new IllegalArgumentException("duplicate key " + key);
          }
        } while (peek(','));
        expect('}');
        return map;
      }
      case '[': {
        List<Object> list = new ArrayList<>();
        at++;
        if (peek(']')) {
          return list;
        }
        do {
          list.add(next());
        } while (peek(','));
        expect(']');
        return list;
      }
      case '"':
        return string();
      default:
        if (text.startsWith("true", at) || text.startsWith("false", at)) {
          boolean v = text.startsWith("true", at);
          at += v ? 4 : 5;
          return v;
        }
        int start = at;
        while (at < text.length() && "-0123456789".indexOf(text.charAt(at)) >= 0) {
          at++;
        }
        return Long.parseLong(text.substring(start, at));
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = text.charAt(at++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException("raw control character at " + (at - 1));
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> throw new IllegalArgumentException("bad escape \\" + e);
      }
    }
  }

  private boolean peek(char c) {
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw new IllegalArgumentException("expected '" + c + "' at " + at);
    }
  }
}
