"""Cursor pagination shared by every list endpoint of the backend.

Semantics (OpenAI's, made exact):

* Items are ordered by ``seq`` (the insertion sequence, which agrees with ``created_at``),
  ascending for ``order=asc`` and descending for ``order=desc``.
* ``after`` and ``before`` name an item; both are exclusive. ``after`` pages forward in the
  requested order, ``before`` returns the ``limit`` items immediately preceding the cursor,
  still listed in the requested order.
* ``has_more`` is true exactly when items remain beyond the page in the direction of travel
  (forward for a first page or ``after``; backward for ``before`` alone).
* ``first_id``/``last_id`` are ``None`` on an empty page.

A page's objects are dicts, or JSON already rendered (:class:`Rendered`): a listing whose
objects never change after they are written (v1 attachments) stores each one's JSON and joins
them, which takes a third of the time of building dicts and encoding them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast

import orjson

from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Order
from .errors import InvalidRequest

if TYPE_CHECKING:
    from .store.sql import Conn

__all__ = [
    "PageArgs",
    "PageQuery",
    "Rendered",
    "ToObjects",
    "check_page_args",
    "each",
    "page",
    "page_dict",
    "rendered",
]


def check_page_args(limit: object, order: object, *, max_limit: int = MAX_PAGE_LIMIT) -> tuple[int, Order]:
    """``(limit, order)`` if both are valid, else :class:`InvalidRequest` naming the parameter."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise InvalidRequest(
            f"Invalid 'limit': expected an integer between 1 and {max_limit}, got {limit!r}.",
            param="limit",
        )
    if order == "asc" or order == "desc":
        return limit, order
    raise InvalidRequest(f"Invalid 'order': expected 'asc' or 'desc', got {order!r}.", param="order")


class PageQuery(NamedTuple):
    """The SQL fragment of one page: bounds on ``seq``, fetch direction, and whether to reverse.

    A named tuple: made on every list request, in a fifth of a frozen dataclass's time."""

    lower: int | None
    upper: int | None
    fetch_ascending: bool
    backward: bool
    limit: int

    @classmethod
    def plan(cls, *, limit: int, order: Order, after_seq: int | None, before_seq: int | None) -> PageQuery:
        """Turn resolved cursors into seq bounds; with both cursors, travel follows ``after``."""
        lower, upper = (after_seq, before_seq) if order == "asc" else (before_seq, after_seq)
        backward = before_seq is not None and after_seq is None
        return cls(lower, upper, (order == "asc") != backward, backward, limit)

    def where(self) -> tuple[str, list[int]]:
        """SQL conditions on ``seq`` (each prefixed with AND) and their parameters."""
        sql, params = "", []
        if self.lower is not None:
            sql += " AND seq > ?"
            params.append(self.lower)
        if self.upper is not None:
            sql += " AND seq < ?"
            params.append(self.upper)
        return sql, params

    def tail(self) -> tuple[str, list[int]]:
        """``ORDER BY ... LIMIT ?`` fetching one extra row to learn ``has_more``."""
        return f" ORDER BY seq {'ASC' if self.fetch_ascending else 'DESC'} LIMIT ?", [self.limit + 1]

    async def finish(self, rows: Sequence[Any], to_objects: ToObjects) -> dict[str, Any]:
        """Build the page from the fetched rows (``limit + 1`` at most)."""
        kept = list(rows[: self.limit])
        if self.backward:
            kept.reverse()
        return page_dict(await to_objects(kept) if kept else [], has_more=len(rows) > self.limit)


class Rendered(NamedTuple):
    """A page's objects as one JSON array, and the first and last object's ids."""

    array: orjson.Fragment
    first_id: str
    last_id: str


async def rendered(rows: list[Any]) -> Rendered:
    """:data:`ToObjects` of rows whose one column is the object's JSON (UTF-8 bytes)."""
    return Rendered(
        orjson.Fragment(b"[" + b",".join([row[0] for row in rows]) + b"]"),
        orjson.loads(rows[0][0])["id"],
        orjson.loads(rows[-1][0])["id"],
    )


ToObjects = Callable[[list[Any]], Awaitable[list[dict[str, Any]] | Rendered]]
"""The objects of a page's rows, in order (one call per page: per-row calls cost 1 us a row);
never called on an empty page."""


def each(to_object: Callable[[Any], dict[str, Any] | Awaitable[dict[str, Any]]]) -> ToObjects:
    """:data:`ToObjects` calling ``to_object`` on each row; it may be async (objects needing queries)."""

    async def to_objects(rows: list[Any]) -> list[dict[str, Any]]:
        first = to_object(rows[0])
        if inspect.isawaitable(first):  # then every row's is
            return [
                await first,
                *[await cast("Awaitable[dict[str, Any]]", to_object(row)) for row in rows[1:]],
            ]
        return [first, *[cast("dict[str, Any]", to_object(row)) for row in rows[1:]]]

    return to_objects


def page_dict(data: list[dict[str, Any]] | Rendered, *, has_more: bool) -> dict[str, Any]:
    """The list envelope: ``object``, ``data``, ``first_id``, ``last_id``, ``has_more``.

    With :class:`Rendered` objects, ``data`` is their array as an ``orjson.Fragment``: the
    envelope is for ``orjson.dumps`` alone."""
    if isinstance(data, Rendered):
        return {
            "object": "list",
            "data": data.array,
            "first_id": data.first_id,
            "last_id": data.last_id,
            "has_more": has_more,
        }
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }


class PageArgs(TypedDict, total=False):
    """The paging arguments every list method takes (see the module docstring)."""

    limit: int
    order: Order
    after: str | None
    before: str | None


async def page(
    conn: Conn,
    *,
    select: str,
    params: Sequence[object],
    seq_of: Callable[[str], Awaitable[int | None]],
    to_objects: ToObjects,
    limit: object = DEFAULT_PAGE_LIMIT,
    order: object = DEFAULT_ORDER,
    after: str | None = None,
    before: str | None = None,
    max_limit: int = MAX_PAGE_LIMIT,
) -> dict[str, Any]:
    """One page of a listing, in a read transaction the caller holds.

    ``select`` is ``SELECT ... FROM ... WHERE <conditions>`` over rows with a ``seq`` column
    (``params`` fill its placeholders); the seq bounds, order and limit are appended here.
    ``seq_of(id)`` gives the position of a cursor's item, ``None`` when it is not in the listing.
    """
    checked_limit, checked_order = check_page_args(limit, order, max_limit=max_limit)
    bounds = []
    for cursor, param in ((after, "after"), (before, "before")):
        seq = None if cursor is None else await seq_of(cursor)
        if cursor is not None and seq is None:
            raise InvalidRequest(
                f"Invalid '{param}': '{cursor}' is not an item of this listing; "
                f"list again without '{param}' to start over.",
                param=param,
            )
        bounds.append(seq)
    query = PageQuery.plan(
        limit=checked_limit, order=checked_order, after_seq=bounds[0], before_seq=bounds[1]
    )
    where, where_params = query.where()
    tail, tail_params = query.tail()
    rows = await conn.all(select + where + tail, [*params, *where_params, *tail_params])
    return await query.finish(rows, to_objects)
