"""Resources: one URI template per object an agent handles, links to them, and completions of their ids.

An agent (or its host) can read an attached file, a vector-store file or an uploaded file by
URI, as JSON fetched from the upstream through the same family that serves the tools (same
allowlists, same error sentences). Listing tools add a link per item, so a host can fetch
details lazily. Completions suggest the ids a template takes, from the upstream's listings,
filtered by prefix. This module never imports ``mcp``: the server turns these into MCP
resource templates, ``resource_link`` content blocks and ``completion/complete`` answers.

=====================  ==========================================================================
object                 URI template
=====================  ==========================================================================
attached file (v1)     ``assistant-files://assistants/{assistant_id}/files/{file_id}``
vector-store file      ``vector-store-files://vector_stores/{vector_store_id}/files/{file_id}``
uploaded file          ``files://files/{file_id}``
=====================  ==========================================================================
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar, runtime_checkable
from urllib.parse import quote

from .declaration import Family
from .paging import UpstreamPage

__all__ = [
    "ASSISTANT_FILE",
    "MAX_SUGGESTIONS",
    "NO_SUGGESTIONS",
    "RESOURCES",
    "SCAN_PAGES",
    "UPLOADED_FILE",
    "VECTOR_STORE_FILE",
    "Link",
    "Linked",
    "ResourceSpec",
    "Suggestions",
    "suggest",
    "suggest_from",
]

MAX_SUGGESTIONS: Final = 100
"""The most values one ``completion/complete`` answer may carry (the protocol's bound)."""
SCAN_PAGES: Final = 10
"""Upstream pages (of 100) a completion looks through at most; ``has_more`` says when it stopped early."""
I = TypeVar("I")  # noqa: E741 - an item of a listing
_VARIABLE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """One resource template: its URI template, what it names, and the family method that reads it."""

    family: Family
    uri_template: str
    name: str
    title: str
    description: str
    method: str
    """The family's method that reads one object: its keyword arguments are the template's variables."""

    @property
    def variables(self) -> tuple[str, ...]:
        """The template's variables, in order (``assistant_id``, ``file_id`` ...)."""
        return tuple(_VARIABLE.findall(self.uri_template))

    def uri(self, **ids: str) -> str:
        """The URI of one object (each id percent-encoded)."""
        return _VARIABLE.sub(lambda m: quote(ids[m.group(1)], safe=""), self.uri_template)


ASSISTANT_FILE: Final = ResourceSpec(
    "assistant-files",
    "assistant-files://assistants/{assistant_id}/files/{file_id}",
    "assistant_file",
    "Assistant file",
    "A file attached to a v1 assistant, as JSON (id, assistant_id, created_at), read from the upstream.",
    "read_file",
)
VECTOR_STORE_FILE: Final = ResourceSpec(
    "vector-store-files",
    "vector-store-files://vector_stores/{vector_store_id}/files/{file_id}",
    "vector_store_file",
    "Vector store file",
    "A file of a vector store, as JSON (status, last_error, attributes, usage_bytes, created_at), read from the "
    "upstream.",
    "read_file",
)
UPLOADED_FILE: Final = ResourceSpec(
    "files",
    "files://files/{file_id}",
    "uploaded_file",
    "Uploaded file",
    "A file uploaded to the Files API, as JSON (filename, bytes, purpose, created_at), read from the upstream.",
    "read_file",
)
RESOURCES: Final = (ASSISTANT_FILE, VECTOR_STORE_FILE, UPLOADED_FILE)


@dataclass(frozen=True, slots=True)
class Link:
    """A link to one object's resource, for a listing's result."""

    uri: str
    name: str
    description: str
    title: str | None = None
    size: int | None = None


@runtime_checkable
class Linked(Protocol):
    """A result that links to the resources of the objects it lists."""

    def resource_links(self) -> list[Link]:
        """One link per object, in the result's order."""
        ...


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Ids completing a prefix: at most ``MAX_SUGGESTIONS``; ``has_more`` when others may exist."""

    values: list[str]
    has_more: bool = False
    total: int | None = None
    """How many ids match in all, when every candidate was seen."""


NO_SUGGESTIONS: Final = Suggestions([], False, 0)


def suggest_from(candidates: Iterable[str], prefix: str) -> Suggestions:
    """The candidates starting with ``prefix``, sorted, bounded."""
    matching = sorted({c for c in candidates if c.startswith(prefix)})
    return Suggestions(matching[:MAX_SUGGESTIONS], len(matching) > MAX_SUGGESTIONS, len(matching))


async def suggest(
    fetch: Callable[[str | None], Awaitable[UpstreamPage[I]]],
    prefix: str,
    id_of: Callable[[I], str],
    *,
    keep: Callable[[str], bool] | None = None,
) -> Suggestions:
    """The ids starting with ``prefix`` in an upstream listing, walking at most ``SCAN_PAGES`` pages.

    ``fetch(after)`` returns one page of up to 100 items after the id ``after`` (``None``: the
    first). The upstream lists cannot filter by prefix, so the walk filters; it stops once
    ``MAX_SUGGESTIONS`` ids match (``has_more`` when a further one exists or pages remain) or
    after ``SCAN_PAGES`` pages (``has_more`` when more pages remain).
    """
    found: list[str] = []
    after: str | None = None
    for _ in range(SCAN_PAGES):
        page = await fetch(after)
        items: Sequence[I] = page.data
        for item in items:
            item_id = id_of(item)
            if item_id.startswith(prefix) and (keep is None or keep(item_id)):
                if len(found) == MAX_SUGGESTIONS:
                    return Suggestions(found, True)
                found.append(item_id)
        if not page.has_more or not items:
            return Suggestions(found, False, len(found))
        after = id_of(items[-1])
    return Suggestions(found, True)
