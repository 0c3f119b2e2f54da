"""Where the server's aiohttp transport must do what httpx2's own transport does (each test runs
on both): the pool's slots under cancellation and its timeout, a stalled name lookup, header
values, an upload that fails or is not as long as it says, closing under a read, kept connections, long header lines, and the
URL's bytes. Found by a review of ``service/aio_transport.py``; each failed on aiohttp before."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import h11
import httpx2
import pytest
from anyio.abc import SocketStream

from mcp_assistant_files.service.aio_transport import AiohttpTransport

from .upstreams import listening_socket, port_of, request_heads, serving

pytestmark = pytest.mark.anyio

GUARD = 30.0  # seconds: a hang fails the test instead of stalling the suite
Make = Callable[[httpx2.Limits], httpx2.AsyncBaseTransport]
MAKERS: dict[str, Make] = {
    "httpx2": lambda limits: httpx2.AsyncHTTPTransport(limits=limits),
    "aiohttp": AiohttpTransport,
}


@pytest.fixture(params=list(MAKERS))
def make(request: pytest.FixtureRequest) -> Make:
    return MAKERS[request.param]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the aiohttp transport runs on asyncio only


class Recording:
    """An upstream answering ``ok`` to every request on kept-alive connections, except ``/hold``
    (a head promising 10 bytes, then silence); notes each request head and each connection."""

    def __init__(self, *, extra_header: bytes = b"") -> None:
        self.heads: list[bytes] = []
        self.connections = 0
        self.extra_header = extra_header

    async def handle(self, stream: SocketStream) -> None:
        self.connections += 1
        async with stream:
            async for head in request_heads(stream):
                self.heads.append(head)
                if head.startswith(b"GET /hold"):
                    await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc")
                    await anyio.sleep_forever()
                await stream.send(b"HTTP/1.1 200 OK\r\n%scontent-length: 2\r\n\r\nok" % self.extra_header)


@asynccontextmanager
async def client_of(
    make: Make, upstream: Recording, limits: httpx2.Limits | None = None
) -> AsyncIterator[httpx2.AsyncClient]:
    limits = limits or httpx2.Limits(max_connections=4, max_keepalive_connections=4)
    with listening_socket() as sock:
        async with serving(sock, upstream.handle):
            base = f"http://127.0.0.1:{port_of(sock)}"
            async with httpx2.AsyncClient(transport=make(limits), base_url=base) as client:
                with anyio.fail_after(GUARD):
                    yield client


ONE = httpx2.Limits(max_connections=1, max_keepalive_connections=1)


async def test_a_freed_slot_goes_on_to_the_next_waiter_when_the_woken_one_was_cancelled(make: Make) -> None:
    async with client_of(make, Recording(), ONE) as client:
        holder = await client.send(client.build_request("GET", "/hold"), stream=True)
        woken = asyncio.ensure_future(client.get("/"))
        await anyio.sleep(0.1)  # queued first
        after = asyncio.ensure_future(client.get("/"))
        await anyio.sleep(0.1)
        await holder.aclose()  # frees the one slot, for the first waiter...
        woken.cancel()  # ...which is cancelled before it runs
        assert (await after).status_code == 200
        assert woken.cancelled()


async def test_a_wait_for_a_slot_past_the_pool_timeout_is_a_pool_timeout(make: Make) -> None:
    async with client_of(make, Recording(), ONE) as client:
        holder = await client.send(client.build_request("GET", "/hold"), stream=True)
        with pytest.raises(httpx2.PoolTimeout):
            await client.get("/", timeout=httpx2.Timeout(GUARD, pool=0.2))
        await holder.aclose()
        assert (await client.get("/")).status_code == 200  # the slot came back


async def test_a_stalled_name_lookup_is_a_connect_timeout(
    make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()

    async def stalled(*args: Any, **kwargs: Any) -> Any:
        await anyio.sleep(GUARD * 2)

    monkeypatch.setattr(loop, "getaddrinfo", stalled)
    async with httpx2.AsyncClient(transport=make(ONE)) as client:
        with anyio.fail_after(GUARD), pytest.raises(httpx2.ConnectTimeout):
            await client.get("http://upstream.invalid/", timeout=httpx2.Timeout(GUARD, connect=0.2))


@pytest.mark.parametrize("value", ["a\r\nb: c", "a\x00", " a", "a ", "a\t"])
async def test_header_values_h11_refuses_are_refused_before_anything_is_sent(make: Make, value: str) -> None:
    upstream = Recording()
    async with client_of(make, upstream) as client:
        with pytest.raises(httpx2.LocalProtocolError):
            await client.get("/", headers={"x-value": value})
    assert upstream.heads == []


@pytest.mark.parametrize("value", ["", "a\tb", "a b"])
async def test_header_values_h11_takes_are_sent_as_they_are(make: Make, value: str) -> None:
    upstream = Recording()
    async with client_of(make, upstream) as client:
        assert (await client.get("/", headers={"x-value": value})).status_code == 200
    [head] = upstream.heads
    assert f"x-value: {value}".encode() in head.split(b"\r\n")


async def test_control_characters_in_a_value_are_refused_by_ours() -> None:
    """aiohttp refuses them with a bare ``ValueError`` after connecting; h11 sends some (``\\x1b``)."""
    upstream = Recording()
    async with client_of(AiohttpTransport, upstream) as client:
        for value in ("a\x01", "a\x1b", "a\x7f"):
            with pytest.raises(httpx2.LocalProtocolError):
                await client.get("/", headers={"x-value": value})
    assert (upstream.heads, upstream.connections) == ([], 0)


async def test_an_upload_whose_body_fails_raises_the_body_s_own_error(make: Make) -> None:
    async def shrinking() -> AsyncIterator[bytes]:
        yield b"x" * 1024
        raise OSError("file.bin became shorter while it was being uploaded")

    async with client_of(make, Recording()) as client:
        request = client.build_request("POST", "/up", content=shrinking(), headers={"content-length": "4096"})
        with pytest.raises(OSError, match="became shorter") as raised:
            await client.send(request)
    assert not isinstance(raised.value, httpx2.TransportError)


async def test_an_upload_failing_after_an_early_answer_raises_the_body_s_own_error(make: Make) -> None:
    async def answer_at_once(stream: SocketStream) -> None:
        async with stream:
            async for _ in request_heads(stream):
                await stream.send(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc")
                await anyio.sleep_forever()

    async def failing() -> AsyncIterator[bytes]:
        yield b"x" * 1024
        await anyio.sleep(0.2)  # the answer's head has arrived by now
        raise OSError("file.bin became shorter while it was being uploaded")

    async def send_and_read(client: httpx2.AsyncClient) -> None:
        request = client.build_request("POST", "/up", content=failing(), headers={"content-length": "4096"})
        response = await client.send(request, stream=True)  # httpx2's sends the whole body first
        await response.aread()  # ours has the answer's head before the body fails

    with listening_socket() as sock:
        base = f"http://127.0.0.1:{port_of(sock)}"
        async with (
            serving(sock, answer_at_once),
            httpx2.AsyncClient(transport=make(ONE), base_url=base) as client,
        ):
            with anyio.fail_after(GUARD), pytest.raises(OSError, match="became shorter") as raised:
                await send_and_read(client)
    assert not isinstance(raised.value, httpx2.TransportError)


LENGTH_CASES: dict[str, tuple[tuple[bytes, ...] | bytes, list[tuple[bytes, bytes]], str]] = {
    # a body as stream pieces (a tuple) or as bytes; the Content-Length header(s); h11's words
    "stream longer": ((b"x" * 10, b"y" * 10), [(b"content-length", b"15")], "Too much data"),
    "stream shorter": ((b"x" * 10,), [(b"content-length", b"15")], "Too little data"),
    "bytes longer": (b"x" * 10 + b"y" * 10, [(b"content-length", b"15")], "Too much data"),
    "bytes shorter": (b"x" * 10, [(b"content-length", b"15")], "Too little data"),
    "repeated, longer": (
        (b"x" * 10, b"y" * 10),
        [(b"content-length", b"15"), (b"content-length", b"15")],
        "Too much data",
    ),
    "comma-separated, longer": ((b"x" * 10, b"y" * 10), [(b"content-length", b"15, 15")], "Too much data"),
    "conflicting": (
        b"x" * 15,
        [(b"content-length", b"15"), (b"content-length", b"16")],
        "conflicting Content-Length",
    ),
    "a plus sign": (b"x" * 15, [(b"content-length", b"+15")], "bad Content-Length"),
    "a non-ASCII digit": (b"x" * 3, [(b"content-length", "\u0663".encode())], "bad Content-Length"),
}


@pytest.mark.parametrize("case", list(LENGTH_CASES))
async def test_a_body_of_another_length_than_its_content_length_is_refused(make: Make, case: str) -> None:
    pieces, lengths, words = LENGTH_CASES[case]

    async def stream(chunks: tuple[bytes, ...]) -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    upstream = Recording()
    async with client_of(make, upstream) as client:
        body = pieces if isinstance(pieces, bytes) else stream(pieces)
        request = client.build_request("POST", "/up", content=body, headers=lengths)
        # httpx2's transport lets h11's own error out unmapped; ours raises httpx2's, with h11's words.
        with pytest.raises((httpx2.LocalProtocolError, h11.LocalProtocolError), match=words):
            await client.send(request)
        assert (await client.get("/after")).text == "ok"  # the connection is not reused mid-body
    assert not any(head.startswith(b"y") for head in upstream.heads)


async def test_closing_the_transport_under_a_read_is_a_read_error(make: Make) -> None:
    async with client_of(make, Recording()) as client:
        holder = await client.send(client.build_request("GET", "/hold"), stream=True)
        await client._transport.aclose()
        with pytest.raises(httpx2.ReadError):
            await holder.aread()


async def test_keep_alive_without_expiry_keeps_the_connection(make: Make) -> None:
    upstream = Recording()
    limits = httpx2.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=None)
    async with client_of(make, upstream, limits) as client:
        for _ in range(3):
            assert (await client.get("/")).status_code == 200
    assert upstream.connections == 1


async def test_a_long_response_header_line_is_taken(make: Make) -> None:
    long = b"x-long: " + b"v" * 9000 + b"\r\n"
    async with client_of(make, Recording(extra_header=long)) as client:
        response = await client.get("/")
    assert response.headers["x-long"] == "v" * 9000


@pytest.mark.parametrize("target", ["/v1/%7Euser", "/v1/x?q=%5B1%5D", "/v1/x?after=a%2Fb%3Dc"])
async def test_the_url_goes_out_as_httpx2_encoded_it(make: Make, target: str) -> None:
    upstream = Recording()
    async with client_of(make, upstream) as client:
        await client.get(target)
    [head] = upstream.heads
    assert head.startswith(f"GET {target} HTTP/1.1".encode())


async def test_closing_the_transport_during_a_body_read_ends_the_read_with_a_read_error(make: Make) -> None:
    """aiohttp's closing left a read already waiting waiting, past its read timeout."""
    async with client_of(make, Recording()) as client:
        holder = await client.send(client.build_request("GET", "/hold"), stream=True)
        reading = asyncio.ensure_future(holder.aread())
        await anyio.sleep(0.1)  # the read waits for the 7 bytes that never come
        await client._transport.aclose()
        with pytest.raises(httpx2.ReadError):
            await reading


async def test_a_url_with_credentials_sends_them_as_basic_authorization(make: Make) -> None:
    upstream = Recording()
    with listening_socket() as sock:
        async with serving(sock, upstream.handle), httpx2.AsyncClient(transport=make(ONE)) as client:
            with anyio.fail_after(GUARD):
                response = await client.get(f"http://user:p%40ss@127.0.0.1:{port_of(sock)}/a%7E?q=%5B")
    assert response.status_code == 200
    [head] = upstream.heads
    lines = head.lower().split(b"\r\n")
    assert lines[0] == b"get /a%7e?q=%5b http/1.1"
    assert b"authorization: basic dxnlcjpwqhnz" in lines  # base64 of user:p@ss


async def test_a_program_fault_is_not_taken_for_a_connection_error() -> None:
    """A ``RuntimeError`` other than aiohttp's "closed" ones (here: the session of another event
    loop, already closed) goes on as it is, not as a ``ReadError`` the client would retry."""
    transport = AiohttpTransport(ONE)
    upstream = Recording()

    async def first_loop(port: int) -> None:
        async with serving(sock, upstream.handle):
            response = await transport.handle_async_request(
                httpx2.Request("GET", f"http://127.0.0.1:{port}/")
            )
            await response.aread()
            await response.aclose()

    with listening_socket() as sock:
        await anyio.to_thread.run_sync(lambda: asyncio.run(first_loop(port_of(sock))))
        with pytest.raises(RuntimeError) as raised:
            await transport.handle_async_request(httpx2.Request("GET", f"http://127.0.0.1:{port_of(sock)}/"))
    assert not isinstance(raised.value, httpx2.TransportError)
    await transport.aclose()


async def test_a_header_value_that_is_not_utf_8_is_refused_by_ours() -> None:
    """aiohttp would send it re-encoded (``\\xe9`` as ``\\xc3\\xa9``)."""
    upstream = Recording()
    async with client_of(AiohttpTransport, upstream) as client:
        with pytest.raises(httpx2.LocalProtocolError):
            await client.get("/", headers={b"x-value": b"caf\xe9"})  # latin-1: not UTF-8
        assert (await client.get("/", headers={b"x-value": "café".encode()})).status_code == 200
    assert upstream.heads[0].endswith(b"x-value: caf\xc3\xa9")
