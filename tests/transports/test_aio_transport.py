"""The server's upstream transport on aiohttp (``service/aio_transport.py``), over real sockets.

Every request goes through :class:`~mcp_assistant_files.service.aio_transport.AiohttpTransport`
under an ``httpx2`` client, to servers on 127.0.0.1 (plain and TLS): kept-alive connections, a
connection the server closed while idle, timeouts, a refused connection, a reply cut short, a
reset, a cancelled request, large bodies both ways, and what the transport must not add to
httpx2's semantics (headers, cookies, redirects, decompression). How each upstream fault reaches
the agent, through this transport and httpx2's, is ``tests/reliability/test_upstream_faults.py``.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import ipaddress
import socket
import ssl
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import anyio.abc
import anyio.lowlevel
import anyio.streams.tls
import httpx2
import pytest
from anyio.abc import SocketStream
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mcp_assistant_files.service.aio_transport import AiohttpTransport

from .upstreams import PacedUpstream, SilentUpstream, listening_socket, port_of, serving

pytestmark = pytest.mark.anyio

GUARD = 30.0  # seconds: a hang fails the test instead of stalling the suite
LIMITS = httpx2.Limits(max_connections=4, max_keepalive_connections=4)
MiB = 1024 * 1024
Handler = Callable[[SocketStream], Awaitable[None]]


@asynccontextmanager
async def client_of(handler: Handler, *, receive_buffer: int = 0) -> AsyncIterator[httpx2.AsyncClient]:
    """An ``httpx2`` client on the aiohttp transport, to ``handler`` served on a loopback port
    (whose connections get a kernel receive buffer of ``receive_buffer`` bytes, if given)."""
    with listening_socket() as sock:
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        async with serving(sock, handler):
            base = f"http://127.0.0.1:{port_of(sock)}"
            async with httpx2.AsyncClient(transport=AiohttpTransport(LIMITS), base_url=base) as client:
                with anyio.fail_after(GUARD):
                    yield client


async def _request_head(stream: SocketStream, buffer: bytearray) -> bytes:
    while b"\r\n\r\n" not in buffer:
        buffer += await stream.receive()
    end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    del buffer[:end]
    return head


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def _reset(stream: SocketStream) -> None:
    """Close ``stream`` with a TCP reset (``SO_LINGER`` 0) instead of a FIN."""
    raw = stream.extra(anyio.abc.SocketAttribute.raw_socket)  # noqa: S610 - anyio's attributes, not Django's
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    await stream.aclose()


def _ok(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)


def _kept(client: httpx2.AsyncClient) -> int:
    """How many idle connections the client's aiohttp pool keeps (aiohttp's connector, read as is)."""
    transport = client._transport
    assert isinstance(transport, AiohttpTransport) and transport._session is not None
    connector = transport._session.connector
    assert connector is not None
    return sum(len(idle) for idle in connector._conns.values())


async def test_requests_share_one_kept_alive_connection() -> None:
    upstream = PacedUpstream(delay=0)
    async with client_of(upstream.handle) as client:
        for n in range(5):
            response = await client.get(f"/v1/assistants/asst_net/files/file-{n}")
            assert response.json()["id"] == f"file-{n}"
    assert (upstream.connections, upstream.answered) == (1, 5)


async def test_an_idle_connection_the_server_closed_is_dropped_and_replaced() -> None:
    closed = anyio.Event()
    connections = 0

    async def answer_once_then_close(stream: SocketStream) -> None:
        nonlocal connections
        connections += 1
        async with stream:
            await _request_head(stream, bytearray())
            await stream.send(_ok(b"answer"))  # no "connection: close": the client keeps it
        closed.set()

    async with client_of(answer_once_then_close) as client:
        assert (await client.get("/one")).content == b"answer"
        await closed.wait()
        while _kept(client):  # until this loop has read the server's FIN and let the connection go
            await anyio.lowlevel.checkpoint()
        assert (await client.get("/two")).content == b"answer"
    assert connections == 2


async def test_a_silent_server_times_the_read_out_and_the_pool_still_works() -> None:
    silent = SilentUpstream()
    async with client_of(silent.handle) as client:
        with pytest.raises(httpx2.ReadTimeout):
            await client.get("/never", timeout=httpx2.Timeout(0.2))
        await silent.closed.wait()  # the timed-out connection is closed, not kept
        with pytest.raises(httpx2.ReadTimeout):
            await client.get("/never", timeout=httpx2.Timeout(0.2))
    assert silent.connections == 2


async def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = port_of(sock)  # bound, never listening: connections are refused
        async with httpx2.AsyncClient(transport=AiohttpTransport(LIMITS)) as client:
            with pytest.raises(httpx2.ConnectError):
                await client.get(f"http://127.0.0.1:{port}/")


async def test_a_reply_cut_short_is_a_protocol_error_not_a_short_body() -> None:
    async def cut_short(stream: SocketStream) -> None:
        async with stream:
            await _request_head(stream, bytearray())
            await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n" + b"x" * 10)

    async with client_of(cut_short) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.get("/short")


async def test_a_cancelled_request_closes_its_connection_and_leaves_the_pool_usable() -> None:
    silent = SilentUpstream()
    async with client_of(silent.handle) as client:
        with anyio.move_on_after(0.2) as scope:
            await client.get("/hang")
        assert scope.cancelled_caught
        await silent.closed.wait()
    assert silent.connections == 1


async def test_large_bodies_cross_both_ways_intact() -> None:
    upload = bytes(range(256)) * (16 * MiB // 256)

    async def echo_digest_then_big(stream: SocketStream) -> None:
        buffer = bytearray()
        async with stream:
            head = await _request_head(stream, buffer)
            await anyio.sleep(0.2)  # let the client's writes back up first
            while len(buffer) < _length(head):
                buffer += await stream.receive()
            digest = hashlib.sha256(buffer).hexdigest().encode()
            await stream.send(_ok(digest * (MiB // 64)))  # 1 MiB

    async with (
        client_of(echo_digest_then_big, receive_buffer=4096) as client,
        client.stream("POST", "/big", content=upload) as response,
    ):
        received = bytearray()
        async for chunk in response.aiter_bytes():
            received += chunk
            await anyio.lowlevel.checkpoint()  # the reader lags a turn behind the socket
    assert received == hashlib.sha256(upload).hexdigest().encode() * (MiB // 64)


async def test_an_upload_of_unknown_length_arrives_whole_in_chunks() -> None:
    seen: list[bytes] = []

    async def read_chunked(stream: SocketStream) -> None:
        buffer = bytearray()
        async with stream:
            seen.append(await _request_head(stream, buffer))
            while not buffer.endswith(b"0\r\n\r\n"):
                buffer += await stream.receive()
            seen.append(bytes(buffer))
            await stream.send(_ok(b"ok"))

    async def parts() -> AsyncIterator[bytes]:
        for part in (b"one,", b"two,", b"three"):
            yield part

    async with client_of(read_chunked) as client:
        assert (await client.post("/up", content=parts())).content == b"ok"
    head, body = seen
    assert b"transfer-encoding: chunked" in head.lower()
    assert head.lower().count(b"transfer-encoding") == 1
    assert b"".join(body.split(b"\r\n")[1::2]) == b"one,two,three"


async def test_a_stalled_upload_given_up_closes_its_connection() -> None:
    """aiohttp times no write: the caller's deadline (the client's ``total_timeout``) ends it."""
    gave_up, ended = anyio.Event(), anyio.Event()

    async def read_only_after_the_client_gave_up(stream: SocketStream) -> None:
        async with stream:
            await gave_up.wait()
            try:
                while await stream.receive():
                    pass
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                ended.set()

    async with client_of(read_only_after_the_client_gave_up, receive_buffer=4096) as client:
        with anyio.move_on_after(0.3) as scope:
            await client.post("/up", content=b"x" * 16 * MiB, timeout=httpx2.Timeout(None))
        assert scope.cancelled_caught
        gave_up.set()
        await ended.wait()  # the rest of the upload never comes: the connection was closed
        assert _kept(client) == 0


async def test_a_header_value_with_a_newline_is_refused_before_anything_is_sent() -> None:
    silent = SilentUpstream()
    async with client_of(silent.handle) as client:
        with pytest.raises(httpx2.LocalProtocolError, match="Illegal header 'authorization'"):
            await client.get("/", headers={"Authorization": "Bearer sk-1\r\nX-Injected: 1"})
    assert silent.connections == 0


async def test_it_adds_no_header_follows_no_redirect_keeps_no_cookie_and_leaves_decoding_to_httpx2() -> None:
    heads: list[bytes] = []
    body = gzip.compress(b'{"ok": true}')

    async def answer(stream: SocketStream) -> None:
        buffer = bytearray()
        async with stream:
            try:
                while True:
                    head = await _request_head(stream, buffer)
                    heads.append(head)
                    del buffer[: _length(head)]
                    if head.startswith(b"POST /moved"):
                        await stream.send(b"HTTP/1.1 307 Temporary Redirect\r\nlocation: /elsewhere\r\n"
                                          b"set-cookie: session=1\r\ncontent-length: 0\r\n\r\n")  # fmt: skip
                    else:
                        await stream.send(b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\n"
                                          b"content-length: %d\r\n\r\n%s" % (len(body), body))  # fmt: skip
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                return

    async with client_of(answer) as client:
        transport = client._transport
        moved = await client.post("/moved", content=b"raw bytes")
        assert (moved.status_code, moved.headers["location"]) == (307, "/elsewhere")
        request = httpx2.Request("GET", client.base_url.join("/plain"))  # the transport alone: no cookie jar
        plain = await transport.handle_async_request(request)
        await plain.aread()
        assert plain.json() == {"ok": True}
    assert len(heads) == 2, "the redirect was not followed"
    first = heads[0].lower()
    assert b"content-type" not in first, "no content type made up for a body without one"
    assert first.count(b"user-agent") == first.count(b"accept-encoding") == 1
    assert b"cookie" not in heads[1].lower()


async def test_a_closed_transport_refuses_requests() -> None:
    transport = AiohttpTransport(LIMITS)
    await transport.aclose()
    with pytest.raises(RuntimeError, match="client has been closed"):
        await transport.handle_async_request(httpx2.Request("GET", "http://127.0.0.1:9/"))


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (a DNS name or an IP address), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        alt = x509.DNSName(name)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@asynccontextmanager
async def tls_server(cert: Path, key: Path) -> AsyncIterator[int]:
    """A TLS server on 127.0.0.1 answering every request with ``secret``, on keep-alive connections."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with listening_socket() as sock:

        async def handle(stream: SocketStream) -> None:
            async with stream:  # also when the handshake is cancelled at the end of the test
                try:
                    wrapped = await anyio.streams.tls.TLSStream.wrap(
                        stream, server_side=True, ssl_context=context
                    )
                except (ssl.SSLError, anyio.BrokenResourceError, anyio.EndOfStream):
                    return  # the client refused the certificate
                buffer = bytearray()
                async with wrapped:
                    try:
                        while True:
                            await _request_head(wrapped, buffer)  # type: ignore[arg-type]
                            await wrapped.send(_ok(b"secret"))
                    except (anyio.EndOfStream, anyio.BrokenResourceError, ssl.SSLError):
                        return

        async with serving(sock, handle):
            yield port_of(sock)


async def test_https_with_the_certificates_of_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path, "127.0.0.1")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx2 trusts what the environment names
    async with (
        tls_server(cert, key) as port,
        httpx2.AsyncClient(transport=AiohttpTransport(LIMITS)) as client,
    ):
        with anyio.fail_after(GUARD):
            for _ in range(2):
                response = await client.get(f"https://127.0.0.1:{port}/")
                assert response.content == b"secret"


async def test_a_certificate_for_another_name_fails_the_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path, "other.example")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    async with (
        tls_server(cert, key) as port,
        httpx2.AsyncClient(transport=AiohttpTransport(LIMITS)) as client,
    ):
        with (
            anyio.fail_after(GUARD),
            pytest.raises(httpx2.ConnectError, match=r"(?i)certificate verify failed"),
        ):
            await client.get(f"https://127.0.0.1:{port}/")


async def test_a_tls_handshake_never_answered_is_a_connect_timeout() -> None:
    with listening_socket() as sock:  # the kernel accepts; nobody answers the ClientHello
        async with httpx2.AsyncClient(transport=AiohttpTransport(LIMITS)) as client:
            with anyio.fail_after(GUARD), pytest.raises(httpx2.ConnectTimeout):
                await client.get(
                    f"https://127.0.0.1:{port_of(sock)}/", timeout=httpx2.Timeout(5, connect=0.3)
                )


async def test_a_reset_mid_reply_is_a_protocol_error() -> None:
    """aiohttp reports the body as incomplete (``ClientPayloadError``), as httpcore2 did a body cut short."""

    async def reset(stream: SocketStream) -> None:
        await _request_head(stream, bytearray())
        await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n" + b"x" * 10)
        await anyio.sleep(0.05)
        await _reset(stream)

    async with client_of(reset) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.get("/reset")


async def test_a_reset_while_the_upload_waits_for_a_drain_ends_the_wait() -> None:
    async def reset_after_head(stream: SocketStream) -> None:
        await _request_head(stream, bytearray())
        await anyio.sleep(0.3)  # the client's writes back up
        await _reset(stream)

    async with client_of(reset_after_head, receive_buffer=4096) as client:
        with (
            anyio.fail_after(5),
            pytest.raises(httpx2.TransportError),
        ):  # no write timeout: only the reset ends it
            await client.post("/up", content=b"x" * 16 * MiB, timeout=httpx2.Timeout(None))
