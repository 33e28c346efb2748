package dev.tether.examples.http;

/** Why {@link HttpRequestParser} refused a request: the status the connection answers with. */
enum Rejection {
  BAD_REQUEST(400, "Bad Request"),
  CONTENT_TOO_LARGE(413, "Content Too Large"),
  HEAD_TOO_LARGE(431, "Request Header Fields Too Large"),
  NOT_IMPLEMENTED(501, "Not Implemented"),
  VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported");

  final int status;
  final String reason;

  Rejection(int status, String reason) {
    this.status = status;
    this.reason = reason;
  }
}
