"""One page of a listing confined to an operator's allowlist, built from the allowed items.

Filtering the upstream's pages would hand an agent empty pages that still say more remain
(one allowed store among hundreds: most pages hold none of it), and agents stop at an empty
page. The allowlist is small and given by the operator, so the tool fetches each allowed item
instead (concurrently, one request each), sorts them as the upstream does (``created_at``, then
id) and pages that list with the same signed cursors as :func:`.paging.page_of`:

* ``next_cursor`` is set exactly when more allowed items follow; ``previous_cursor`` when the
  page is not the first; a page is empty only when nothing is left.
* A cursor naming an item that is gone meanwhile keeps its place: the upstream (which keeps the
  position of a removed item) names the item that followed it, and the page starts there (exact
  unless that item shares its creation second with allowed ones: the upstream may break such
  ties otherwise than by id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import anyio

from ..contract import Order
from .cursors import CursorCodec, Direction, Listing
from .declaration import ToolFailure
from .paging import Paged, position_of

__all__ = ["Dated", "allowed_page", "fetch_each"]

_CONCURRENCY = 8
"""Allowed items fetched at once: the allowlist is small, the upstream's pool is shared."""


class Dated(Protocol):
    """An upstream object the listing sorts: its id and creation time."""

    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> int: ...


async def fetch_each(ids: Sequence[str], fetch: Callable[[str], Awaitable[Any | None]]) -> list[Any]:
    """``fetch(id)`` for every id, at most :data:`_CONCURRENCY` at a time, without the ``None`` ones.

    The first failure is raised as itself (not in an exception group), the other fetches cancelled.
    """
    found: dict[str, Any] = {}
    failures: list[Exception] = []
    limiter = anyio.CapacityLimiter(_CONCURRENCY)

    async def one(item_id: str) -> None:
        try:
            async with limiter:
                item = await fetch(item_id)
        except Exception as err:  # noqa: BLE001 - the first failure is re-raised below, ungrouped
            failures.append(err)
            group.cancel_scope.cancel()
            return
        if item is not None:
            found[item_id] = item

    async with anyio.create_task_group() as group:
        for item_id in ids:
            group.start_soon(one, item_id)
    if failures:
        raise failures[0]
    return [found[i] for i in ids if i in found]


async def allowed_page(
    codec: CursorCodec,
    listing: Listing,
    *,
    order: Order,
    limit: int,
    cursor: str | None,
    items: Sequence[Dated],
    follower: Callable[[str], Awaitable[Dated | None]],
) -> Paged[Any]:
    """The page ``cursor`` points at among ``items`` (the first page without one).

    ``follower(item_id)`` is the upstream's item right after ``item_id`` in ``order`` (``None``
    at the end): asked only when the cursor's item is no longer among ``items``.
    """
    after, before = position_of(codec, listing, order=order, cursor=cursor)
    desc = order == "desc"
    ordered = sorted(items, key=lambda i: (i.created_at, i.id), reverse=desc)
    boundary = after or before
    start = 0
    if boundary is not None:
        index = next((n for n, i in enumerate(ordered) if i.id == boundary), None)
        if index is None:
            index = await _place_of_removed(ordered, boundary, follower, desc=desc)
        elif after is not None:
            index += 1
        start = index if after is not None else max(index - limit, 0)
        end = index if before is not None else None
        page = ordered[start:end][:limit]
        if before is not None and not page:
            start, page = 0, ordered[:limit]  # everything before the cursor is gone: the first page
    else:
        page = ordered[:limit]

    def make(direction: Direction, item_id: str) -> str:
        return codec.encode(listing, order=order, direction=direction, item_id=item_id)

    try:
        next_cursor = make("after", page[-1].id) if page and start + len(page) < len(ordered) else None
        previous_cursor = make("before", page[0].id) if page and start > 0 else None
        if after is not None and not page:
            previous_cursor = make("before", after)
    except ValueError as err:
        raise ToolFailure(f"Cannot page past this item: {err}") from None
    return Paged(page, next_cursor, previous_cursor)


async def _place_of_removed(
    ordered: Sequence[Dated], removed: str, follower: Callable[[str], Awaitable[Dated | None]], *, desc: bool
) -> int:
    """Where a removed item stood in ``ordered``: the index of the first item not before its follower."""
    following = await follower(removed)
    if following is None:
        return len(ordered)
    key = (following.created_at, following.id)
    return sum(1 for i in ordered if ((i.created_at, i.id) > key if desc else (i.created_at, i.id) < key))
