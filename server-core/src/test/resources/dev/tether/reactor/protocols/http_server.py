# An HTTP/1.1 server with keep-alive (the standard library's http.server) for HttpClientTest:
# files of the directory given as argv[1]; /chunked?n=N answers N chunks in chunked coding with a
# trailer field; every answer carries X-Client-Port, the client's source port, so that a test can
# tell whether the client reused its connection. Prints the port it listens on, then serves.
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def end_headers(self):
        self.send_header("X-Client-Port", str(self.client_address[1]))
        super().end_headers()

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/chunked":
            return super().do_GET()
        n = int(parse_qs(url.query).get("n", ["3"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Trailer", "X-Checksum")
        self.end_headers()
        for i in range(n):
            data = ("chunk %d;" % i).encode() * (i + 1)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\nX-Checksum: %d\r\n\r\n" % n)
        self.wfile.flush()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=sys.argv[1]))
print(server.server_address[1], flush=True)
server.serve_forever()
