"""HTTP plumbing every route module shares: safe JSON bodies, paging arguments, and one route per
path (so a wrong method is a 405, not a 404)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT
from .errors import InvalidRequest, PayloadTooLarge
from .pagination import PageArgs, check_page_args

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "Handler",
    "SegmentRouter",
    "json_body",
    "merge_methods",
    "page_args",
    "query_args",
    "text_refusal",
]

#: Largest JSON body accepted.
MAX_JSON_BYTES = 1024 * 1024
#: Deepest nesting of arrays and objects accepted in a JSON body (the body itself is level 1).
#: About 950 levels could be stored, but no longer answered in a list page: ``json`` recurses
#: once a level, beyond orjson's own 255 (``responses.py``).
MAX_JSON_DEPTH = 512

Handler = Callable[[Request], Awaitable[Response]]
_LIMIT = re.compile(r"[0-9]{1,6}")
#: A query string nothing in which is percent-encoded or a ``+`` (so nothing needs decoding).
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9._~=&-]*")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def page_args(
    request: Request, *, default_limit: int = DEFAULT_PAGE_LIMIT, max_limit: int = MAX_PAGE_LIMIT
) -> PageArgs:
    """``limit``, ``order``, ``after`` and ``before`` from the query, validated."""
    query = query_args(request)
    limit_text = query.get("limit", str(default_limit))
    limit, order = check_page_args(
        int(limit_text) if _LIMIT.fullmatch(limit_text) else limit_text,
        query.get("order", DEFAULT_ORDER),
        max_limit=max_limit,
    )
    after, before = query.get("after"), query.get("before")
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None and "\x00" in cursor:
            raise InvalidRequest(
                f"Invalid '{name}': it holds a NUL character (%00), which no item's id does; "
                f"list again without '{name}' to start over.",
                param=name,
            )
    return {"limit": limit, "order": order, "after": after, "before": before}


def query_args(request: Request) -> Mapping[str, str]:
    """The query's parameters (the last of a repeated one), as Starlette's ``request.query_params``.

    A plain query (``limit=100&after=file-abc``: nothing percent-encoded, no ``+``) is split here:
    Starlette's parse and multi-dict took 4 us of a list request's ~90 in-process, where
    ``standalone_list100`` sits at its target's line (``benchmarks/analysis.md``). Anything else
    is Starlette's to decode.
    """
    raw: bytes = request.scope["query_string"]
    if not raw:
        return {}
    text = raw.decode("latin-1")
    if _PLAIN_QUERY.fullmatch(text) is None:
        return request.query_params
    return {name: value for name, _, value in (pair.partition("=") for pair in text.split("&") if pair)}


async def json_body(request: Request) -> object:
    """The request's JSON body, refusing what could be stored but never answered.

    A lone surrogate (``"\\udc00"``) cannot be encoded as UTF-8, and ``NaN``, ``Infinity`` or
    ``1e999`` cannot be written as JSON: stored, either would make every later answer that
    holds it fail. A NUL character (``"\\u0000"``) cannot be stored in a PostgreSQL text column.
    A value nested deeper than :data:`MAX_JSON_DEPTH` could be stored but not listed again (the
    decoder and the encoder recurse once a level). All are refused with a 400 naming the
    top-level field, on every store alike.
    """
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"The request body is larger than {MAX_JSON_BYTES} bytes.")
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks), parse_constant=float)
    except (ValueError, RecursionError) as err:
        raise InvalidRequest(
            "We could not parse the JSON body of your request. The API expects a JSON object "
            "with Content-Type: application/json."
        ) from err
    _check_answerable(body)
    return body


def text_refusal(where: str, text: str) -> str | None:
    """Why ``text`` cannot be stored and answered (a NUL, a lone surrogate), as a sentence; else ``None``."""
    if "\x00" in text:
        return (
            f"Invalid {where}: it holds a NUL character (\\u0000), which this backend does not "
            "store (PostgreSQL text cannot hold it); remove it."
        )
    if _SURROGATE.search(text):
        return (
            f"Invalid {where}: it holds a lone UTF-16 surrogate (such as \\udc00), which is not a "
            "Unicode character; send valid Unicode text."
        )
    return None


def _check_answerable(body: object) -> None:
    fields = body.items() if isinstance(body, dict) else [(None, body)]
    for field, value in fields:
        if field is not None and (refusal := text_refusal("a field name", field)):
            raise InvalidRequest(refusal)
        where = f"'{field}'" if field else "the body"
        stack = [(value, 2 if field is not None else 1)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, str) and (refusal := text_refusal(where, item)):
                raise InvalidRequest(refusal, param=field)
            if isinstance(item, dict | list) and depth > MAX_JSON_DEPTH:
                raise InvalidRequest(
                    f"Invalid {where}: it is nested more than {MAX_JSON_DEPTH} levels deep "
                    "(arrays and objects within each other); flatten it.",
                    param=field,
                )
            if isinstance(item, float) and not math.isfinite(item):
                raise InvalidRequest(
                    f"Invalid {where}: NaN, Infinity and numbers too large for a double (like 1e999) "
                    "are not JSON numbers; send finite numbers.",
                    param=field,
                )
            if isinstance(item, dict):
                stack.extend((key, depth + 1) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            elif isinstance(item, list):
                stack.extend((child, depth + 1) for child in item)


def merge_methods(routes: list[Route]) -> list[Route]:
    """One route per path, dispatching on method, so a wrong method is a 405 and not a 404."""
    by_path: dict[str, dict[str, Handler]] = {}
    for route in routes:
        for method in route.methods or ():
            if method != "HEAD":
                by_path.setdefault(route.path, {})[method] = route.endpoint

    def dispatcher(handlers: dict[str, Handler]) -> Handler:
        async def dispatch(request: Request) -> Response:
            # Starlette routes HEAD here only when the path has a GET.
            handler = handlers.get(request.method) or handlers["GET"]
            return await handler(request)

        return dispatch

    return [Route(path, dispatcher(handlers), methods=list(handlers)) for path, handlers in by_path.items()]


class SegmentRouter(Router):
    """Starlette's router, trying only the routes whose path has as many ``/`` as the request's.

    Starlette tries every route in turn (about 2 us each here), and the vector-store routes come
    tenth and later. A route whose parameters each match one segment (``[^/]+``, as ``segment``
    and ``str`` do) only matches a path with as many ``/`` as its own, so the others need not be
    tried. With any other route (a ``Mount``, a ``path`` parameter) every route is tried, as
    Starlette does; so is every route of a request no candidate answers (the 404 path). Routes
    added later are sorted in on the next request.
    """

    def __init__(self, routes: Sequence[BaseRoute], *, redirect_slashes: bool, lifespan: Any = None) -> None:
        super().__init__(routes, redirect_slashes=redirect_slashes, lifespan=lifespan)
        self.by_slashes: dict[int, list[BaseRoute]] | None = None
        self._sorted = -1  # how many of ``self.routes`` ``by_slashes`` holds
        self._sort()

    def _sort(self) -> None:
        self._sorted = len(self.routes)
        self.by_slashes = {}
        for route in self.routes:
            convertors = getattr(route, "param_convertors", None)
            if not isinstance(route, Route) or any(c.regex != "[^/]+" for c in (convertors or {}).values()):
                self.by_slashes = None
                return
            self.by_slashes.setdefault(route.path.count("/"), []).append(route)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if len(self.routes) != self._sorted:  # ``add_route``, ``mount``: sort again
            self._sort()
        if scope["type"] != "http" or self.by_slashes is None:
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.by_slashes.get(_route_path(scope).count("/"), ()):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = route, child_scope
        if partial is None:
            await super().app(scope, receive, send)  # nothing matches: Starlette's own 404 path
            return
        scope["route"] = partial[0]
        scope.update(partial[1])
        await partial[0].handle(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path routes match (the path without ``root_path``), as Starlette's ``get_route_path``."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if not root_path or not path.startswith(root_path):
        return path
    if path == root_path:
        return ""
    return path[len(root_path) :] if path[len(root_path)] == "/" else path
