"""The store on its own, on each database: persistence, threads, ids, the cap, the default location."""

from __future__ import annotations

import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcp_assistant_files.backend import InvalidRequest, NotFound, Store, default_db_path
from mcp_assistant_files.backend.db import new_id
from tests.stores import Kind, database, open_kind, run_sql


def test_data_survives_reopening_the_database(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as path:
        with Store.open(path) as store:
            assistant_id = store.create_assistant(name="kept")["id"]
            file_id = store.create_file("a.txt", b"abc", "assistants")["id"]
            store.attach(assistant_id, file_id)
        with Store.open(str(path)) as store:
            assert store.get_assistant(assistant_id)["file_ids"] == [file_id]
            assert store.get_file(file_id)["bytes"] == 3


def test_a_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "backend.sqlite3"
    Store.open(path).close()
    with closing(sqlite3.connect(path)) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_store_is_one_database_across_threads(kind: Kind) -> None:
    with open_kind(kind, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        file_ids = [store.create_file(f"{i}.txt", b"x", "assistants")["id"] for i in range(40)]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda f: store.attach(assistant_id, f), file_ids))
        assert sorted(store.get_assistant(assistant_id)["file_ids"]) == sorted(file_ids)


def test_each_memory_store_is_a_database_of_its_own() -> None:
    with Store.open(":memory:") as store:
        assistant_id = store.create_assistant()["id"]
        with Store.open(":memory:") as other, pytest.raises(NotFound):
            other.get_assistant(assistant_id)


def test_failed_create_assistant_leaves_nothing_behind(kind: Kind) -> None:
    with open_kind(kind, max_files_per_assistant=1) as store:
        files = [store.create_file("a.txt", b"x", "assistants")["id"] for _ in range(2)]
        with pytest.raises(InvalidRequest):
            store.create_assistant(file_ids=files)
        assert store.list_assistants()["data"] == []


def test_cap_zero_means_unlimited_and_negative_is_refused(kind: Kind) -> None:
    with open_kind(kind, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        for _ in range(25):
            store.attach(assistant_id, store.create_file("a", b"x", "assistants")["id"])
        assert len(store.get_assistant(assistant_id)["file_ids"]) == 25
    with pytest.raises(ValueError, match=">= 0"):
        Store.open(":memory:", max_files_per_assistant=-1)


def test_detached_files_do_not_count_towards_the_cap(kind: Kind) -> None:
    with open_kind(kind, max_files_per_assistant=1) as store:
        assistant_id = store.create_assistant()["id"]
        first, second = (store.create_file("a", b"x", "assistants")["id"] for _ in range(2))
        store.attach(assistant_id, first)
        store.detach(assistant_id, first)
        store.attach(assistant_id, second)
        with pytest.raises(InvalidRequest, match="maximum of 1"):
            store.attach(assistant_id, first)


def test_assistant_listing_pages_like_attachments(kind: Kind) -> None:
    with open_kind(kind) as store:
        made = [store.create_assistant(name=str(i))["id"] for i in range(5)]
        page = store.list_assistants(limit=2, order="asc", after=made[0])
        assert ([a["id"] for a in page["data"]], page["has_more"]) == (made[1:3], True)
        with pytest.raises(InvalidRequest):
            store.list_assistants(after="asst_unknown")


@given(prefix=st.sampled_from(["asst_", "file-"]))
def test_ids_look_like_openai_ids(prefix: str) -> None:
    assert re.fullmatch(re.escape(prefix) + r"[A-Za-z0-9]{24}", new_id(prefix))


def test_default_db_path_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MCP_ASSISTANT_FILES_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("MCP_ASSISTANT_FILES_DB")
    default = default_db_path()
    assert default.name == "backend.sqlite3"
    assert "mcp-assistant-files" in default.parts


def test_a_newer_schema_is_refused(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as path:
        with Store.open(path) as store:
            if store.is_postgres:
                run_sql(store, "UPDATE schema_version SET version = 99")
        if not store.is_postgres:
            with closing(sqlite3.connect(path)) as conn:
                conn.execute("PRAGMA user_version = 99")
                conn.commit()
        with pytest.raises(RuntimeError, match="newer than this backend"):
            Store.open(path)
