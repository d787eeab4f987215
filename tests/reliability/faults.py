"""Misbehaving HTTP servers on loopback, one fault each, over real sockets.

A thread per connection speaks just enough HTTP/1.1 by hand to misbehave precisely:
stall mid-body, reset the connection, send 10 MB, redirect to itself. Every server
binds 127.0.0.1 on a free port and stops when its `with` block ends; no traffic
leaves the machine."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC

# (connection, request head, the server's stop event)
Handler = Callable[[socket.socket, bytes, threading.Event], None]


def read_request(conn: socket.socket) -> bytes:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest  # the body too: tests look for secrets in what arrived


def response(status: str, body: bytes = b"", content_type: str = "application/json", **headers: str) -> bytes:
    lines = [
        f"HTTP/1.1 {status}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "x-request-id: req_fault",
        "Connection: close",
    ]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def reply(status: str, body: bytes = b"", content_type: str = "application/json", **headers: str) -> Handler:
    def handle(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        conn.sendall(response(status, body, content_type, **headers))

    return handle


def stall_mid_body(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Headers and part of the promised body, then silence: a read timeout mid-body."""
    conn.sendall(
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"status": "ok", "checks": {'
    )
    stop.wait(30)


def trickle(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """A byte at a time: never a read timeout's worth of silence, never the end."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(0.05):
        conn.sendall(b" ")


def huge_body(size: int = 10 * 1024 * 1024) -> Handler:
    def handle(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        chunk = b"x" * 65536
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + f"Content-Length: {size}\r\n\r\n".encode()
        )
        sent = 0
        try:
            while sent < size:
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client stopped reading at its cap and closed: what we want

    return handle


def redirect_to_itself(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    path = request.split(b" ")[1].decode()
    conn.sendall(response("302 Found", Location=path))


def reset(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Close with RST instead of FIN: the client sees 'connection reset by peer'."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class FaultServer:
    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.seen: list[bytes] = []  # every request that arrived: head and body
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="fault-server")

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            request = read_request(conn)
            self.requests += 1
            self.seen.append(request)
            self.handler(conn, request, self.stop)
        except (OSError, ssl.SSLError):
            pass  # the client gave up (TLS refused, timeout): part of the fault
        finally:
            with suppress(OSError):
                conn.close()

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()
        self._thread.join(5)


def self_signed_context(tmp_path) -> ssl.SSLContext:
    """A server TLS context with a certificate for 127.0.0.1 signed by its own key:
    what a misconfigured or impostor server presents. Made fresh for each test."""
    from datetime import datetime, timedelta
    from ipaddress import ip_address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "self-signed.pem", tmp_path / "self-signed.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def refused_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@contextmanager
def full_backlog() -> Iterator[str]:
    """A listener whose accept queue is full and never drained: new SYNs are dropped,
    so a connect hangs until the client's connect timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            with suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
