"""A v1 database (schema version 1, written by the code before vector stores) is upgraded in
place on open: its data is kept, and the new features work on it. On PostgreSQL the v1 schema
is made by the migrations themselves and filled with the rows of the same SQLite dump."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest

from mcp_assistant_files.backend import Ingestor, NotFound, Store
from mcp_assistant_files.backend.schema import SCHEMA_VERSION
from mcp_assistant_files.backend.store.pg_schema import migrate
from tests.stores import KINDS, Kind, database

V1_DUMP = Path(__file__).with_name("data") / "v1-database.sql"
ASSISTANT = "asst_Y2VZHZfsy8oyaKZnpggt12my"
NOTES, GONE, BATCH = (
    "file-foVpVHMvit38if1GQWtCvam6",
    "file-YRqJavEERybNqbF7RPmS91cZ",
    "file-Twyh9IYKn70uyd50T3CpDDxl",
)


def v1_database(tmp_path: Path) -> Path:
    path = tmp_path / "v1.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_DUMP.read_text(encoding="utf-8"))
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    return path


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def v1_postgres(url: str, tmp_path: Path) -> None:
    """A v1 PostgreSQL schema at ``url`` holding the rows of the v1 SQLite dump."""
    source = v1_database(tmp_path)
    with closing(sqlite3.connect(source)) as lite, psycopg.connect(url, autocommit=True) as conn:
        migrate(conn, upto=1)
        for table in ("assistants", "files", "attachments"):
            rows = lite.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            if table == "files":
                conn.cursor().executemany(
                    "INSERT INTO file_chunks (file_id, part, data) VALUES (%s, 0, %s)",
                    [(r[1], r[6]) for r in rows],
                )
                rows = [r[:6] for r in rows]
            marks = ", ".join(["%s"] * len(rows[0]))
            insert = f"INSERT INTO {table} VALUES ({marks})"  # noqa: S608
            conn.cursor().executemany(insert.encode(), rows)


def pg_version(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
    assert row is not None
    return int(row[0])


@contextmanager
def old_database(kind: Kind, tmp_path: Path) -> Iterator[tuple[str, Callable[[], int]]]:
    """A v1 database of ``kind`` and how to read its schema version."""
    if kind == "sqlite":
        path = v1_database(tmp_path)
        yield str(path), lambda: user_version(path)
        return
    with database("postgres") as url:
        v1_postgres(url, tmp_path)
        yield url, lambda: pg_version(url)


@pytest.mark.parametrize("kind", KINDS)
def test_a_v1_database_is_upgraded_in_place_and_keeps_its_data(kind: Kind, tmp_path: Path) -> None:
    with old_database(kind, tmp_path) as (path, version):
        with Store.open(path) as store:
            assert version() == SCHEMA_VERSION == 4
            _check_upgraded(store)
        with Store.open(path) as store:
            assert version() == SCHEMA_VERSION
            with pytest.raises(NotFound):
                store.get_file(NOTES)


def _check_upgraded(store: Store) -> None:
    assistant = store.get_assistant(ASSISTANT)
    assert (assistant["name"], assistant["metadata"], assistant["file_ids"]) == (
        "kept",
        {"team": "docs"},
        [NOTES],
    )
    assert [f["id"] for f in store.list_files(order="asc")["data"]] == [NOTES, GONE, BATCH]
    assert b"".join(store.file_pieces(store.file_content(NOTES))) == b"hello v1\n"
    # The v1 tombstone still holds its place, and re-attaching revives it.
    assert store.list_attachments(ASSISTANT, order="asc", after=GONE)["data"] == []
    assert store.attach(ASSISTANT, GONE)["created_at"] == assistant["created_at"]

    vector_store_id = store.create_vector_store("kb", file_ids=[NOTES])["id"]
    assert Ingestor(store).process_pending() == 1
    ingested = store.get_vector_store_file(vector_store_id, NOTES)
    assert (ingested["status"], ingested["usage_bytes"]) == ("completed", 9)
    store.delete_file(NOTES)
    assert store.get_assistant(ASSISTANT)["file_ids"] == [GONE]


UPGRADER = """
import sys
from mcp_assistant_files.backend import Store
with Store.open(sys.argv[1]) as store:
    store.create_vector_store(sys.argv[2])
"""


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_processes_upgrading_one_database_at_once_upgrade_it_once(kind: Kind, tmp_path: Path) -> None:
    with old_database(kind, tmp_path) as (path, _):
        procs = [subprocess.Popen([sys.executable, "-c", UPGRADER, path, f"p{n}"]) for n in range(4)]
        assert [proc.wait(timeout=60) for proc in procs] == [0] * 4
        check_upgraded_once(path)


def check_upgraded_once(path: str) -> None:
    with Store.open(path) as store:
        names = sorted(s["name"] for s in store.list_vector_stores()["data"])
        assert names == ["p0", "p1", "p2", "p3"]
        assert store.get_assistant(ASSISTANT)["file_ids"] == [NOTES]
