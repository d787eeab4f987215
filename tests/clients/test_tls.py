"""TLS: one verifying context for the whole process, built off the event loop, and a
certificate the machine does not trust is refused through make_client's clients."""

from __future__ import annotations

import asyncio
import ssl
import threading

import httpx
import pytest

from launch_tui.clients import transport
from launch_tui.clients.transport import make_client, prepare_http, tls_context

from ..reliability.faults import self_signed_context


def test_every_client_shares_one_verifying_context():
    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded


async def test_the_context_is_built_off_the_event_loop(monkeypatch):
    monkeypatch.setattr(transport, "_tls", None)
    threads = []
    real = transport._warm_up
    monkeypatch.setattr(transport, "_warm_up", lambda: (threads.append(threading.current_thread()), real()))
    await prepare_http()
    assert threads and threads[0] is not threading.main_thread()
    await prepare_http()  # built already: nothing more to do
    assert len(threads) == 1


@pytest.fixture
async def tls_server(tmp_path):
    server_context = self_signed_context(tmp_path)
    cert = tmp_path / "self-signed.pem"

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass  # the client refused the certificate and hung up
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    yield f"https://127.0.0.1:{port}/", cert
    server.close()
    await server.wait_closed()


async def test_an_untrusted_certificate_is_refused(tls_server):
    url, cert = tls_server
    # The server works for a client that trusts its certificate...
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(cert))) as trusting:
        assert (await trusting.get(url)).text == "ok"
    # ...and make_client's clients, verifying against the CA bundle, refuse it.
    async with make_client() as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(url)
