"""Stateful sessions under OAuth: a session answers only the principal that opened it, and a full
session table still makes room (ending the idle session on its own principal's behalf)."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from ..transports.wire import LEGACY, MCP_HEADERS, open_session
from .conftest import OAuthFleet

pytestmark = pytest.mark.anyio

LIST_TOOLS = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


async def list_in(http: httpx2.AsyncClient, port: int, session: str) -> int:
    """The status of a ``tools/list`` in ``session``."""
    headers = {**MCP_HEADERS, "MCP-Protocol-Version": LEGACY, "Mcp-Session-Id": session}
    return (await http.post(f"http://127.0.0.1:{port}/mcp", headers=headers, json=LIST_TOOLS)).status_code


def client_for(token: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=10.0)


async def test_a_session_answers_only_the_principal_that_opened_it(oauth_fleet: OAuthFleet) -> None:
    served = oauth_fleet.ready("main")
    with anyio.fail_after(20):
        async with (
            client_for(oauth_fleet.token("main", subject="alice")) as alice,
            client_for(oauth_fleet.token("main", subject="alice", scopes=["files:read"])) as alice_again,
            client_for(oauth_fleet.token("main", subject="mallory")) as mallory,
        ):
            session = await open_session(alice, served.port)
            assert await list_in(mallory, served.port, session) == 404
            assert await list_in(alice_again, served.port, session) == 200  # a new token, the same principal


async def test_a_full_session_table_ends_another_principals_idle_session(oauth_fleet: OAuthFleet) -> None:
    served = oauth_fleet.ready("small-table")  # --max-sessions 2
    tokens = [oauth_fleet.token("small-table", subject=f"user-{n}") for n in range(3)]
    with anyio.fail_after(30):
        async with (
            client_for(tokens[0]) as first,
            client_for(tokens[1]) as second,
            client_for(tokens[2]) as third,
        ):
            sessions = [await open_session(http, served.port) for http in (first, second, third)]
            # Without the DELETE made on user-0's behalf, the SDK would have refused user-2 (503).
            assert await list_in(first, served.port, sessions[0]) == 404
            assert await list_in(second, served.port, sessions[1]) == 200
            assert await list_in(third, served.port, sessions[2]) == 200
