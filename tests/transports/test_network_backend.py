"""The upstream pool's connections on asyncio's transports (``service/network.py``), over real sockets.

Every request goes through :func:`~mcp_assistant_files.service.pool.pooled_transport`, the
transport the server's upstream client makes, to servers on 127.0.0.1 (plain and TLS): kept-alive
connections, a connection the server closed while idle, timeouts, a refused connection, a reply
cut short, a cancelled request, bodies much larger than the flow-control marks both ways.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import ipaddress
import socket
import ssl
import struct
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import anyio.abc
import anyio.lowlevel
import anyio.streams.tls
import httpcore2
import httpx2
import pytest
from anyio.abc import SocketStream
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mcp_assistant_files.service import network
from mcp_assistant_files.service.network import HIGH_WATER, LOW_WATER, AsyncioBackend, AsyncioStream
from mcp_assistant_files.service.pool import pooled_transport

from .upstreams import PacedUpstream, SilentUpstream, listening_socket, port_of, serving

pytestmark = pytest.mark.anyio

GUARD = 30.0  # seconds: a hang fails the test instead of stalling the suite
LIMITS = httpx2.Limits(max_connections=4, max_keepalive_connections=4)
Handler = Callable[[SocketStream], Awaitable[None]]


@asynccontextmanager
async def client_of(handler: Handler, *, receive_buffer: int = 0) -> AsyncIterator[httpx2.AsyncClient]:
    """An ``httpx2`` client on the pooled transport, to ``handler`` served on a loopback port
    (whose connections get a kernel receive buffer of ``receive_buffer`` bytes, if given)."""
    with listening_socket() as sock:
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        async with serving(sock, handler):
            base = f"http://127.0.0.1:{port_of(sock)}"
            async with httpx2.AsyncClient(transport=pooled_transport(LIMITS), base_url=base) as client:
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


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[AsyncioStream]:
    """Every connection :class:`AsyncioBackend` makes during the test, in order."""
    streams: list[AsyncioStream] = []
    connect = AsyncioBackend.connect_tcp

    async def counted(self: AsyncioBackend, *args: object, **kwargs: object) -> httpcore2.AsyncNetworkStream:
        stream = await connect(self, *args, **kwargs)  # type: ignore[arg-type]
        assert isinstance(stream, AsyncioStream)
        streams.append(stream)
        return stream

    monkeypatch.setattr(AsyncioBackend, "connect_tcp", counted)
    return streams


async def test_requests_share_one_kept_alive_connection_made_by_the_asyncio_backend(
    made: list[AsyncioStream],
) -> None:
    upstream = PacedUpstream(delay=0)
    async with client_of(upstream.handle) as client:
        for n in range(5):
            response = await client.get(f"/v1/assistants/asst_net/files/file-{n}")
            assert response.json()["id"] == f"file-{n}"
    assert (len(made), upstream.connections, upstream.answered) == (1, 1, 5)


async def test_an_idle_connection_the_server_closed_reads_as_readable_and_is_replaced() -> None:
    """The pool asks an idle connection ``is_readable`` before reusing it: an ended one is dropped."""
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
        first = await client.get("/one")
        assert first.content == b"answer"
        await closed.wait()
        kept = first.extensions["network_stream"]
        while not kept.get_extra_info("is_readable"):  # until this loop has read the server's EOF
            await anyio.lowlevel.checkpoint()
        assert (await client.get("/two")).content == b"answer"
    assert connections == 2


async def test_is_readable_is_false_while_nothing_has_arrived_and_true_once_the_peer_ended() -> None:
    with listening_socket() as sock:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port_of(sock))
        try:
            assert stream.get_extra_info("is_readable") is False
            peer, _ = sock.accept()
            peer.close()
            with anyio.fail_after(GUARD):
                assert await stream.read(100) == b""
            assert stream.get_extra_info("is_readable") is True
        finally:
            await stream.aclose()


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
        async with httpx2.AsyncClient(transport=pooled_transport(LIMITS)) as client:
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


async def test_large_bodies_cross_both_ways_intact_past_the_flow_control_marks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[bool] = []  # for_drain of each wait: the writer must have waited for a drain
    wait = network._Connection.wait

    async def noted(self: network._Connection, for_drain: bool, *args: object) -> None:
        waits.append(for_drain)
        await wait(self, for_drain, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(network._Connection, "wait", noted)
    upload = bytes(range(256)) * (64 * HIGH_WATER // 256)  # 16 MiB

    async def echo_digest_then_big(stream: SocketStream) -> None:
        buffer = bytearray()
        async with stream:
            head = await _request_head(stream, buffer)
            await anyio.sleep(0.2)  # let the client's writes back up first
            while len(buffer) < _length(head):
                buffer += await stream.receive()
            digest = hashlib.sha256(buffer).hexdigest().encode()
            await stream.send(_ok(digest * (HIGH_WATER // 16)))  # 4 x HIGH_WATER

    async with (
        client_of(echo_digest_then_big, receive_buffer=4096) as client,
        client.stream("POST", "/big", content=upload) as response,
    ):
        received = bytearray()
        async for chunk in response.aiter_bytes():
            received += chunk
            await anyio.lowlevel.checkpoint()  # the reader lags a turn behind the socket
    assert received == hashlib.sha256(upload).hexdigest().encode() * (HIGH_WATER // 16)
    assert True in waits


class _Transport(asyncio.Transport):
    """Records pause/resume of reading."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


def test_reading_pauses_above_the_high_mark_and_resumes_at_the_low_one() -> None:
    connection = network._Connection()
    transport = _Transport()
    connection.connection_made(transport)
    connection.data_received(b"x" * HIGH_WATER)
    assert transport.calls == []
    connection.data_received(b"x")
    connection.data_received(b"x" * 1000)
    assert transport.calls == ["pause"]
    connection.take(HIGH_WATER - LOW_WATER)
    assert transport.calls == ["pause"]  # 1,001 bytes over the low mark still wait
    connection.take(1001)
    assert transport.calls == ["pause", "resume"]
    assert len(connection.take(10**9)) == LOW_WATER


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


async def test_https_through_asyncio_tls_with_the_certificates_of_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path, "127.0.0.1")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx2 trusts what the environment names
    async with (
        tls_server(cert, key) as port,
        httpx2.AsyncClient(transport=pooled_transport(LIMITS)) as client,
    ):
        with anyio.fail_after(GUARD):
            for _ in range(2):
                response = await client.get(f"https://127.0.0.1:{port}/")
                assert response.content == b"secret"
                assert response.extensions["network_stream"].get_extra_info("ssl_object") is not None


async def test_a_certificate_for_another_name_fails_the_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _certificate(tmp_path, "other.example")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    async with (
        tls_server(cert, key) as port,
        httpx2.AsyncClient(transport=pooled_transport(LIMITS)) as client,
    ):
        with (
            anyio.fail_after(GUARD),
            pytest.raises(httpx2.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
        ):
            await client.get(f"https://127.0.0.1:{port}/")


async def test_a_tls_handshake_never_answered_is_a_connect_timeout() -> None:
    with listening_socket() as sock:  # the kernel accepts; nobody answers the ClientHello
        async with httpx2.AsyncClient(transport=pooled_transport(LIMITS)) as client:
            with anyio.fail_after(GUARD), pytest.raises(httpx2.ConnectTimeout):
                await client.get(
                    f"https://127.0.0.1:{port_of(sock)}/", timeout=httpx2.Timeout(5, connect=0.3)
                )


async def test_a_connection_given_up_with_bytes_unsent_is_closed_at_once(made: list[AsyncioStream]) -> None:
    with listening_socket() as sock:  # never accepted, never read: the upload backs up
        async with httpx2.AsyncClient(transport=pooled_transport(LIMITS)) as client:
            with anyio.fail_after(GUARD), pytest.raises(httpx2.WriteTimeout):
                await client.post(
                    f"http://127.0.0.1:{port_of(sock)}/", content=b"x" * 64 * HIGH_WATER,
                    timeout=httpx2.Timeout(5, write=0.3),
                )  # fmt: skip
            [stream] = made
            with anyio.fail_after(GUARD):  # closed within a turn or two of the loop, not when the peer reads
                while stream.get_extra_info("socket").fileno() != -1:
                    await anyio.lowlevel.checkpoint()


async def test_an_idle_connection_closed_before_the_loop_looked_is_not_reused() -> None:
    """The server closes the kept-alive connection while the loop is busy (blocked here on purpose):
    the protocol has not heard of the FIN, so ``is_readable`` asks the kernel."""
    closed = threading.Event()
    with listening_socket() as sock:

        def serve() -> None:
            for _ in range(2):
                peer, _ = sock.accept()
                with peer:
                    buffer = b""
                    while b"\r\n\r\n" not in buffer:
                        buffer += peer.recv(65536)
                    peer.sendall(_ok(b"ok"))
                closed.set()  # the upstream's keep-alive timeout, at once

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        async with httpx2.AsyncClient(transport=pooled_transport(LIMITS)) as client:
            with anyio.fail_after(GUARD):
                assert (await client.get(f"http://127.0.0.1:{port_of(sock)}/")).content == b"ok"
                assert closed.wait(GUARD)  # blocks the loop: its FIN is not read until the next request
                assert (await client.get(f"http://127.0.0.1:{port_of(sock)}/")).content == b"ok"
        thread.join(GUARD)


async def test_a_reset_mid_reply_is_a_read_error() -> None:
    async def reset(stream: SocketStream) -> None:
        await _request_head(stream, bytearray())
        await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n" + b"x" * 10)
        await anyio.sleep(0.05)
        await _reset(stream)

    async with client_of(reset) as client:
        with pytest.raises(httpx2.ReadError):
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
            await client.post("/up", content=b"x" * 64 * HIGH_WATER, timeout=httpx2.Timeout(None))
