"""One page of any listing tool: a cursor in, the upstream's ``after``/``before``, cursors out.

Every listing tool pages the same way, whatever it lists:

* ``cursor`` is decoded for this exact :class:`Listing` (a refused cursor never reaches the
  upstream); a placeholder (``""``, ``"null"``, ...) means the first page.
* ``next_cursor`` is set exactly when more items follow in the listing's order;
  ``previous_cursor`` when the page is not the first (and the upstream can page backwards).
* Following ``next_cursor`` from the first page visits every item exactly once, even while
  items are removed: the upstream keeps the position of a removed item (tombstones), and an
  empty page reached backwards falls back to the first page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from ..contract import Order
from .cursors import CursorCodec, Direction, InvalidCursorError, Listing, is_placeholder
from .declaration import ToolFailure

__all__ = ["Paged", "UpstreamPage", "page_of", "position_of"]

T = TypeVar("T", covariant=True)
I = TypeVar("I")  # noqa: E741 - an item


class UpstreamPage(Protocol[T]):
    """What the client's page offers: the items and whether more follow in its direction."""

    @property
    def data(self) -> Sequence[T]: ...

    @property
    def has_more(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Paged(Generic[I]):
    """One page for the agent: its items, and the cursors to the pages around it (or ``None``)."""

    items: Sequence[I]
    next_cursor: str | None
    previous_cursor: str | None


Fetch = Callable[[str | None, str | None], Awaitable[UpstreamPage[I]]]
"""Fetch one upstream page given ``(after, before)`` item ids (at most one is set)."""


def position_of(
    codec: CursorCodec, listing: Listing, *, order: Order, cursor: str | None
) -> tuple[str | None, str | None]:
    """The ``(after, before)`` item ids ``cursor`` names in ``listing`` (both ``None`` for a first page)."""
    if is_placeholder(cursor):
        return None, None
    assert cursor is not None
    try:
        position = codec.decode(cursor, listing, order=order)
    except InvalidCursorError as err:
        raise ToolFailure(str(err)) from None
    if position.direction == "after":
        return position.item_id, None
    return None, position.item_id


async def page_of(
    codec: CursorCodec,
    listing: Listing,
    *,
    order: Order,
    cursor: str | None,
    fetch: Fetch[I],
    id_of: Callable[[I], str],
    backwards: bool = True,
) -> Paged[I]:
    """The page ``cursor`` points at in ``listing`` (the first page without one).

    ``backwards=False`` is for upstreams that cannot page back (the Files API has no
    ``before``): no ``previous_cursor`` is ever issued.
    """
    after, before = position_of(codec, listing, order=order, cursor=cursor)
    page = await fetch(after, before)
    if before is not None and not page.data:
        # Everything before the cursor was removed meanwhile: show the first page instead.
        before = None
        page = await fetch(None, None)
    items = list(page.data)
    if before is not None:
        # Walking back: the upstream's has_more speaks of the items further back.
        more_forward, more_back = bool(items), page.has_more
    else:
        more_forward, more_back = page.has_more and bool(items), after is not None and bool(items)

    def make(direction: Direction, item_id: str) -> str:
        try:
            return codec.encode(listing, order=order, direction=direction, item_id=item_id)
        except ValueError as err:
            raise ToolFailure(f"Cannot page past {item_id!r}: {err}") from None

    next_cursor = make("after", id_of(items[-1])) if more_forward else None
    previous_cursor = make("before", id_of(items[0])) if more_back else None
    if after is not None and not items:
        # Items past the cursor were removed meanwhile: the way back starts at the cursor.
        previous_cursor = make("before", after)
    return Paged(items, next_cursor, previous_cursor if backwards else None)
