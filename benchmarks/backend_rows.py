"""Local backend rows: a list page of 100 from the middle, at a small and a 100x larger listing.

Both stores (SQLite files in a temporary directory) stay open and are timed interleaved, directly
(``Store.list_attachments_json``, blocking) and through the app in-process as ``serve`` reaches the
embedded backend (``InProcessTransport``, the async store reading on the event loop).

Listings are seeded in SQL (:func:`seed_in_order`): ``Store.seed_attachments`` draws random ids,
and inserting a million of them into the ``UNIQUE`` indexes through SQLite's default 2 MiB page
cache took 385 s on the 2-core benchmark machine; ids in ascending order append to the indexes
instead (seconds). The rows are the same shape as the store writes; only the ids' order differs.
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from pathlib import Path

import anyio
import httpx2

from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.backend.db import add_functions
from mcp_assistant_files.service.in_process import InProcessTransport

from .harness import Row, Samples, measure, measure_async

TARGET = 1.5


def _label(n: int) -> str:
    return f"{n // 1000:,}k"


def seed_in_order(db: Path, count: int) -> tuple[str, str]:
    """A database at ``db`` with one assistant and ``count`` attachments; its id and the middle file's."""
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant: str = store.create_assistant()["id"]
        created_at = store.create_file("probe.txt", b"x", "assistants")["created_at"]
    conn = sqlite3.connect(db)
    add_functions(conn)  # attachment_body, which the store writes with each attachment
    try:
        conn.execute("PRAGMA cache_size = -131072")  # 128 MiB, for this connection only
        with conn:
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO files (id, created_at, filename, purpose, bytes, data) "
                "SELECT printf('file-bench%019d', i), ?, 'seed.txt', 'assistants', 1, x'00' FROM n",
                (count, created_at),
            )
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
                "INSERT INTO attachments (assistant_id, file_id, created_at, body) "
                "SELECT :a, f, :at, attachment_body(:a, f, :at) FROM (SELECT printf('file-bench%019d', i) AS f FROM n)",
                {"count": count, "a": assistant, "at": created_at},
            )
    finally:
        conn.close()
    return assistant, f"file-bench{count // 2:019d}"


def backend_rows(quick: bool) -> list[Row]:
    """Two rows: direct store calls and the app in-process; growth from the small to the large listing."""
    sizes = (1_000, 10_000) if quick else (10_000, 1_000_000)
    rounds, per_round, max_seconds = (5, 40, 10.0) if quick else (20, 100, 40.0)
    with tempfile.TemporaryDirectory(prefix="bench-backend-") as tmp:
        stores: dict[str, tuple[Store, str, str]] = {}
        try:
            for n in sizes:
                db = Path(tmp) / f"{n}.db"
                assistant, middle = seed_in_order(db, n)
                stores[_label(n)] = (Store.open(db, max_files_per_assistant=0), assistant, middle)
            direct = measure(
                {
                    label: functools.partial(s.list_attachments_json, a, limit=100, after=m)
                    for label, (s, a, m) in stores.items()
                },
                rounds=rounds, per_round=per_round, max_seconds=max_seconds,
            )  # fmt: skip
            http = anyio.run(_measure_app, stores, rounds, per_round, max_seconds)
        finally:
            for store, _, _ in stores.values():
                store.close()
    small, large = (_label(n) for n in sizes)
    return [
        _growth_row(
            "backend_list_direct",
            "local backend list page of 100 from the middle (`Store.list_attachments_json`)",
            direct,
            small,
            large,
        ),
        _growth_row(
            "backend_list_app",
            "local backend list page of 100 from the middle (the app in-process, `InProcessTransport`)",
            http,
            small,
            large,
        ),
    ]


async def _measure_app(
    stores: dict[str, tuple[Store, str, str]], rounds: int, per_round: int, max_seconds: float
) -> Samples:
    apps = {label: create_app(s) for label, (s, _, _) in stores.items()}
    clients = {
        label: httpx2.AsyncClient(
            transport=InProcessTransport(app),
            base_url="http://backend",
            headers={"OpenAI-Beta": "assistants=v1"},
        )
        for label, app in apps.items()
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
        small, large = apps.values()
        async with small.router.lifespan_context(small), large.router.lifespan_context(large):
            return await measure_async(
                contenders, rounds=rounds, per_round=per_round, max_seconds=max_seconds
            )
    finally:
        for client in clients.values():
            await client.aclose()


def _growth_row(key: str, what: str, samples: Samples, small: str, large: str) -> Row:
    s, big = samples.stats(small), samples.stats(large)
    growth = samples.ratio(large, small)
    measured = (
        f"{small}: {s['median_ms']:.3f} ms (p99 {s['p99_ms']:.3f}); {large}: {big['median_ms']:.3f} ms "
        f"(p99 {big['p99_ms']:.3f}), n={s['n']:.0f} each: **{growth['ratio']:.2f}x** "
        f"(rounds IQR {growth['round_q1']:.2f}-{growth['round_q3']:.2f})"
    )
    verdict = "PASS" if growth["ratio"] < TARGET else "MISS"
    data = {small: s, large: big, **growth}
    return Row(key, what, f"itself at {small}", measured, f"< {TARGET}x at {large}", verdict, data)
