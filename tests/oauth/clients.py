"""The SDK's own OAuth clients, set up as hosts set them up, with tokens kept in memory: client
credentials (scripts, agents), and registration plus the authorization-code grant with PKCE (a
host signing a user in), the user's browser played by :class:`Browser`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

from .authority import CLIENTS

__all__ = ["REDIRECT_URI", "Browser", "MemoryStorage", "oauth_client", "signed_in_client"]

REDIRECT_URI = "http://127.0.0.1:9/callback"  # never opened: the browser stops at the redirect


class MemoryStorage:
    """The SDK client's token storage, in memory."""

    def __init__(self, tokens: OAuthToken | None = None) -> None:
        self.tokens = tokens
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@asynccontextmanager
async def oauth_client(
    url: str,
    issuer: str,
    mode: str = "auto",
    *,
    client_id: str = "mcp-host",
    stored: OAuthToken | None = None,
) -> AsyncIterator[Client]:
    """The SDK's ``Client`` for the MCP endpoint ``url``, authorizing itself with ``issuer`` as
    ``client_id`` (client credentials), starting with the ``stored`` token if any."""
    provider = ClientCredentialsOAuthProvider(
        server_url=url,
        storage=MemoryStorage(stored),
        client_id=client_id,
        client_secret=CLIENTS[client_id][0],
        issuer=issuer,
    )
    async with (
        httpx2.AsyncClient(auth=provider, timeout=15.0) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,
    ):
        yield client


class Browser:
    """The user's browser: opens the authorization URL, and hands the code it is redirected with back."""

    def __init__(self) -> None:
        self.redirects: list[str] = []

    async def open(self, url: str) -> None:
        """The SDK's ``redirect_handler``: the authorization server signs the user in and redirects."""
        async with httpx2.AsyncClient(timeout=10.0, follow_redirects=False) as http:
            response = await http.get(url)
        assert response.status_code == 302, response.text
        self.redirects.append(response.headers["location"])

    async def callback(self) -> AuthorizationCodeResult:
        """The SDK's ``callback_handler``: the code and state of the last redirect."""
        location = self.redirects[-1]
        assert location.startswith(f"{REDIRECT_URI}?")
        query = parse_qs(urlsplit(location).query)
        return AuthorizationCodeResult(code=query["code"][0], state=query["state"][0])


@asynccontextmanager
async def signed_in_client(url: str, browser: Browser, mode: str = "auto") -> AsyncIterator[Client]:
    """The SDK's ``Client`` for ``url`` as a host that registers itself (RFC 7591) and signs the
    user in through ``browser`` (authorization code with PKCE)."""
    metadata = OAuthClientMetadata.model_validate(
        {
            "client_name": "a host without a window",
            "redirect_uris": [REDIRECT_URI],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        }
    )
    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=metadata,
        storage=MemoryStorage(),
        redirect_handler=browser.open,
        callback_handler=browser.callback,
    )
    async with (
        httpx2.AsyncClient(auth=provider, timeout=15.0) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,
    ):
        yield client
