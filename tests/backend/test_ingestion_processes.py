"""Ingestion across processes, on each store: a worker killed with SIGKILL mid-file leaves nothing
stuck (the next process finishes it), and two processes ingesting one database never corrupt a row."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.vector_store_validation import FileAttach, FileBatchSpec
from tests.stores import KINDS, Kind, database

WORKER = """
import logging, sys
from mcp_assistant_files.backend import Ingestor, Store
logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
logging.getLogger("mcp_assistant_files.backend.ingestion").setLevel(logging.DEBUG)
with Store.open(sys.argv[1]) as store:
    print(Ingestor(store).process_pending(), flush=True)
"""


@contextmanager
def writes_held(kind: Kind, path: str) -> Iterator[None]:
    """No other connection can record an ingestion until this exits (reads go on)."""
    if kind == "sqlite":
        with closing(sqlite3.connect(path, isolation_level=None)) as lite:
            lite.execute("BEGIN IMMEDIATE")
            yield
            lite.execute("ROLLBACK")
        return
    with psycopg.connect(path) as conn:
        conn.execute("LOCK TABLE vector_store_files IN EXCLUSIVE MODE")
        yield
        conn.rollback()


def worker(path: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_a_worker_killed_mid_file_leaves_it_for_the_next_process(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as path:
        killed_mid_file_then_finished(kind, path)


def killed_mid_file_then_finished(kind: Kind, path: str) -> None:
    text = b"a line of text to ingest\n" * 40_000
    with Store.open(path) as store:
        vector_store_id = store.create_vector_store("kill")["id"]
        file_id = store.create_file("big.txt", text, "assistants")["id"]
        store.attach_vector_store_file(vector_store_id, FileAttach(file_id))

    # Holding the database's write lock, this process makes sure the worker cannot record
    # anything: once it says it is ingesting, it is killed in the middle of the file.
    with writes_held(kind, path), worker(path) as doomed:
        assert doomed.stderr is not None
        for line in doomed.stderr:
            if f"ingesting {file_id}" in line:
                break
        else:
            pytest.fail(f"the worker never started ingesting (exit {doomed.wait()})")
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=30) == -signal.SIGKILL

    with Store.open(path) as store:
        assert store.get_vector_store_file(vector_store_id, file_id)["status"] == "in_progress"
    with worker(path) as successor:
        out, err = successor.communicate(timeout=120)
        assert (successor.returncode, out.strip()) == (0, "1"), err
    with Store.open(path) as store:
        found = store.get_vector_store_file(vector_store_id, file_id)
        assert (found["status"], found["usage_bytes"]) == ("completed", len(text))


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_two_processes_ingesting_one_database_agree_with_the_files(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as path:
        two_workers_agree(path)
        if kind == "sqlite":
            with closing(sqlite3.connect(path)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def two_workers_agree(path: str) -> None:
    contents = {"text": b"plain text\n" * 50, "binary": bytes(range(256)), "empty": b""}
    expected: dict[str, tuple[str, str | None]] = {
        "text": ("completed", None),
        "binary": ("failed", "unsupported_file"),
        "empty": ("failed", "invalid_file"),
    }
    with Store.open(path) as store:
        vector_store_id = store.create_vector_store("shared")["id"]
        kinds = {
            store.create_file(f"{n}.bin", contents[kind], "assistants")["id"]: kind
            for n, kind in enumerate(list(contents) * 100)
        }
        store.create_file_batch(vector_store_id, FileBatchSpec(tuple(FileAttach(f) for f in kinds)))
        detached = list(kinds)[::7]
        with worker(path) as first, worker(path) as second:
            for file_id in detached:  # while both work
                store.detach_vector_store_file(vector_store_id, file_id)
            outputs = [proc.communicate(timeout=300) for proc in (first, second)]
        assert [proc.returncode for proc in (first, second)] == [0, 0], outputs
        recorded = sum(int(out.strip()) for out, _ in outputs)
        assert len(kinds) - len(detached) <= recorded <= len(kinds), "each live file recorded once"

        listing = store.list_vector_store_files(vector_store_id, limit=100, order="asc")
        files = listing["data"]
        while listing["has_more"]:
            listing = store.list_vector_store_files(
                vector_store_id, limit=100, order="asc", after=files[-1]["id"]
            )
            files += listing["data"]
        assert sorted(f["id"] for f in files) == sorted(set(kinds) - set(detached)), (
            "detached files stay detached"
        )
        for found in files:
            kind = kinds[found["id"]]
            code = found["last_error"]["code"] if found["last_error"] else None
            assert (found["status"], code) == expected[kind], found
            assert found["usage_bytes"] == (len(contents[kind]) if kind == "text" else 0)
        counts = store.get_vector_store(vector_store_id)["file_counts"]
        assert counts["in_progress"] == 0 and counts["total"] == len(files)
