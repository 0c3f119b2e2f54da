"""Fields every tool family shares: arguments (ids, page size, order, cursor) and results.

Each function returns the pydantic ``Field`` for an ``Annotated`` argument type, carrying the
description and the limits the tool schema publishes, so hosts can check arguments before
calling: ``FileId = Annotated[str, id_field("The file's id, such as file-abc123.")]``.

Limits are written in the keywords every host's converter keeps: ``pattern``, ``enum``,
``minimum``/``maximum``. A string's length lives in its ``pattern`` (``{0,63}``), never in
``minLength``/``maxLength``: OpenAI strict mode does not take those, so pydantic-ai marks such a
tool not strict-compatible (or moves them into the description when strict is forced).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from pydantic import Field

from ..contract import MAX_PAGE_LIMIT

__all__ = [
    "CURSOR_MAX_LENGTH",
    "CURSOR_PATTERN",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "PATH_PATTERN",
    "PATTERN_MEANINGS",
    "AlreadyDetached",
    "Deleted",
    "NextStep",
    "PreviousCursor",
    "cursor_field",
    "id_field",
    "limit_field",
    "order_field",
]

ID_MAX_LENGTH: Final = 64
ID_PATTERN: Final = rf"^[A-Za-z0-9][A-Za-z0-9_.:-]{{0,{ID_MAX_LENGTH - 1}}}$"
CURSOR_MAX_LENGTH: Final = 512
CURSOR_PATTERN: Final = rf"^[A-Za-z0-9_-]{{0,{CURSOR_MAX_LENGTH}}}$"
"""A cursor is URL-safe base64; the empty string (what a strict host sends) means the first page."""

PATH_MAX_LENGTH: Final = 4096
PATH_PATTERN: Final = rf"^[^\x00]{{1,{PATH_MAX_LENGTH}}}$"
"""A file path: 1-4,096 characters, none of them NUL."""

PATTERN_MEANINGS: Final = {
    ID_PATTERN: f"an id of 1-{ID_MAX_LENGTH} letters, digits, '_', '.', ':' or '-' (starting with a letter or digit)",
    PATH_PATTERN: f"a path of 1-{PATH_MAX_LENGTH} characters without a NUL character",
    CURSOR_PATTERN: f"a next_cursor or previous_cursor exactly as returned (up to {CURSOR_MAX_LENGTH} letters, "
    "digits, '_' or '-'), or empty for the first page",
}
"""What each pattern asks for, in words (for the sentence that refuses a value)."""


def id_field(description: str) -> Any:
    """An id: 1-64 letters, digits, ``_ . : -``, starting with a letter or digit."""
    return Field(description=description, pattern=ID_PATTERN)


def limit_field(noun: str, maximum: int = MAX_PAGE_LIMIT) -> Any:
    """A page size from 1 to ``maximum``."""
    return Field(description=f"How many {noun} per page, from 1 to {maximum}.", ge=1, le=maximum)


def order_field(by: str) -> Any:
    """The sort order of a listing, by ``by`` (e.g. "attachment time")."""
    return Field(description=f"Sort by {by}: desc (newest first) or asc (oldest first).")


def cursor_field(tool: str, same: str, *, backward: bool = True) -> Any:
    """The ``cursor`` of ``tool``, whose cursors are bound to ``same`` (e.g. "assistant_id and order");
    ``backward=False`` for a listing that only pages forward (no ``previous_cursor``)."""
    cursors = "next_cursor (or previous_cursor)" if backward else "next_cursor"
    return Field(
        description=(
            f"Omit (or send an empty string) for the first page. To continue, pass {cursors} "
            f"from the previous {tool} result, unchanged, with the same {same}."
        ),
        pattern=CURSOR_PATTERN,
    )


# Result fields: the same words in every family's results.
NextStep = Annotated[str, Field(description="What to do next, in one sentence.")]
PreviousCursor = Annotated[
    str | None,
    Field(description="Pass as `cursor` for the page before this one; absent on the first page."),
]
Deleted = Annotated[
    bool, Field(description="True: the file is no longer attached (the file itself is kept).")
]
AlreadyDetached = Annotated[
    bool,
    Field(
        description="True when there was nothing to detach: the file was not attached, or an earlier "
        "attempt of this same call had detached it."
    ),
]
