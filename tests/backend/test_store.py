"""The store on its own, on each database: persistence, threads, ids, the cap, the default location."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcp_assistant_files.backend import (
    DB_ENV_VAR,
    InvalidRequest,
    NotFound,
    Store,
    default_db_path,
    open_store,
)
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


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask (group and others may read what is created), restored afterwards."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("named", ["default", "given"])
def test_the_folder_and_database_the_backend_creates_are_its_users_alone(
    named: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    db = None if named == "default" else tmp_path / "chosen" / "backend.sqlite3"
    path = default_db_path() if db is None else db
    assert path.is_relative_to(tmp_path)
    with open_store(db) as store:
        store.create_file("a.txt", b"confidential", "assistants")
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert modes == dict.fromkeys(modes, 0o600)


@pytest.mark.usefixtures("umask_022")
def test_a_folder_and_database_the_user_made_keep_their_modes(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    path = folder / "backend.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE made_by_the_user (x)")
    path.chmod(0o640)
    with open_store(path) as store:
        store.create_assistant(name="kept")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
