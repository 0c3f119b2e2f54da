"""psycopg 3 against asyncpg on the backend's two commonest reads, on the same database.

Each driver gets a pool of its own (psycopg_pool's ``AsyncConnectionPool``, asyncpg's
``create_pool``), and runs the statements the store sends for a retrieve (an attachment by
assistant and file) and for a list page of 100 after a cursor (the cursor's ``seq``, then the
page), as the store does: one statement per round trip, parameters bound by the server, prepared
after a few uses (psycopg's default threshold; asyncpg prepares every statement). The four
contenders run interleaved on one event loop. asyncpg is not a dependency: without it the rows
say so.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import anyio
import psycopg_pool

from .harness import Row, Samples, measure_async
from .postgres_load import Target

RETRIEVE = "SELECT file_id, created_at FROM attachments WHERE assistant_id = {0} AND file_id = {1} AND deleted_at IS NULL"
CURSOR = "SELECT seq FROM attachments WHERE assistant_id = {0} AND file_id = {1}"
PAGE = (
    "SELECT coalesce(body, attachment_body(assistant_id, file_id, created_at)) FROM attachments"
    " WHERE assistant_id = {0} AND deleted_at IS NULL AND seq > {1} ORDER BY seq ASC LIMIT 101"
)


def driver_rows(url: str | None, why: str, target: Target | None, quick: bool) -> list[Row]:
    """``pg_driver_retrieve`` and ``pg_driver_list100``: asyncpg's time over psycopg's."""
    what = "PostgreSQL driver, {}: asyncpg pool vs psycopg 3 `AsyncConnectionPool` (the store's)"
    keys = {"retrieve": "pg_driver_retrieve", "list100": "pg_driver_list100"}
    if url is None or target is None:
        reason = why
    elif importlib.util.find_spec("asyncpg") is None:
        reason = "skipped: asyncpg is not installed (`pip install asyncpg` to compare)"
    else:
        samples: Samples = anyio.run(_measure, target, quick, backend="asyncio")
        return [_row(keys[op], what.format(op), samples, op) for op in keys]
    return [Row(keys[op], what.format(op), "psycopg 3", "-", "report", reason) for op in keys]


def _row(key: str, what: str, samples: Samples, op: str) -> Row:
    ours, theirs = samples.stats(f"psycopg_{op}"), samples.stats(f"asyncpg_{op}")
    r = samples.ratio(f"asyncpg_{op}", f"psycopg_{op}")
    cpu = {d: samples.calls[f"{d}_{op}_cpu"][0] * 1e3 for d in ("psycopg", "asyncpg")}
    measured = (
        f"psycopg {ours['median_ms']:.3f} ms (p99 {ours['p99_ms']:.3f}), asyncpg {theirs['median_ms']:.3f} ms "
        f"(p99 {theirs['p99_ms']:.3f}), n={ours['n']:.0f} each: asyncpg/psycopg **{r['ratio']:.2f}x** "
        f"(IQR over {r['rounds']:.0f} rounds {r['round_q1']:.2f}-{r['round_q3']:.2f}); this process's CPU "
        f"per call: psycopg {cpu['psycopg']:.3f} ms, asyncpg {cpu['asyncpg']:.3f} ms"
    )
    data = {"psycopg": ours, "asyncpg": theirs, **r, "cpu_ms": cpu}
    return Row(key, what, "psycopg 3", measured, "report", "report", data)


def _schema_and_base(url: str) -> tuple[str, str]:
    """The schema a benchmark URL selects (``options=-csearch_path=S``) and the URL without it."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("options").removeprefix("-csearch_path=")
    return schema, urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


async def _measure(target: Target, quick: bool) -> Samples:
    import asyncpg  # a benchmark-only comparison, see the module

    schema, base = _schema_and_base(target.database)
    aid, middle = target.assistant_id, target.middle_file
    pg_pool: psycopg_pool.AsyncConnectionPool[Any] = psycopg_pool.AsyncConnectionPool(
        target.database, min_size=2, max_size=2, kwargs={"autocommit": True}, open=False
    )
    await pg_pool.open(wait=True)
    apg_pool = await asyncpg.create_pool(
        base, min_size=2, max_size=2, server_settings={"search_path": schema}
    )
    try:

        async def psycopg_retrieve() -> object:
            async with pg_pool.connection() as conn:
                cur = await conn.execute(RETRIEVE.format("%s", "%s"), (aid, middle))
                return await cur.fetchall()

        async def asyncpg_retrieve() -> object:
            async with apg_pool.acquire() as conn:
                return await conn.fetch(RETRIEVE.format("$1", "$2"), aid, middle)

        async def psycopg_list100() -> object:
            async with pg_pool.connection() as conn:
                cur = await conn.execute(CURSOR.format("%s", "%s"), (aid, middle))
                row = await cur.fetchone()
                assert row is not None
                cur = await conn.execute(PAGE.format("%s", "%s"), (aid, row[0]))
                return await cur.fetchall()

        async def asyncpg_list100() -> object:
            async with apg_pool.acquire() as conn:
                seq = await conn.fetchval(CURSOR.format("$1", "$2"), aid, middle)
                return await conn.fetch(PAGE.format("$1", "$2"), aid, seq)

        contenders: dict[str, Callable[[], Awaitable[object]]] = {
            "psycopg_retrieve": psycopg_retrieve,
            "asyncpg_retrieve": asyncpg_retrieve,
            "psycopg_list100": psycopg_list100,
            "asyncpg_list100": asyncpg_list100,
        }
        rounds, per_round, max_seconds = (3, 20, 3.0) if quick else (20, 100, 40.0)
        samples = await measure_async(
            contenders, rounds=rounds, per_round=per_round, max_seconds=max_seconds, warmup=10
        )
        for name, fn in contenders.items():  # this process's CPU per call: what a busy backend pays
            calls = 50 if quick else 500
            started = time.process_time()
            for _ in range(calls):
                await fn()
            samples.calls[f"{name}_cpu"] = [(time.process_time() - started) / calls]
        return samples
    finally:
        await apg_pool.close()
        await pg_pool.close()


__all__ = ["driver_rows"]
