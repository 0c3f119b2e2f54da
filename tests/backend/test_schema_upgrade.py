"""A v1 database (schema version 1, written by the code before vector stores) is upgraded in
place on open: its data is kept, and the new features work on it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Ingestor, NotFound, Store
from mcp_assistant_files.backend.schema import SCHEMA_VERSION

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


def test_a_v1_database_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    path = v1_database(tmp_path)
    with Store.open(path) as store:
        assert user_version(path) == SCHEMA_VERSION == 2
        assistant = store.get_assistant(ASSISTANT)
        assert (assistant["name"], assistant["metadata"], assistant["file_ids"]) == (
            "kept",
            {"team": "docs"},
            [NOTES],
        )
        assert [f["id"] for f in store.list_files(order="asc")["data"]] == [NOTES, GONE, BATCH]
        assert b"".join(store.file_content(NOTES).chunks) == b"hello v1\n"
        # The v1 tombstone still holds its place, and re-attaching revives it.
        assert store.list_attachments(ASSISTANT, order="asc", after=GONE)["data"] == []
        assert store.attach(ASSISTANT, GONE)["created_at"] == assistant["created_at"]

        vector_store_id = store.create_vector_store("kb", file_ids=[NOTES])["id"]
        assert Ingestor(store).process_pending() == 1
        ingested = store.get_vector_store_file(vector_store_id, NOTES)
        assert (ingested["status"], ingested["usage_bytes"]) == ("completed", 9)
        store.delete_file(NOTES)
        assert store.get_assistant(ASSISTANT)["file_ids"] == [GONE]
    with Store.open(path) as store:
        assert user_version(path) == SCHEMA_VERSION
        with pytest.raises(NotFound):
            store.get_file(NOTES)


UPGRADER = """
import sys
from mcp_assistant_files.backend import Store
with Store.open(sys.argv[1]) as store:
    store.create_vector_store(sys.argv[2])
"""


@pytest.mark.slow
def test_processes_upgrading_one_database_at_once_upgrade_it_once(tmp_path: Path) -> None:
    path = v1_database(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", UPGRADER, str(path), f"p{n}"]) for n in range(4)]
    assert [proc.wait(timeout=60) for proc in procs] == [0] * 4
    with Store.open(path) as store:
        names = sorted(s["name"] for s in store.list_vector_stores()["data"])
        assert names == ["p0", "p1", "p2", "p3"]
        assert store.get_assistant(ASSISTANT)["file_ids"] == [NOTES]
