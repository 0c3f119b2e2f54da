"""The issuer's keys: discovered, cached, refreshed on an unknown ``kid`` at a bounded rate, kept
when the issuer fails. Units run the key set against the stand-in through a mock transport and
a clock of their own; the last test rotates the keys under a real server."""

from __future__ import annotations

import secrets
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_assistant_files.server.oauth.keys import (
    MAX_AGE,
    RETRY_AFTER_FAILURE,
    UNKNOWN_KEY_INTERVAL,
    KeySet,
    KeysUnavailable,
)

from ..transports.serving import free_port, seed_db, spawn
from ..transports.wire import INITIALIZE, MCP_HEADERS
from .authority import REALM, Authority, running_authority
from .conftest import oauth_flags

pytestmark = pytest.mark.anyio


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Issuer:
    """The stand-in behind a mock transport, which a test can make fail."""

    def __init__(self, authority: Authority | None = None) -> None:
        self.authority = authority or Authority()
        self.down = False
        self.attempts = 0
        self.names: str | None = None
        """The issuer its metadata claims, if not its own."""

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.attempts += 1
        if self.down:
            raise httpx2.ConnectError("connection refused", request=request)
        status, document = self.authority.answer(request.method, request.url.path, dict(request.headers), b"")
        if self.names and isinstance(document, dict) and "issuer" in document:
            document = {**document, "issuer": self.names}
        return httpx2.Response(status, json=document)

    def key_set(self, clock: Clock) -> KeySet:
        transport = httpx2.MockTransport(self.handle)
        return KeySet(self.authority.issuer, clock=clock, transport=transport)


async def test_keys_are_discovered_through_openid_configuration_and_fetched_once() -> None:
    issuer = Issuer()
    keys = issuer.key_set(Clock())
    assert (await keys.find("rsa-1") or {}).get("kid") == "rsa-1"
    assert (await keys.find("rsa-1") or {}).get("kid") == "rsa-1"
    assert (await keys.find(None) or {}).get("kid") == "rsa-1"  # no kid: the only key
    assert issuer.authority.jwks_fetches == 1
    assert issuer.authority.requests[:3] == [
        f"GET /.well-known/oauth-authorization-server{REALM}",
        f"GET /.well-known/openid-configuration{REALM}",
        f"GET {REALM}/.well-known/openid-configuration",
    ]


async def test_an_unknown_kid_refetches_at_once_then_at_most_once_per_interval() -> None:
    issuer, clock = Issuer(), Clock()
    keys = issuer.key_set(clock)
    await keys.find("rsa-1")
    rotated = issuer.authority.rotate()
    assert (await keys.find(rotated.kid) or {}).get("kid") == rotated.kid  # picked up at once
    assert issuer.authority.jwks_fetches == 2
    for _ in range(20):
        assert await keys.find(f"made-up-{secrets.token_hex(4)}") is None
    assert issuer.authority.jwks_fetches == 2
    clock.now += UNKNOWN_KEY_INTERVAL
    assert await keys.find("made-up") is None
    assert issuer.authority.jwks_fetches == 3


async def test_concurrent_requests_share_one_fetch() -> None:
    issuer = Issuer()
    keys = issuer.key_set(Clock())
    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(keys.find, "rsa-1")
    assert issuer.authority.jwks_fetches == 1


async def test_keys_an_hour_old_are_fetched_again() -> None:
    issuer, clock = Issuer(), Clock()
    keys = issuer.key_set(clock)
    await keys.find("rsa-1")
    clock.now += MAX_AGE - 1
    await keys.find("rsa-1")
    assert issuer.authority.jwks_fetches == 1
    clock.now += 1
    await keys.find("rsa-1")
    assert issuer.authority.jwks_fetches == 2


async def test_metadata_naming_another_issuer_is_not_used(caplog: pytest.LogCaptureFixture) -> None:
    issuer = Issuer()
    issuer.names = "https://impostor.example"
    keys = issuer.key_set(Clock())
    with pytest.raises(KeysUnavailable):
        await keys.find("rsa-1")
    assert issuer.authority.jwks_fetches == 0
    assert "names the issuer" in caplog.text


async def test_an_unreachable_issuer_is_asked_again_only_after_a_pause() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.down = True
    keys = issuer.key_set(clock)
    with pytest.raises(KeysUnavailable):
        await keys.find("rsa-1")
    attempts = issuer.attempts
    with pytest.raises(KeysUnavailable):
        await keys.find("rsa-1")
    assert issuer.attempts == attempts
    clock.now += RETRY_AFTER_FAILURE
    issuer.down = False
    assert await keys.find("rsa-1") is not None


async def test_keys_held_are_kept_when_a_refresh_fails() -> None:
    issuer, clock = Issuer(), Clock()
    keys = issuer.key_set(clock)
    await keys.find("rsa-1")
    issuer.down = True
    clock.now += MAX_AGE
    assert await keys.find("rsa-1") is not None
    assert issuer.attempts > issuer.authority.jwks_fetches


async def test_a_real_server_picks_up_a_rotated_key_and_bounds_refetches(tmp_path: Path) -> None:
    with running_authority() as authority:
        port = free_port()
        audience = f"http://127.0.0.1:{port}/mcp"
        seeded = seed_db(tmp_path / "db.sqlite3", 1)
        served = spawn(tmp_path, "--db", str(seeded.db), *oauth_flags(authority.issuer, audience), port=port)
        try:
            served.wait_ready()

            async def status(token: str) -> int:
                headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
                async with httpx2.AsyncClient(timeout=10.0) as http:
                    return (
                        await http.post(f"{served.base}/mcp", headers=headers, json=INITIALIZE)
                    ).status_code

            first = authority.keys[0]
            assert await status(authority.token(audience)) == 200
            assert authority.jwks_fetches == 1
            authority.rotate()
            assert await status(authority.token(audience)) == 200  # signed with the new key
            assert authority.jwks_fetches == 2
            for _ in range(10):
                assert await status(authority.token(audience, kid=f"made-up-{secrets.token_hex(4)}")) == 401
            assert authority.jwks_fetches == 2  # made-up kids do not make it ask again
            assert await status(authority.token(audience, key=first)) == 200  # the old key still works
        finally:
            served.stop()
