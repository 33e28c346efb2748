package dev.tether.reactor.protocols;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response as {@link HttpClient} received it: the status, the header fields in the order
 * they came (names as sent; trailer fields of a chunked body follow them), and the whole body
 * (de-chunked). Immutable once made; the body array is the client's copy, not shared.
 *
 * @param version {@code "HTTP/1.1"} or {@code "HTTP/1.0"}
 * @param status the status code, 100..599
 * @param reason the reason phrase (may be empty)
 * @param headers the header fields, each a name and a value without surrounding whitespace
 * @param body the body's bytes (empty for HEAD, 204 and 304)
 */
public record HttpResponse(String version, int status, String reason,
    List<Map.Entry<String, String>> headers, byte[] body) {

  /** Checks the fields and copies the header list. */
  public HttpResponse {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(reason, "reason");
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /**
   * The value of the first header field called {@code name} (any case), or null; several
   * fields of that name (not Set-Cookie) are joined with {@code ", "} as RFC 9110 allows.
   */
  public String header(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    StringBuilder joined = null;
    for (Map.Entry<String, String> field : headers) {
      if (field.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
        if (joined == null) {
          joined = new StringBuilder(field.getValue());
        } else {
          joined.append(", ").append(field.getValue());
        }
      }
    }
    return joined == null ? null : joined.toString();
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return version + " " + status + " " + reason + " (" + headers.size() + " header fields, "
        + body.length + " body bytes)";
  }
}
