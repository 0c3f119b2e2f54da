"""Local backend rows: a list page of 100 from the middle, at a small and a 10x larger listing.

Both stores (SQLite files in a temporary directory) stay open and are timed interleaved, directly
(``Store.list_attachments``) and through the ASGI app in-process (``httpx2.ASGITransport``).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import anyio
import httpx2

from mcp_assistant_files.backend import Store, create_app

from .harness import Row, Samples, measure, measure_async

TARGET = 2.0


def _label(n: int) -> str:
    return f"{n // 1000}k"


def backend_rows(quick: bool) -> list[Row]:
    """Two rows: direct store calls and HTTP in-process; growth from the small to the large listing."""
    sizes = (1_000, 10_000) if quick else (10_000, 100_000)
    rounds, per_round, max_seconds = (5, 40, 10.0) if quick else (20, 100, 40.0)
    with tempfile.TemporaryDirectory(prefix="bench-backend-") as tmp:
        stores: dict[str, tuple[Store, str, str]] = {}
        try:
            for n in sizes:
                store = Store.open(Path(tmp) / f"{n}.db", max_files_per_assistant=0)
                aid = store.create_assistant()["id"]
                ids = store.seed_attachments(aid, n)
                stores[_label(n)] = (store, aid, ids[len(ids) // 2])
            direct = measure(
                {
                    label: functools.partial(s.list_attachments, a, limit=100, after=m)
                    for label, (s, a, m) in stores.items()
                },
                rounds=rounds, per_round=per_round, max_seconds=max_seconds,
            )  # fmt: skip
            http = anyio.run(_measure_http, stores, rounds, per_round, max_seconds)
        finally:
            for store, _, _ in stores.values():
                store.close()
    small, large = (_label(n) for n in sizes)
    return [
        _growth_row(
            "backend_list_direct",
            "local backend list page of 100 (`Store.list_attachments`)",
            direct,
            small,
            large,
        ),
        _growth_row(
            "backend_list_http", "local backend list page of 100 (HTTP, in-process ASGI)", http, small, large
        ),
    ]


async def _measure_http(
    stores: dict[str, tuple[Store, str, str]], rounds: int, per_round: int, max_seconds: float
) -> Samples:
    clients = {
        label: httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=create_app(s)),
            base_url="http://backend",
            headers={"OpenAI-Beta": "assistants=v1"},
        )
        for label, (s, _, _) in stores.items()
    }
    try:
        contenders = {}
        for label, (_, aid, middle) in stores.items():
            client, url = clients[label], f"/v1/assistants/{aid}/files"

            async def call(
                client: httpx2.AsyncClient = client, url: str = url, middle: str = middle
            ) -> object:
                response = await client.get(url, params={"limit": 100, "after": middle})
                response.raise_for_status()
                return response.json()

            contenders[label] = call
        return await measure_async(contenders, rounds=rounds, per_round=per_round, max_seconds=max_seconds)
    finally:
        for client in clients.values():
            await client.aclose()


def _growth_row(key: str, what: str, samples: Samples, small: str, large: str) -> Row:
    s, big = samples.stats(small), samples.stats(large)
    growth = samples.ratio(large, small)
    measured = (
        f"{small}: {s['median_ms']:.3f} ms (p99 {s['p99_ms']:.3f}); {large}: {big['median_ms']:.3f} ms "
        f"(p99 {big['p99_ms']:.3f}): **{growth['ratio']:.2f}x** growth"
    )
    verdict = "PASS" if growth["ratio"] < TARGET else "MISS"
    data = {small: s, large: big, **growth}
    return Row(key, what, f"itself at {small}", measured, f"< {TARGET}x growth at {large}", verdict, data)
