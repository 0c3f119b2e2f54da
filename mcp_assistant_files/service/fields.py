"""Argument fields every tool family shares: ids, page size, order, cursor.

Each function returns the pydantic ``Field`` for an ``Annotated`` argument type, carrying the
description and the limits the tool schema publishes, so hosts can check arguments before
calling: ``FileId = Annotated[str, id_field("The file's id, such as file-abc123.")]``.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field

from ..contract import MAX_PAGE_LIMIT

__all__ = [
    "CURSOR_MAX_LENGTH",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "cursor_field",
    "id_field",
    "limit_field",
    "order_field",
]

ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
ID_MAX_LENGTH: Final = 64
CURSOR_MAX_LENGTH: Final = 512


def id_field(description: str) -> Any:
    """An id: 1-64 letters, digits, ``_ . : -``, starting with a letter or digit."""
    return Field(description=description, min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)


def limit_field(noun: str, maximum: int = MAX_PAGE_LIMIT) -> Any:
    """A page size from 1 to ``maximum``."""
    return Field(description=f"How many {noun} per page, from 1 to {maximum}.", ge=1, le=maximum)


def order_field(by: str) -> Any:
    """The sort order of a listing, by ``by`` (e.g. "attachment time")."""
    return Field(description=f"Sort by {by}: desc (newest first) or asc (oldest first).")


def cursor_field(tool: str, same: str) -> Any:
    """The ``cursor`` of ``tool``, whose cursors are bound to ``same`` (e.g. "assistant_id and order")."""
    return Field(
        description=(
            "Omit for the first page. To continue, pass next_cursor (or previous_cursor) from the "
            f"previous {tool} result, unchanged, with the same {same}."
        ),
        max_length=CURSOR_MAX_LENGTH,
    )
