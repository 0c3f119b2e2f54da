"""A page costs the same work at 100,000 attachments as at 1,000: counted, not timed.

SQLite's progress handler counts virtual-machine steps; on PostgreSQL, each statement the page
ran is run again under ``EXPLAIN (ANALYZE, BUFFERS)`` and the buffers it touched are counted.
Neither depends on how busy the machine is; the time a page takes is a benchmark row
(``benchmarks``), not an assertion here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.store import Database
from mcp_assistant_files.backend.store.postgres import BlockingDriver
from mcp_assistant_files.backend.store.sqlite import SqliteConn
from tests.stores import KINDS, Kind, database


def vm_steps(store: Store, call: Callable[[], Any]) -> int:
    """How many SQLite VM instructions ``call`` executes on ``store``'s connection."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    assert isinstance(store.db, Database), "SQLite's counter"
    store.db.set_progress_handler(count, 1)
    try:
        call()
    finally:
        store.db.set_progress_handler(None, 1)
    return steps


def buffers(store: Store, url: str, call: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> int:
    """Shared buffers PostgreSQL touches running again each statement ``call`` sent (reads only)."""
    sent: list[tuple[bytes, Any]] = []
    execute = BlockingDriver.execute

    async def recorded(self: BlockingDriver, sql: bytes, params: Any) -> Any:
        sent.append((sql, params))
        return await execute(self, sql, params)

    with monkeypatch.context() as patch:
        patch.setattr(BlockingDriver, "execute", recorded)
        call()
    total = 0
    with psycopg.connect(url, autocommit=True) as conn:
        for sql, params in sent:
            assert sql.lstrip().upper().startswith(b"SELECT"), sql
            row = conn.execute(b"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params).fetchone()
            assert row is not None
            plan = row[0][0]["Plan"]
            total += plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]
    return total


def page_costs(kind: Kind, tmp_path: Path, total: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    with database(kind, tmp_path, name=f"{total}.sqlite3") as url:
        return costs_in(url, total, monkeypatch)


def costs_in(url: str, total: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    with Store.open(url, max_files_per_assistant=0) as store:

        def cost(call: Callable[[], Any]) -> int:
            return buffers(store, url, call, monkeypatch) if store.is_postgres else vm_steps(store, call)

        assistant_id = store.create_assistant()["id"]
        ids = store.seed_attachments(assistant_id, total)
        middle = total // 2
        for file_id in ids[middle : middle + 100]:
            store.detach(assistant_id, file_id)  # tombstones in the middle of the walk
        costs = {}
        for order in ("asc", "desc"):
            for key in ("after", "before"):
                for name, cursor in (("start", ids[1]), ("middle", ids[middle + 50]), ("end", ids[-2])):
                    page = functools.partial(
                        store.list_attachments, assistant_id, limit=100, order=order, **{key: cursor}
                    )
                    costs[f"{order}-{key}-{name}"] = cost(page)
        if not store.is_postgres:  # a write cannot be run twice; PostgreSQL's are row-locked seeks
            new_file = store.create_file("n.txt", b"x", "assistants")["id"]
            costs["attach-uncapped"] = vm_steps(store, lambda: store.attach(assistant_id, new_file))
        return costs


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_pages_and_attaches_cost_the_same_at_100k_attachments_as_at_1k(
    kind: Kind, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = page_costs(kind, tmp_path, 1_000, monkeypatch)
    large = page_costs(kind, tmp_path, 100_000, monkeypatch)
    for name, cost in small.items():
        # SQLite: measured equal (an index seek is one VM step at any depth). PostgreSQL: a
        # deeper index costs a buffer or two per seek. A scan would grow a hundredfold.
        assert large[name] <= cost * 1.1 + 10, (name, cost, large[name])


def test_a_list_page_of_attachments_reads_only_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema version 4: the live-attachments index holds each object's JSON (``body``) and the
    columns that spell it for a row without one, so no row of the table is read: SQLite says
    COVERING, and its program reads every column from the index's cursor. An assistant's file
    ids (``get_assistant``) come from the same index."""
    sent: list[tuple[str, Any]] = []
    all_rows = SqliteConn.all

    async def recorded(self: SqliteConn, sql: str, params: Any = ()) -> Any:
        sent.append((sql, params))
        return await all_rows(self, sql, params)

    with Store.open(tmp_path / "db.sqlite3", max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        ids = store.seed_attachments(assistant_id, 150)
        with monkeypatch.context() as patch:
            patch.setattr(SqliteConn, "all", recorded)
            store.list_attachments(assistant_id, limit=100)
            store.list_attachments(assistant_id, limit=100, order="desc", after=ids[120])
            store.get_assistant(assistant_id)
        assert len(sent) == 3
        with store.db.read() as conn:  # type: ignore[union-attr]
            plans = [conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall() for sql, params in sent]
            programs = [conn.execute("EXPLAIN " + sql, params).fetchall() for sql, params in sent]
    for plan in plans:
        assert len(plan) == 1 and plan[0][3].startswith(
            "SEARCH attachments USING COVERING INDEX attachments_live (assistant_id=?"
        ), plan
    for program in programs:
        # (addr, opcode, p1, p2, p3, p4, p5, comment); an index's OpenRead has its KeyInfo in p4.
        index_cursors = {op[2] for op in program if op[1] == "OpenRead" and str(op[5]).startswith("k(")}
        columns_read = {op[2] for op in program if op[1] == "Column"}
        assert index_cursors and columns_read and columns_read <= index_cursors, program
