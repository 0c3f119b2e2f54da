"""Access tokens as a real server checks them: a good one works, every bad one gets the 401 that
sends a client to discovery, and none of them ever reaches the log."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import anyio
import httpx2
import pytest

from ..transports.clients import MODES, connect, text_of
from ..transports.wire import INITIALIZE, MCP_HEADERS
from .authority import b64, forge
from .conftest import STATIC_TOKEN, OAuthFleet

pytestmark = pytest.mark.anyio

BAD_TOKENS = (
    "expired",
    "not-yet-valid",
    "wrong-audience",
    "wrong-issuer",
    "unknown-kid",
    "alg-none",
    "hs256-keyed-with-the-public-key",
    "tampered-claims",
    "tampered-signature",
    "without-exp",
    "not-a-jwt",
)


def bad_token(fleet: OAuthFleet, kind: str) -> str:
    """A token ``main`` must refuse, of the ``kind`` named."""
    authority, audience = fleet.authority, fleet.audiences["main"]
    key, claims = authority.keys[0], authority.claims(audience)
    header, _, signature = authority.token(audience, scopes=["files:read"]).split(".")
    made: dict[str, Callable[[], str]] = {
        "expired": lambda: authority.token(audience, lifetime=-120),
        "not-yet-valid": lambda: authority.token(audience, nbf=int(time.time()) + 600),
        "wrong-audience": lambda: authority.token("http://127.0.0.1:1/mcp"),
        "wrong-issuer": lambda: authority.token(audience, iss="http://127.0.0.1:1/realms/other"),
        "unknown-kid": lambda: authority.token(audience, kid="no-such-key"),
        "alg-none": lambda: forge({"alg": "none", "typ": "JWT", "kid": key.kid}, claims, None),
        "hs256-keyed-with-the-public-key": lambda: forge(
            {"alg": "HS256", "typ": "JWT", "kid": key.kid}, claims, key.public_pem
        ),
        # The read-only token's signature over claims that grant everything.
        "tampered-claims": lambda: f"{header}.{b64(json.dumps(claims).encode())}.{signature}",
        "tampered-signature": lambda: tamper(authority.token(audience)),
        "without-exp": lambda: authority.token(audience, exp=None),
        "not-a-jwt": lambda: "an-opaque-token-0123456789",
    }
    return made[kind]()


def tamper(token: str) -> str:
    """``token`` with one byte of its signature flipped (a middle one: the last character may
    hold only padding bits)."""
    head, claims, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return f"{head}.{claims}.{b64(bytes(raw))}"


async def initialize(fleet: OAuthFleet, token: str | None) -> httpx2.Response:
    """``main``'s answer to an ``initialize`` sent with ``token`` (none: no ``Authorization``)."""
    served = fleet.ready("main")
    headers = {**MCP_HEADERS, **({"Authorization": f"Bearer {token}"} if token else {})}
    async with httpx2.AsyncClient(timeout=10.0) as http:
        return await http.post(f"{served.base}/mcp", headers=headers, json=INITIALIZE)


def assert_discovery_challenge(fleet: OAuthFleet, response: httpx2.Response) -> None:
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    metadata = f"http://127.0.0.1:{fleet.servers['main'].port}/.well-known/oauth-protected-resource/mcp"
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{metadata}"' in challenge
    assert 'error="invalid_token"' in challenge


async def test_a_request_without_a_token_gets_401_naming_the_resource_metadata(
    oauth_fleet: OAuthFleet,
) -> None:
    assert_discovery_challenge(oauth_fleet, await initialize(oauth_fleet, None))


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_a_bad_token_gets_401_naming_the_resource_metadata(kind: str, oauth_fleet: OAuthFleet) -> None:
    with anyio.fail_after(15):
        response = await initialize(oauth_fleet, bad_token(oauth_fleet, kind))
    assert_discovery_challenge(oauth_fleet, response)


async def test_a_token_from_an_issuer_whose_clock_runs_a_little_ahead_is_accepted(
    oauth_fleet: OAuthFleet,
) -> None:
    now = int(time.time())
    token = oauth_fleet.token("main", iat=now + 10, nbf=now + 10)
    assert (await initialize(oauth_fleet, token)).status_code == 200


@pytest.mark.parametrize("mode", MODES)
async def test_a_good_token_lists_and_calls_the_tools(mode: str, oauth_fleet: OAuthFleet) -> None:
    served, seeded = oauth_fleet.ready("main"), oauth_fleet.seeds["main"]
    auth = {"Authorization": f"Bearer {oauth_fleet.token('main')}"}
    with anyio.fail_after(20):
        async with connect(served, "streamable-http", mode, headers=auth) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            listed = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert "attach_assistant_file" in names and "list_assistant_files" in names
    assert not listed.is_error, text_of(listed)
    assert listed.structured_content is not None and len(listed.structured_content["files"]) == 5


async def test_the_static_token_still_works_beside_oauth(oauth_fleet: OAuthFleet) -> None:
    served, seeded = oauth_fleet.ready("main"), oauth_fleet.seeds["main"]
    with anyio.fail_after(20):
        async with connect(
            served, "streamable-http", headers={"Authorization": f"Bearer {STATIC_TOKEN}"}
        ) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            listed = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert not listed.is_error, text_of(listed)
    assert "attach_assistant_file" in names  # every scope


async def test_no_token_good_or_bad_reaches_the_log(oauth_fleet: OAuthFleet) -> None:
    tokens = [oauth_fleet.token("main"), STATIC_TOKEN, *(bad_token(oauth_fleet, kind) for kind in BAD_TOKENS)]
    for token in tokens:
        await initialize(oauth_fleet, token)
    log = oauth_fleet.servers["main"].stderr  # at --log-level DEBUG
    assert "refused an access token" in log
    for token in tokens:
        signature = token.rsplit(".", 1)[-1]
        assert token not in log
        assert len(signature) < 16 or signature not in log
