"""The embedded backend reached in-process: what each layer of one ``retrieve`` costs.

All contenders run interleaved in one event loop on one SQLite file (an assistant with 100
attachments): our ``AsyncAssistantsClient.retrieve`` over ``InProcessTransport`` (how ``serve``
reaches the embedded backend) and over ``httpx2.ASGITransport`` (how it did before); the same
request given straight to the backend's ASGI app (no client, no transport); the store's async
read as the app awaits it (on the event loop); the same query through ``anyio.to_thread`` (as every
store call ran before the async store, issue 13's cost 2); and the blocking store query alone.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import httpx2

from mcp_assistant_files import AsyncAssistantsClient
from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.service.in_process import InProcessTransport
from mcp_assistant_files.service.upstream import LOCAL_BASE_URL

from .harness import Row, Samples, measure_async


async def _measure(store: Store, assistant: str, attached: str, quick: bool) -> Samples:
    app = create_app(store)
    backend = store.aio()
    pools = {
        "in_process": httpx2.AsyncClient(transport=InProcessTransport(app)),
        "asgi": httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)),
    }
    clients = {
        name: AsyncAssistantsClient(base_url=LOCAL_BASE_URL, api_key="", max_retries=0, http_client=http)
        for name, http in pools.items()
    }
    path = f"/v1/assistants/{assistant}/files/{attached}"
    headers = [
        (b"host", b"local-backend"),
        (b"accept", b"application/json"),
        (b"openai-beta", b"assistants=v1"),
    ]

    async def app_alone() -> object:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "headers": headers, "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "server": ("local-backend", None), "client": ("127.0.0.1", 123), "root_path": "",
        }  # fmt: skip
        sent: list[Any] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Any) -> None:
            sent.append(message)

        await app(scope, receive, send)
        return sent

    def query() -> object:
        return store.get_attachment(assistant, attached)

    async def direct() -> object:
        return query()

    async def on_loop() -> object:
        return await backend.get_attachment(assistant, attached)

    async def hop() -> object:
        return await anyio.to_thread.run_sync(functools.partial(store.get_attachment, assistant, attached))

    def retrieve(client: AsyncAssistantsClient) -> Any:
        return functools.partial(client.files.retrieve, attached, assistant_id=assistant)

    contenders = {
        "in_process": retrieve(clients["in_process"]),
        "asgi": retrieve(clients["asgi"]),
        "app": app_alone,
        "on_loop": on_loop,
        "hop": hop,
        "query": direct,
    }
    rounds, per_round, max_seconds = (3, 50, 5.0) if quick else (30, 100, 40.0)
    try:
        async with app.router.lifespan_context(app):
            return await measure_async(
                contenders, rounds=rounds, per_round=per_round, max_seconds=max_seconds
            )
    finally:
        await backend.aclose()
        for http in pools.values():
            await http.aclose()


def embedded_rows(quick: bool) -> list[Row]:
    """One row: the in-process retrieve over each transport, with its layers as diagnostics."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-embedded-") as tmp,
        Store.open(Path(tmp) / "backend.sqlite3", max_files_per_assistant=0) as store,
    ):
        assistant = store.create_assistant()["id"]
        attached = store.seed_attachments(assistant, 100)[50]
        samples = anyio.run(_measure, store, assistant, attached, quick)
    ours, before = samples.stats("in_process"), samples.stats("asgi")
    ratio = samples.ratio("in_process", "asgi")
    layers = {name: samples.stats(name)["median_ms"] for name in ("app", "on_loop", "hop", "query")}
    hop = samples.ratio("hop", "on_loop")
    measured = (
        f"{ours['median_ms']:.3f} ms (p99 {ours['p99_ms']:.3f}) vs {before['median_ms']:.3f} ms "
        f"(p99 {before['p99_ms']:.3f}), n={ours['n']:.0f} each: **{ratio['ratio']:.3f}x** "
        f"(rounds IQR {ratio['round_q1']:.3f}-{ratio['round_q3']:.3f}). Layers: the backend's ASGI app alone "
        f"{layers['app']:.3f} ms, of which the async store read (on the loop) {layers['on_loop']:.3f} ms; "
        f"the same query through `anyio.to_thread` (before the async store) {layers['hop']:.3f} ms "
        f"(**{hop['ratio']:.2f}x** the read on the loop), the blocking query alone {layers['query']:.3f} ms"
    )
    return [
        Row(
            "embedded_retrieve",
            "our client's `retrieve` on the embedded backend, in-process, over `InProcessTransport`",
            "the same over `httpx2.ASGITransport` (the path before)",
            measured,
            "report (chooses the embedded path)",
            "report",
            {"in_process": ours, "asgi": before, **ratio, "layers_ms": layers},
        )
    ]
