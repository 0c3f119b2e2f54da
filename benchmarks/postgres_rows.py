"""PostgreSQL rows (issue 15): listings at a million attachments, the driver, both stores side by side.

* ``list100_growth_<store>``: a list page of 100 from the middle of one assistant's listing at
  1,000,000 attachments against the same page at 10,000 (quick: 10,000 vs 1,000), both
  databases open and timed interleaved through ``Store.list_attachments_json``;
* ``pg_driver_<query>``: psycopg 3 (the store's driver) against asyncpg on the two queries the
  backend runs most (an attachment by id, a page of 100), each on a pool of its own, timed
  interleaved (skipped when asyncpg is not installed: it is not a dependency);
* the HTTP rows (:mod:`.postgres_load`): retrieve and list-100 under ``wrk`` on each store, and
  one against two backend processes on one PostgreSQL, with the CPU each process used.

PostgreSQL rows need ``$DATABASE_URL`` (``. .ci/postgres.sh && ci_pg_start``); without a
reachable server they are reported as skipped. Each run works in schemas of its own, dropped
afterwards. The million rows go in with ``COPY`` in one transaction (SQLite keeps the store's
own seeding, ``executemany`` in one transaction); file contents are not written for them, since
neither a listing nor a retrieve reads them.
"""

from __future__ import annotations

import functools
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.db import new_id
from mcp_assistant_files.backend.objects import attachment_body

from .harness import Row, measure
from .postgres_driver import driver_rows
from .postgres_load import Target, load_rows

GROWTH_TARGET = 1.5


def database_url() -> tuple[str | None, str]:
    """``$DATABASE_URL`` if a server answers there, else ``None`` and why the rows are skipped."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None, "skipped: $DATABASE_URL unset (`. .ci/postgres.sh && ci_pg_start` sets it)"
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as err:
        return None, f"skipped: no PostgreSQL at $DATABASE_URL ({type(err).__name__})"
    return url, ""


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh schema in ``url``'s database; the URL that selects it. Dropped afterwards."""
    name = "bench_" + secrets.token_hex(5)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}".encode())
    try:
        yield f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE".encode())


def seed(store: Store, target: str, count: int) -> Target:
    """Give a new assistant ``count`` attachments (``COPY`` on PostgreSQL); the middle one's id."""
    aid = store.create_assistant()["id"]
    if not store.is_postgres:
        ids = store.seed_attachments(aid, count)
        return Target(target, aid, ids[len(ids) // 2])
    ids = [new_id("file-") for _ in range(count)]
    now = int(time.time())
    with psycopg.connect(target) as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY files (id, created_at, filename, purpose, bytes) FROM STDIN") as copy:
                for file_id in ids:
                    copy.write_row((file_id, now, "seed.txt", "assistants", 1))
            with cur.copy("COPY attachments (assistant_id, file_id, created_at, body) FROM STDIN") as copy:
                for file_id in ids:
                    copy.write_row((aid, file_id, now, attachment_body(aid, file_id, now)))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE files")
        conn.execute("VACUUM ANALYZE attachments")
    return Target(target, aid, ids[len(ids) // 2])


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def postgres_rows(quick: bool) -> list[Row]:
    """Every row of this module and :mod:`.postgres_load` (PostgreSQL ones skipped without a server)."""
    url, why = database_url()
    small, large = (1_000, 10_000) if quick else (10_000, 1_000_000)
    rows: list[Row] = []
    smalls: dict[str, Target] = {}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-pg-")))
        for kind in ("sqlite", "postgres"):
            if kind == "postgres" and url is None:
                rows.append(_skipped_growth(kind, small, large, why))
                continue
            opened: dict[str, tuple[Store, Target]] = {}
            seconds = 0.0
            for n in (small, large):
                started = time.monotonic()
                target = (
                    str(tmp / f"{n}.sqlite3")
                    if kind == "sqlite"
                    else stack.enter_context(pg_schema(url or ""))
                )
                store = stack.enter_context(Store.open(target, max_files_per_assistant=0))
                opened[_label(n)] = (store, seed(store, target, n))
                seconds = time.monotonic() - started
            smalls[kind] = opened[_label(small)][1]
            rows.append(_growth_row(kind, opened, _label(small), _label(large), seconds, quick))
        rows += driver_rows(url, why, smalls.get("postgres"), quick)
        rows += load_rows(smalls, why, quick)
    return rows


def _skipped_growth(kind: str, small: int, large: int, why: str) -> Row:
    what = f"list page of 100 (`Store.list_attachments_json`, {kind}) at {_label(large)} attachments"
    return Row(f"list100_growth_{kind}", what, f"itself at {_label(small)}", "-", f"< {GROWTH_TARGET}x", why)


def _growth_row(
    kind: str,
    opened: dict[str, tuple[Store, Target]],
    small: str,
    large: str,
    seed_seconds: float,
    quick: bool,
) -> Row:
    rounds, per_round, max_seconds = (5, 20, 5.0) if quick else (20, 50, 60.0)
    samples = measure(
        {
            label: functools.partial(store.list_attachments_json, t.assistant_id, limit=100, after=t.middle_file)
            for label, (store, t) in opened.items()
        },
        rounds=rounds, per_round=per_round, max_seconds=max_seconds,
    )  # fmt: skip
    s, b, g = samples.stats(small), samples.stats(large), samples.ratio(large, small)
    measured = (
        f"{small}: {s['median_ms']:.3f} ms (p99 {s['p99_ms']:.3f}); {large}: {b['median_ms']:.3f} ms "
        f"(p99 {b['p99_ms']:.3f}); n={b['n']:.0f} each: **{g['ratio']:.2f}x** (IQR over "
        f"{g['rounds']:.0f} rounds {g['round_q1']:.2f}-{g['round_q3']:.2f}); seeding {large} took {seed_seconds:.0f} s"
    )
    return Row(
        f"list100_growth_{kind}",
        f"list page of 100 (`Store.list_attachments_json`, {kind}) at {large} attachments",
        f"itself at {small}",
        measured,
        f"< {GROWTH_TARGET}x",
        "PASS" if g["ratio"] < GROWTH_TARGET else "MISS",
        {small: s, large: b, **g, "seed_seconds": seed_seconds},
    )
