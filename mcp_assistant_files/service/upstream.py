"""Which assistant-files API the server talks to: a base URL, or the embedded local backend.

OpenAI switched the v1 Assistants API off, so with no base URL configured the server runs the
embedded SQLite backend in-process (through ``httpx2.ASGITransport``, no socket) and is usable
out of the box.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx2

from ..backend import Store, create_app, prepare_db_path
from ..client import DEFAULT_MAX_RETRIES, AsyncAssistantsClient

__all__ = ["LOCAL_BASE_URL", "TOOL_CALL_BUDGET", "Upstream", "open_upstream", "resolve_base_url"]

LOCAL_BASE_URL = "http://local-backend/v1"


def resolve_base_url(flag: str | None) -> str | None:
    """``--base-url``, else ``OPENAI_BASE_URL``; empty counts as unset (``None``: local backend)."""
    for value in (flag, os.environ.get("OPENAI_BASE_URL")):
        if value and value.strip():
            return value.strip()
    return None


@dataclass
class Upstream:
    """The client the tools use, a label for messages, and what to close at shutdown."""

    client: AsyncAssistantsClient
    label: str
    store: Store | None = None
    http: httpx2.AsyncClient | None = None

    async def aclose(self) -> None:
        """Close the connections and, for the local backend, the database."""
        await self.client.aclose()
        if self.http is not None:
            await self.http.aclose()
        if self.store is not None:
            self.store.close()


# Claude Desktop and other hosts abandon a tool call after about 60 s: a call with its retries
# gives up before that, and says when to try again, rather than being cut off silently.
TOOL_CALL_BUDGET = 45.0


def open_upstream(
    *, base_url: str | None, db: str | None = None, max_retries: int = DEFAULT_MAX_RETRIES
) -> Upstream:
    """An upstream for ``base_url``, or the embedded backend on ``db`` when it is ``None``."""
    if base_url is not None:
        client = AsyncAssistantsClient(
            base_url=base_url, max_retries=max_retries, total_timeout=TOOL_CALL_BUDGET
        )
        return Upstream(client, f"the upstream at {client.display_url}")
    path = prepare_db_path(db or None)
    # No attachment cap here: the point of the local backend is to hold real collections.
    store = Store.open(path, max_files_per_assistant=0)
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=create_app(store)))
    # api_key="" keeps OPENAI_API_KEY (meant for a real upstream) off the local backend.
    client = AsyncAssistantsClient(
        base_url=LOCAL_BASE_URL,
        api_key="",
        max_retries=max_retries,
        http_client=http,
        total_timeout=TOOL_CALL_BUDGET,
    )
    return Upstream(client, f"the embedded local backend (database {path})", store, http)
