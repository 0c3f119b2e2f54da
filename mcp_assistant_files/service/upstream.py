"""Which assistant-files API the server talks to: a base URL, or the embedded local backend.

OpenAI switched the v1 Assistants API off, so with no base URL configured the server runs the
embedded backend in-process (its ASGI app called by :class:`InProcessTransport`, no socket) on
SQLite, or on PostgreSQL when ``--db`` is a ``postgresql://`` URL, and is usable out of the box.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx2

from ..client import DEFAULT_MAX_RETRIES, AsyncAssistantsClient, AsyncOpenAIClient
from ..client._base import DEFAULT_CONNECTIONS, pool_limits
from .in_process import InProcessTransport
from .pool import upstream_http

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from ..backend import Store

__all__ = [
    "LOCAL_BASE_URL",
    "TOOL_CALL_BUDGET",
    "BaseUrlError",
    "Upstream",
    "check_base_url",
    "open_upstream",
    "resolve_base_url",
    "upstream_warnings",
]

LOCAL_BASE_URL = "http://local-backend/v1"


class BaseUrlError(ValueError):
    """A base URL that cannot be used; the message says how to write it."""


def resolve_base_url(flag: str | None) -> str | None:
    """``--base-url``, else ``OPENAI_BASE_URL``; empty counts as unset (``None``: local backend).

    Raises ``BaseUrlError`` for a URL that is not a plain ``http(s)://host[:port]/path``.
    """
    for source, value in (("--base-url", flag), ("OPENAI_BASE_URL", os.environ.get("OPENAI_BASE_URL"))):
        if value and value.strip():
            return check_base_url(value.strip(), source)
    return None


def check_base_url(url: str, source: str = "the base URL") -> str:
    """``url`` if it is ``http(s)://host[:port]/path`` with nothing else, else ``BaseUrlError``.

    A user name and password in the URL would be sent instead of ``OPENAI_API_KEY`` (and quoted
    in messages to agents); a query would end up before the request path.
    """
    example = "https://api.example.com/v1"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BaseUrlError(f"{source} {url!r} is not a URL: write it like {example}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BaseUrlError(
            f"{source} must be an http(s) URL like {example} (unset it to use the embedded local backend)"
        )
    if parts.username is not None or parts.password is not None:
        raise BaseUrlError(
            f"{source} must not contain a user name or password: remove them and put the key in OPENAI_API_KEY"
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise BaseUrlError(
            f"{source} must not contain a query or fragment ('?', '#'): write it like {example}"
        )
    del port  # parsed only to refuse an invalid one
    return url


@dataclass
class Upstream:
    """The clients the tools use, labels for agents and the operator, and what to close at shutdown.

    ``client`` (v1 assistant files) and ``openai`` (vector stores and the Files API) share one
    connection pool, ``http``. ``label`` appears in messages to agents (possibly remote ones), so
    it holds no host path; ``location`` is for the operator's start-up line on stderr.
    """

    client: AsyncAssistantsClient
    openai: AsyncOpenAIClient
    label: str
    location: str
    http: httpx2.AsyncClient
    store: Store | None = None
    app: Starlette | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """While serving: the embedded backend's lifespan runs (its ingestion worker; then its pool drains)."""
        if self.app is None:
            yield
            return
        async with self.app.router.lifespan_context(self.app):
            yield

    async def aclose(self) -> None:
        """Close the connections and, for the local backend, the database."""
        await self.http.aclose()
        if self.store is not None:
            self.store.close()


# Claude Desktop and other hosts abandon a tool call after about 60 s: a call with its retries
# gives up before that, and says when to try again, rather than being cut off silently.
TOOL_CALL_BUDGET = 45.0


def open_upstream(
    *,
    base_url: str | None,
    db: str | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
    connections: int = DEFAULT_CONNECTIONS,
) -> Upstream:
    """An upstream for ``base_url``, or the embedded backend on ``db`` when it is ``None``.

    ``connections`` is how many connections to ``base_url`` are open at most, and kept alive.
    """
    app = None
    if base_url is not None:
        http = upstream_http(pool_limits(connections))
        settings: dict[str, Any] = {"base_url": base_url}
        store = None
    else:
        from ..backend import Ingestor, create_app, open_store  # only here: see the backend package

        # No attachment cap here: the point of the local backend is to hold real collections.
        store = open_store(db or None, max_files_per_assistant=0)
        app = create_app(store, ingestor=Ingestor(store))
        http = httpx2.AsyncClient(transport=InProcessTransport(app))
        # api_key="" keeps OPENAI_API_KEY (meant for a real upstream) off the local backend.
        settings = {"base_url": LOCAL_BASE_URL, "api_key": ""}
    settings |= {"max_retries": max_retries, "http_client": http, "total_timeout": TOOL_CALL_BUDGET}
    client = AsyncAssistantsClient(**settings)
    openai = AsyncOpenAIClient(**settings)
    if store is None:
        label = f"the upstream at {client.display_url}"
        return Upstream(client, openai, label, label, http)
    from ..backend.location import database_label

    where = f"the embedded local backend (database {database_label(db)})"
    return Upstream(client, openai, "the embedded local backend", where, http, store, app)


_KEYED_HOSTS = ("api.openai.com", ".openai.azure.com")
"""Upstreams that answer every call without a key with 401."""


def upstream_warnings(base_url: str | None, *, has_key: bool, serves_assistant_files: bool) -> list[str]:
    """What an operator should hear at start-up about this upstream: a key it will ask for, an API it shut."""
    host = (urlsplit(base_url).hostname or "") if base_url else ""
    warnings = []
    if host and not has_key and (host == _KEYED_HOSTS[0] or host.endswith(_KEYED_HOSTS[1])):
        warnings.append(
            f"OPENAI_API_KEY is not set: {host} answers every call without a key with 401; set it"
        )
    if host == "api.openai.com" and serves_assistant_files:
        warnings.append(
            "OpenAI shut its Assistants API down on 2026-08-26, so the assistant-files tools will fail there: "
            "serve --toolsets vector-store-files,files"
        )
    return warnings
