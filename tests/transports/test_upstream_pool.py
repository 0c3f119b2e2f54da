"""The upstream pool: ``serve --upstream-connections N`` opens at most N connections and keeps them.

Many more concurrent calls than the pool holds go to a loopback upstream that answers each after
a pause (so they overlap): every call is answered, over no more than N connections, and a second
wave reuses them instead of opening new ones.
"""

from __future__ import annotations

from functools import partial

import anyio
import httpx2
import pytest

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


async def test_the_pool_is_made_by_the_first_request_once_however_many_arrive_together() -> None:
    """Start-up makes no pool (no CA bundle loaded); the first calls, together, make exactly one."""
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
                assert isinstance(transport.opened, httpx2.AsyncHTTPTransport)
            finally:
                await served.aclose()
    assert made == 1
    assert upstream.answered == CALLS
    assert upstream.connections == 3
