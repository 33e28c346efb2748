# A SOCKS4/SOCKS4a proxy (CONNECT only) for Socks4Test, a real peer in its own process. Prints the
# port it listens on, then relays each granted connection both ways until either side closes.
# A target that refuses the connect gets reply code 91.
import socket
import struct
import sys
import threading


def relay(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def read_until_nul(sock):
    out = b""
    while True:
        b = sock.recv(1)
        if not b:
            raise EOFError()
        if b == b"\0":
            return out
        out += b


def serve(client):
    try:
        head = b""
        while len(head) < 8:
            more = client.recv(8 - len(head))
            if not more:
                return
            head += more
        version, command, port = struct.unpack(">BBH", head[:4])
        ip = head[4:8]
        read_until_nul(client)  # user id
        if ip[:3] == b"\0\0\0" and ip[3] != 0:
            host = read_until_nul(client).decode()
        else:
            host = socket.inet_ntoa(ip)
        if version != 4 or command != 1:
            client.sendall(b"\0\x5b" + b"\0" * 6)
            return
        try:
            target = socket.create_connection((host, port), timeout=5)
        except OSError:
            client.sendall(b"\0\x5b" + b"\0" * 6)
            return
        target.settimeout(None)
        client.sendall(b"\0\x5a" + struct.pack(">H", port) + socket.inet_aton("0.0.0.0"))
        threading.Thread(target=relay, args=(target, client), daemon=True).start()
        relay(client, target)
    except (OSError, EOFError):
        pass
    finally:
        client.close()


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
