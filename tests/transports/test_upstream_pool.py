"""The upstream pool: ``serve --upstream-connections N`` opens at most N connections and keeps them.

Many more concurrent calls than the pool holds go to a loopback upstream that answers each after
a pause (so they overlap): every call is answered, over no more than N connections, and a second
wave reuses them instead of opening new ones.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_assistant_files.client import APIConnectionError
from mcp_assistant_files.service.aio_transport import AiohttpTransport
from mcp_assistant_files.service.pool import OnDemandTransport
from mcp_assistant_files.service.upstream import open_upstream

from .upstreams import PacedUpstream, listening_socket, port_of, serving

pytestmark = pytest.mark.anyio

CALLS = 12
GUARD = 30.0  # seconds: a hang fails the test instead of stalling the suite


@pytest.mark.parametrize("connections", [1, 3])
async def test_calls_share_at_most_the_pool_size_in_connections_and_keep_them(connections: int) -> None:
    upstream = PacedUpstream()
    sock = listening_socket()
    with sock:
        async with serving(sock, upstream.handle):
            served = open_upstream(
                base_url=f"http://127.0.0.1:{port_of(sock)}/v1", max_retries=0, connections=connections
            )
            try:
                with anyio.fail_after(GUARD):
                    for _ in range(2):  # the second wave finds the first wave's connections kept alive
                        async with anyio.create_task_group() as tg:
                            for n in range(CALLS):
                                tg.start_soon(
                                    partial(
                                        served.client.files.retrieve, f"file-{n}", assistant_id="asst_pool"
                                    )
                                )
            finally:
                await served.aclose()
    assert upstream.answered == 2 * CALLS
    assert upstream.connections == connections
    assert upstream.most_in_flight == connections


def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy (nor proxy exception) from the environment the tests run in."""
    for scheme in ("HTTP", "HTTPS", "ALL", "NO"):
        for name in (f"{scheme}_PROXY", f"{scheme.lower()}_proxy"):
            monkeypatch.delenv(name, raising=False)


async def test_the_pool_is_made_by_the_first_request_once_however_many_arrive_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Start-up makes no pool (no CA bundle loaded); the first calls, together, make exactly one."""
    no_proxies(monkeypatch)
    upstream = PacedUpstream()
    sock = listening_socket()
    made = 0
    with sock:
        async with serving(sock, upstream.handle):
            served = open_upstream(
                base_url=f"http://127.0.0.1:{port_of(sock)}/v1", max_retries=0, connections=3
            )
            transport = served.http._transport
            assert isinstance(transport, OnDemandTransport)
            assert transport.opened is None
            make = transport._make

            def counted() -> httpx2.AsyncBaseTransport:
                nonlocal made
                made += 1
                return make()

            transport._make = counted
            try:
                with anyio.fail_after(GUARD):
                    async with anyio.create_task_group() as tg:
                        for n in range(CALLS):
                            tg.start_soon(
                                partial(served.client.files.retrieve, f"file-{n}", assistant_id="asst_pool")
                            )
                assert isinstance(transport.opened, AiohttpTransport)
            finally:
                await served.aclose()
    assert made == 1
    assert upstream.answered == CALLS
    assert upstream.connections == 3


async def test_a_proxy_in_the_environment_still_carries_the_upstream_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """httpx2 reads ``HTTP_PROXY`` only for a pool it makes itself: with a proxy set, it does."""
    origin, proxy = PacedUpstream(), PacedUpstream()  # the proxy answers absolute-form requests
    no_proxies(monkeypatch)
    with listening_socket() as origin_sock, listening_socket() as proxy_sock:
        async with serving(origin_sock, origin.handle), serving(proxy_sock, proxy.handle):
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port_of(proxy_sock)}")
            served = open_upstream(
                base_url=f"http://127.0.0.1:{port_of(origin_sock)}/v1", max_retries=0, connections=2
            )
            try:
                with anyio.fail_after(GUARD):
                    await served.client.files.retrieve("file-0", assistant_id="asst_pool")
            finally:
                await served.aclose()
    assert (proxy.answered, origin.connections) == (1, 0)


async def test_a_pool_that_cannot_be_made_fails_the_call_as_a_connection_error_and_is_tried_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``SSL_CERT_FILE`` naming no file: each call fails with a sentence; none makes a broken pool."""
    no_proxies(monkeypatch)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    served = open_upstream(base_url="https://127.0.0.1:9/v1", max_retries=0, connections=2)
    transport = served.http._transport
    assert isinstance(transport, OnDemandTransport)
    try:
        for _ in range(2):
            with pytest.raises(APIConnectionError, match="could not reach") as failed:
                await served.client.files.retrieve("file-0", assistant_id="asst_pool")
            assert "cannot set up connections to the upstream" in str(failed.value.__cause__)
            assert transport.opened is None
    finally:
        await served.aclose()
    warnings = [r.getMessage() for r in caplog.records if r.name == "mcp_assistant_files.upstream"]
    assert len(warnings) == 2 and "SSL_CERT_FILE" in warnings[0], warnings
