"""The SDK's own OAuth client, set up as a host would: client credentials, tokens kept in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
from mcp import Client
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

from .authority import CLIENTS

__all__ = ["MemoryStorage", "oauth_client"]


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
