"""The real client against the real backend: one ``Api`` per (client kind, transport).

Modes:

* ``async-asgi``: ``AsyncAssistantsClient`` over ``httpx2.ASGITransport``, in process;
* ``async-http``: ``AsyncAssistantsClient`` over loopback HTTP to uvicorn in a thread;
* ``sync-http``: ``AssistantsClient`` over loopback HTTP (``ASGITransport`` is async-only),
  its blocking calls run in a worker thread so every test can be written once, as async.

Every request the client sends is recorded by an httpx2 event hook, so tests can count them.
Each mode runs on both stores (``tests.stores``: SQLite in memory, and PostgreSQL when a
server is reachable).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio.to_thread
import httpx2
import pytest

from mcp_assistant_files import AssistantsClient, AsyncAssistantsClient
from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.backend.testing import serve_in_thread
from tests.stores import KINDS, Kind, open_kind

Mode = Literal["async-asgi", "async-http", "sync-http"]
MODES: tuple[Mode, ...] = ("async-asgi", "async-http", "sync-http")
API_KEY = "sk-integration-0123456789"


@dataclass
class Api:
    """A client of one mode bound to ``store``'s backend; ``requests`` is every request sent."""

    mode: Mode
    store: Store
    client: AssistantsClient | AsyncAssistantsClient
    requests: list[httpx2.Request] = field(default_factory=list)

    @property
    def is_sync(self) -> bool:
        return isinstance(self.client, AssistantsClient)

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.is_sync:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
        return await fn(*args, **kwargs)

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``client.files.<method>(...)``; for ``list`` the first page."""
        return await self._run(getattr(self.client.files, method), *args, **kwargs)

    async def raw(self, method: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """``with_raw_response.<method>(...)``: the response object and its ``parse()``."""
        fn = getattr(self.client.files.with_raw_response, method)
        if self.is_sync:

            def go() -> tuple[Any, Any]:
                response = fn(*args, **kwargs)
                return response, response.parse()

            return await anyio.to_thread.run_sync(go)
        response = await fn(*args, **kwargs)
        return response, await response.parse()

    async def streamed(self, method: str, *args: Any, **kwargs: Any) -> tuple[Any, bytes, Any, bool]:
        """``with_streaming_response.<method>(...)``: the response, its body, ``parse()``, and
        whether the body was still unread when the block was entered."""
        fn = getattr(self.client.files.with_streaming_response, method)
        if self.is_sync:

            def go() -> tuple[Any, bytes, Any, bool]:
                with fn(*args, **kwargs) as response:
                    unread = response._content is None
                    body = response.read()
                    return response, body, response.parse(), unread

            return await anyio.to_thread.run_sync(go)
        async with fn(*args, **kwargs) as response:
            unread = response._content is None
            body = await response.read()
            return response, body, await response.parse(), unread

    async def walk(
        self, assistant_id: str, *, on_item: Callable[[str], None] | None = None, **kwargs: Any
    ) -> list[str]:
        """Every id auto-pagination yields; ``on_item(id)`` runs (in this thread) after each."""
        ids: list[str] = []
        if isinstance(self.client, AssistantsClient):
            sync_files = self.client.files

            def go() -> None:
                for item in sync_files.list(assistant_id, **kwargs):
                    ids.append(item.id)
                    if on_item is not None:
                        on_item(item.id)

            await anyio.to_thread.run_sync(go)
            return ids
        async for item in self.client.files.list(assistant_id, **kwargs):
            ids.append(item.id)
            if on_item is not None:
                on_item(item.id)
        return ids

    def list_requests(self) -> list[httpx2.Request]:
        """The listing requests sent so far (GET on ``.../files``)."""
        return [r for r in self.requests if r.method == "GET" and r.url.path.endswith("/files")]


@asynccontextmanager
async def open_api(
    mode: Mode,
    store: Store,
    *,
    api_keys: Sequence[str] = (),
    api_key: str | None = API_KEY,
    max_retries: int = 0,
) -> AsyncIterator[Api]:
    """An ``Api`` of ``mode`` on ``store``'s backend (served over HTTP when the mode says so)."""
    server: AbstractContextManager[str] = (
        nullcontext("http://backend.test/v1")
        if mode == "async-asgi"
        else serve_in_thread(store, api_keys=api_keys)
    )
    recorded: list[httpx2.Request] = []

    def record(request: httpx2.Request) -> None:
        recorded.append(request)

    async def arecord(request: httpx2.Request) -> None:
        recorded.append(request)

    settings: dict[str, Any] = {"api_key": api_key, "max_retries": max_retries}
    with server as base_url:
        if mode == "sync-http":
            with httpx2.Client(event_hooks={"request": [record]}) as http:
                client = AssistantsClient(base_url=base_url, http_client=http, **settings)
                yield Api(mode, store, client, recorded)
            return
        app = create_app(store, api_keys=api_keys)
        transport = httpx2.ASGITransport(app=app) if mode == "async-asgi" else None
        async with (
            app.router.lifespan_context(app),
            httpx2.AsyncClient(transport=transport, event_hooks={"request": [arecord]}) as ahttp,
        ):
            aclient = AsyncAssistantsClient(base_url=base_url, http_client=ahttp, **settings)
            yield Api(mode, store, aclient, recorded)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> Mode:
    """Each client kind over each transport it can use."""
    value: Mode = request.param
    return value


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh store (each kind) with the default cap of 20 files per assistant."""
    kind: Kind = request.param
    with open_kind(kind, max_files_per_assistant=20) as opened:
        yield opened


@pytest.fixture
async def api(mode: Mode, store: Store) -> AsyncIterator[Api]:
    """A client of ``mode`` against a backend on ``store``, with no API key required."""
    async with open_api(mode, store) as opened:
        yield opened


def new_assistant(store: Store) -> str:
    """Create an assistant through the store and return its id."""
    assistant_id: str = store.create_assistant("integration")["id"]
    return assistant_id


def new_file(store: Store, *, purpose: str = "assistants") -> str:
    """Upload a one-byte file through the store and return its id."""
    file_id: str = store.create_file("a.txt", b"x", purpose)["id"]
    return file_id
