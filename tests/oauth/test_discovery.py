"""Discovery as clients walk it: the 401 names our metadata (RFC 9728), the metadata names the
issuer, the issuer's metadata names its token endpoint; the SDK's own client follows the chain,
gets a token bound to this server and calls tools, and steps up when a call needs more scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.shared.auth import OAuthToken

from ..transports.clients import MODES, TOOL_NAMES, text_of
from ..transports.wire import INITIALIZE, MCP_HEADERS
from .authority import AUTHORIZE, REALM, REGISTER, TOKEN
from .clients import Browser, oauth_client, signed_in_client
from .conftest import ALLOWED_ORIGIN, OAuthFleet

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def main_client(
    fleet: OAuthFleet, mode: str, *, stored: OAuthToken | None = None
) -> AsyncIterator[Client]:
    """The SDK's ``Client`` for ``main``, as ``mcp-host``."""
    async with oauth_client(fleet.audiences["main"], fleet.authority.issuer, mode, stored=stored) as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]
)
async def test_the_resource_metadata_names_this_server_the_issuer_and_the_scopes(
    path: str, oauth_fleet: OAuthFleet
) -> None:
    served = oauth_fleet.ready("main")
    async with httpx2.AsyncClient(timeout=10.0) as http:
        response = await http.get(f"{served.base}{path}")
    assert response.status_code == 200
    assert response.json() == {
        "resource": oauth_fleet.audiences["main"],
        "authorization_servers": [oauth_fleet.authority.issuer],
        "scopes_supported": ["files:read", "files:write"],
        "bearer_methods_supported": ["header"],
        "resource_name": "mcp-assistant-files",
    }


@pytest.mark.parametrize("mode", MODES)
async def test_the_sdk_client_discovers_the_issuer_gets_a_token_and_calls_a_tool(
    mode: str, oauth_fleet: OAuthFleet
) -> None:
    seeded, authority = oauth_fleet.seeds["main"], oauth_fleet.authority
    seen = len(authority.requests)
    with anyio.fail_after(30):
        async with main_client(oauth_fleet, mode) as client:
            result = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert not result.is_error, text_of(result)
    walked = authority.requests[seen:]
    # The RFC 8414 forms are not served (as by Keycloak): the client walks on to OIDC discovery.
    assert walked.index(f"GET {REALM}/.well-known/openid-configuration") < walked.index(
        f"POST {REALM}{TOKEN}"
    )


@pytest.mark.parametrize("mode", MODES)
async def test_a_host_registers_signs_the_user_in_with_pkce_and_calls_tools(
    mode: str, oauth_fleet: OAuthFleet
) -> None:
    seeded, authority = oauth_fleet.seeds["main"], oauth_fleet.authority
    seen, browser = len(authority.requests), Browser()
    with anyio.fail_after(30):
        async with signed_in_client(oauth_fleet.audiences["main"], browser, mode) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            attached = await client.call_tool(
                "attach_assistant_file", {"assistant_id": seeded.assistant_id, "file_id": seeded.file_ids[1]}
            )
    assert names == TOOL_NAMES  # the PRM's scopes_supported were asked for, and granted
    assert not attached.is_error, text_of(attached)
    assert len(browser.redirects) == 1
    walked = authority.requests[seen:]
    steps = [f"POST {REALM}{REGISTER}", f"GET {REALM}{AUTHORIZE}", f"POST {REALM}{TOKEN}"]
    assert [walked.index(step) for step in steps] == sorted(walked.index(step) for step in steps)
    assert not authority.signin.codes  # the code was used, once


async def test_the_sdk_client_steps_up_to_the_write_scope_when_a_call_needs_it(
    oauth_fleet: OAuthFleet,
) -> None:
    seeded, authority = oauth_fleet.seeds["main"], oauth_fleet.authority
    issued = authority.tokens_issued
    # A token kept from an earlier, narrower grant to the same client (the same principal: the
    # SDK serves a session only to the principal that opened it).
    earlier = oauth_fleet.token("main", scopes=["files:read"], subject="service-account-mcp-host")
    narrow = OAuthToken(access_token=earlier, scope="files:read")
    with anyio.fail_after(30):
        async with main_client(oauth_fleet, "legacy", stored=narrow) as client:
            before = {tool.name for tool in (await client.list_tools()).tools}
            attached = await client.call_tool(
                "attach_assistant_file", {"assistant_id": seeded.assistant_id, "file_id": seeded.file_ids[0]}
            )
            after = {tool.name for tool in (await client.list_tools()).tools}
    assert "attach_assistant_file" not in before
    assert not attached.is_error, text_of(attached)
    assert "attach_assistant_file" in after
    assert authority.tokens_issued == issued + 1  # files:read files:write, after the 403


async def test_browsers_get_preflights_without_a_token_and_can_read_the_challenge(
    oauth_fleet: OAuthFleet,
) -> None:
    served = oauth_fleet.ready("main")
    origin = {"Origin": ALLOWED_ORIGIN}
    async with httpx2.AsyncClient(timeout=10.0) as http:
        preflight = await http.request(
            "OPTIONS",
            f"{served.base}/mcp",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        refused = await http.post(f"{served.base}/mcp", headers={**MCP_HEADERS, **origin}, json=INITIALIZE)
        metadata = await http.get(f"{served.base}/.well-known/oauth-protected-resource/mcp", headers=origin)
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "WWW-Authenticate" in refused.headers["access-control-expose-headers"]
    assert metadata.status_code == 200
    assert metadata.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
