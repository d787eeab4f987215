"""A fault proxy on loopback, in front of the sandbox: it forwards each request whole
(one request per connection), unless a fault armed for its method and path says
otherwise:

- `late`: forward it, let the platform act and answer, then hold the answer back
  longer than the client's read timeout (the platform acted; the answer came late);
- `drop`: forward it, let the platform act, then close the connection unanswered;
- `cut`: forward the head and half the body, then close both sides (the body never
  arrives whole: an honest platform must not act on it).

`reached` is set once a faulted request has reached the platform, so a test can cancel
the client at exactly that moment."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Fault:
    method: str
    path_end: str  # the request path ends with this
    kind: str  # late | drop | cut
    hold: float = 3.0


def _read_request(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def _closing(head: bytes) -> bytes:
    """One request per connection: the platform closes after answering, so its answer ends at EOF."""
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.faults: list[Fault] = []
        self.seen: list[tuple[str, str, str]] = []  # (method, path, fault kind or "pass")
        self.reached = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def arm(self, method: str, path_end: str, kind: str, hold: float = 3.0) -> None:
        with self._lock:
            self.faults.append(Fault(method, path_end, kind, hold))
        self.reached.clear()

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method == method and path.endswith(fault.path_end):
                    self.faults.remove(fault)
                    return fault
        return None

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            head, body = _read_request(conn)
            if not head:
                return
            method, path = head.split(b" ", 2)[:2]
            path_text = path.decode().split("?", 1)[0]
            fault = self._take(method.decode(), path_text)
            self.seen.append((method.decode(), path_text, fault.kind if fault else "pass"))
            with socket.create_connection(self.upstream, timeout=10) as upstream:
                if fault is not None and fault.kind == "cut":
                    upstream.sendall(_closing(head) + body[: len(body) // 2])
                    self.reached.set()
                    return
                upstream.sendall(_closing(head) + body)
                answer = b"".join(_until_eof(upstream))
            if fault is None:
                conn.sendall(answer)
                return
            self.reached.set()
            if fault.kind == "late":
                self._stop.wait(fault.hold)
                with contextlib.suppress(OSError):  # the client gave up long ago
                    conn.sendall(answer)


def _until_eof(sock: socket.socket) -> Iterator[bytes]:
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return
        yield chunk
