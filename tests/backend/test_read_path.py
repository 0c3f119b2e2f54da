"""The backend's hot read path: routing by the number of ``/``, reads without generators, and
query strings split without Starlette's parser.

``SegmentRouter`` tries only the routes with as many ``/`` as the request's path: it must answer
exactly as Starlette's own router does (the same endpoint, the same 404 and 405). A read
transaction (``Database.begin_read``/``end_read``, used by ``SqliteRunner.read``) must end
rolled back and give its connection back when the read fails, as ``Database.read`` does.
``routing.query_args`` must give every query string the parameters Starlette's
``request.query_params`` gives it (the last of a repeated name).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.convertors import register_url_convertor
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Route, Router
from starlette.types import Message, Scope

from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.backend.middleware import SegmentConvertor
from mcp_assistant_files.backend.routing import SegmentRouter, merge_methods, query_args
from mcp_assistant_files.backend.store.database import Database
from mcp_assistant_files.backend.store.sql import Conn
from mcp_assistant_files.backend.store.sqlite import SqliteConn, SqliteRunner

pytestmark = pytest.mark.anyio

register_url_convertor("segment", SegmentConvertor())  # as create_app does: %2F stays in one segment

TEMPLATES = [
    "/v1/assistants",
    "/v1/assistants/{a:segment}",
    "/v1/assistants/{a:segment}/files",
    "/v1/assistants/{a:segment}/files/{f:segment}",
    "/v1/vector_stores/{v}/files/{f}",
    "/v1/vector_stores/{v:segment}/files/{f:segment}/content",
    "/v1/vector_stores/{v}/file_batches/{b:segment}/cancel",
]


def _routes() -> list[Route]:
    def endpoint(template: str, method: str) -> Route:
        async def answer(request: Request) -> Response:
            return PlainTextResponse(f"{method} {template} {sorted(request.path_params.items())}")

        return Route(template, answer, methods=[method])

    routes = [endpoint(t, m) for t in TEMPLATES for m in ("GET", "DELETE")]
    return merge_methods(routes)


async def _answer(router: Router, method: str, path: str, root_path: str = "") -> tuple[int, bytes | str]:
    """Status and body of ``method path`` through ``router`` (an ASGI call: any path, as sent);
    for an exception escaping the app (a ``%00`` segment here), its type's name instead of a body."""
    app = Starlette()
    app.router = router
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": root_path + path, "raw_path": (root_path + path).encode(),
        "query_string": b"", "root_path": root_path, "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        await app(scope, receive, send)
    except Exception as exc:  # noqa: BLE001  # compared between the two routers
        return sent[0]["status"], type(exc).__name__
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


_SEGMENTS = st.sampled_from(
    ["v1", "assistants", "files", "vector_stores", "file_batches", "cancel", "content", "x", ""]
)


@settings(max_examples=150, deadline=None)
@given(
    segments=st.lists(_SEGMENTS, max_size=7),
    method=st.sampled_from(["GET", "DELETE", "POST", "HEAD"]),
    root_path=st.sampled_from(["", "/api"]),
)
async def test_the_segment_router_answers_every_path_as_starlettes_router_does(
    segments: list[str], method: str, root_path: str
) -> None:
    path = "/" + "/".join(segments)
    routes = _routes()
    plain = Router(routes, redirect_slashes=False)
    ours = SegmentRouter(routes, redirect_slashes=False)
    assert ours.by_slashes is not None
    assert await _answer(ours, method, path, root_path) == await _answer(plain, method, path, root_path)


async def test_a_request_tries_only_the_routes_with_as_many_slashes() -> None:
    tried: list[str] = []

    class Counted(Route):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            tried.append(self.path)
            return super().matches(scope)

    routes = [Counted(r.path, r.endpoint, methods=r.methods) for r in _routes()]
    router = SegmentRouter(routes, redirect_slashes=False)
    assert await _answer(router, "GET", "/v1/vector_stores/v1/files/f1") == (
        200,
        b"GET /v1/vector_stores/{v}/files/{f} [('f', 'f1'), ('v', 'v1')]",
    )
    assert tried == ["/v1/assistants/{a:segment}/files/{f:segment}", "/v1/vector_stores/{v}/files/{f}"]
    tried.clear()
    assert (await _answer(router, "GET", "/v1/nothing/here"))[0] == 404
    assert len(tried) == 1 + len(routes)  # its bucket, then Starlette's own loop for the 404


async def test_a_route_matching_more_than_one_segment_makes_the_router_try_every_route() -> None:
    async def deep(request: Request) -> Response:
        return PlainTextResponse(request.path_params["rest"])

    routes = [*_routes(), Route("/v1/raw/{rest:path}", deep, methods=["GET"])]
    router = SegmentRouter(routes, redirect_slashes=False)
    assert router.by_slashes is None
    assert await _answer(router, "GET", "/v1/raw/a/b/c") == (200, b"a/b/c")
    assert (await _answer(router, "GET", "/v1/assistants/a1/files/f1"))[0] == 200


async def test_a_route_added_later_is_routed_as_starlette_would() -> None:
    async def mounted(request: Request) -> Response:
        return PlainTextResponse("mounted")

    plain, ours = Router(_routes(), redirect_slashes=False), SegmentRouter(_routes(), redirect_slashes=False)
    for router in (plain, ours):  # a GET-only route matches the path first, but only partially
        router.routes.insert(0, Route("/v1/assistants/{a}", mounted, methods=["GET"]))
        router.mount("/v1/assistants", Starlette(routes=[Route("/{a}", mounted, methods=["POST"])]))
    assert await _answer(ours, "POST", "/v1/assistants/a1") == await _answer(
        plain, "POST", "/v1/assistants/a1"
    )
    assert await _answer(ours, "POST", "/v1/assistants/a1") == (200, b"mounted")
    assert ours.by_slashes is None  # a Mount: every route is tried, as Starlette does


async def test_the_backend_app_routes_by_the_number_of_slashes() -> None:
    """Every backend route takes one segment per parameter; a route that did not would quietly
    put every request back on Starlette's try-each-route loop."""
    with Store.open(":memory:") as store:
        router = create_app(store).router
        assert isinstance(router, SegmentRouter)
        assert router.by_slashes is not None
        assert sum(len(bucket) for bucket in router.by_slashes.values()) == len(router.routes)


def _pool(tmp_path: Path) -> Database:
    db = Database(tmp_path / "read.sqlite3", readers=1)
    with db.write() as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
    return db


async def test_a_failed_read_rolls_back_and_gives_its_connection_back(tmp_path: Path) -> None:
    db = _pool(tmp_path)
    runner = SqliteRunner(db, offload_writes=False)
    seen: list[sqlite3.Connection] = []

    async def failing(conn: Conn) -> None:
        assert isinstance(conn, SqliteConn)
        seen.append(conn.conn)
        assert conn.conn.in_transaction
        raise LookupError("the read failed")

    for _ in range(3):
        with pytest.raises(LookupError):
            await runner.read(failing)
        assert db._idle == [seen[-1]]  # given back (a connection kept would make the next read wait for ever)
        assert not seen[-1].in_transaction
    assert len(set(map(id, seen))) == 1

    async def count(conn: Conn) -> int:
        row = await conn.one("SELECT count(*) FROM t")
        assert row is not None
        return int(row[0])

    assert await runner.read(count) == 1
    assert not seen[0].in_transaction
    db.close()


async def test_a_read_of_a_private_memory_database_releases_the_write_lock() -> None:
    db = Database(":memory:")
    runner = SqliteRunner(db, offload_writes=False)

    async def failing(conn: Conn) -> None:
        assert db._write_lock.locked()  # the one connection: a read holds the write lock
        raise LookupError("the read failed")

    with pytest.raises(LookupError):
        await runner.read(failing)
    assert not db._write_lock.locked()
    with pytest.raises(LookupError), db.read():
        raise LookupError("the read failed")
    assert not db._write_lock.locked()
    conn = db.begin_read()
    assert conn.in_transaction
    db.end_read(conn, commit=True)
    assert not db._write_lock.locked() and not conn.in_transaction
    db.close()


def _request(query: bytes) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query, "headers": []})


# Plain pieces (split here) and every character that makes a query Starlette's to decode.
_QUERY_PIECES = st.sampled_from(
    ["limit", "order", "after", "=", "&", "100", "file-Ab_9.~", "", "%", "%41", "+", ";", "é", " ", "%00"]
)


@given(st.lists(_QUERY_PIECES, max_size=12).map("".join))
def test_query_args_are_the_parameters_starlette_parses(query: str) -> None:
    raw = query.encode("utf-8")
    assert dict(query_args(_request(raw))) == dict(QueryParams(raw))


def test_a_plain_query_is_split_without_starlettes_parser() -> None:
    request = _request(b"limit=100&&order=desc&after=file-1&after=file-2&before&=x&a=b=c")
    args = query_args(request)
    assert args == {"limit": "100", "order": "desc", "after": "file-2", "before": "", "": "x", "a": "b=c"}
    assert not hasattr(request, "_query_params")  # Starlette's parse, cached on first use, never ran
    assert query_args(_request(b"")) == {}
    assert dict(query_args(_request(b"after=file%2D1+x"))) == {"after": "file-1 x"}
