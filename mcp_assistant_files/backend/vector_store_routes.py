"""The vector-store routes: stores, their files, file batches (OpenAI's Vector Store Files API).

Each route calls one store method with the path's ids in order, then the validated JSON body
(when the route takes one), and the query's paging arguments (for listings). No ``OpenAI-Beta``
header is required (openai-python sends ``assistants=v2``; Azure and Llama Stack clients may
send nothing). Answers about a file or batch still in progress carry ``openai-poll-after-ms``,
the pace openai-python's poll helpers then keep.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .responses import JSONResponse
from .routing import json_body, page_args, query_args
from .store import AsyncStore
from .vector_store_validation import (
    attributes_update,
    batch_files,
    check_filter,
    file_attach,
    vector_store_changes,
    vector_store_spec,
)

__all__ = ["POLL_AFTER_MS", "vector_store_routes"]

#: Milliseconds a client should wait before polling a file or batch in progress again.
POLL_AFTER_MS = 200

_STORES = "/v1/vector_stores"
_STORE = _STORES + "/{vector_store_id:segment}"
_FILES = _STORE + "/files"
_FILE = _FILES + "/{file_id:segment}"
_BATCHES = _STORE + "/file_batches"
_BATCH = _BATCHES + "/{batch_id:segment}"


def _filtered_page_args(request: Request) -> Mapping[str, Any]:
    return {"filter": check_filter(query_args(request).get("filter")), **page_args(request)}


def _polled(found: dict[str, Any]) -> Response:
    """A file or batch as JSON, with ``openai-poll-after-ms`` while it (or a file of it) is in progress."""
    counts = found.get("file_counts")
    busy = counts["in_progress"] > 0 if counts else found["status"] == "in_progress"
    return JSONResponse(found, headers={"openai-poll-after-ms": str(POLL_AFTER_MS)} if busy else None)


def _route(
    method: str,
    path: str,
    action: Callable[..., Awaitable[Any]],
    *,
    body: Callable[[object], object] | None = None,
    query: Callable[[Request], Mapping[str, Any]] | None = None,
    polled: bool = False,
) -> Route:
    """``method path`` calling ``action(*path ids, body(json)?, **query(request)?)``."""

    async def endpoint(request: Request) -> Response:
        kwargs = query(request) if query else {}
        args = [*request.path_params.values()]
        if body is not None:
            args.append(body(await json_body(request)))
        found = await action(*args, **kwargs)
        return _polled(found) if polled else JSONResponse(found)

    return Route(path, endpoint, methods=[method])


def vector_store_routes(store: AsyncStore) -> list[Route]:
    """The routes of the vector-store API on ``store``."""
    return [
        _route("POST", _STORES, store.create_vector_store_from, body=vector_store_spec),
        _route("GET", _STORES, store.list_vector_stores, query=page_args),
        _route("GET", _STORE, store.get_vector_store),
        _route("POST", _STORE, store.update_vector_store, body=vector_store_changes),
        _route("DELETE", _STORE, store.delete_vector_store),
        _route("POST", _FILES, store.attach_vector_store_file, body=file_attach, polled=True),
        _route("GET", _FILES, store.list_vector_store_files, query=_filtered_page_args),
        _route("GET", _FILE, store.get_vector_store_file, polled=True),
        _route("POST", _FILE, store.update_vector_store_file, body=attributes_update, polled=True),
        _route("DELETE", _FILE, store.detach_vector_store_file),
        _route("GET", _FILE + "/content", store.vector_store_file_content),
        _route("POST", _BATCHES, store.create_file_batch, body=batch_files, polled=True),
        _route("GET", _BATCH, store.get_file_batch, polled=True),
        _route("POST", _BATCH + "/cancel", store.cancel_file_batch, polled=True),
        _route("GET", _BATCH + "/files", store.list_file_batch_files, query=_filtered_page_args),
    ]
