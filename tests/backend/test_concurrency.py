"""Several processes writing one database file end where a serial run would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Store

WORKER = """
import sys
from mcp_assistant_files.backend import Store
path, assistant_id, shared, *own = sys.argv[1:]
with Store.open(path, max_files_per_assistant=0) as store:
    for shared_id, own_id in zip(shared.split(","), own):
        store.attach(assistant_id, shared_id)
        store.attach(assistant_id, own_id)
    for file_id in own[::3]:
        store.detach(assistant_id, file_id)
        store.attach(assistant_id, file_id)
    for file_id in own[1::3]:
        store.detach(assistant_id, file_id)
"""


def script(store: Store, assistant_id: str, shared: list[str], own: list[str]) -> None:
    """What one worker does, run in this process (the serial reference)."""
    for shared_id, own_id in zip(shared, own, strict=True):
        store.attach(assistant_id, shared_id)
        store.attach(assistant_id, own_id)
    for file_id in own[::3]:
        store.detach(assistant_id, file_id)
        store.attach(assistant_id, file_id)
    for file_id in own[1::3]:
        store.detach(assistant_id, file_id)


OPENER = """
import sys
from mcp_assistant_files.backend import Store
with Store.open(sys.argv[1]) as store:
    store.create_assistant(name=sys.argv[2])
"""


def run_all(scripts: list[list[str]]) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", *args]) for args in scripts]
    codes = [proc.wait(timeout=60) for proc in procs]
    assert codes == [0] * len(procs)


def prepare(store: Store, workers: int, per_worker: int) -> tuple[str, list[str], list[list[str]]]:
    """An assistant, ``per_worker`` files every worker shares, and ``per_worker`` of each worker's own."""
    assistant_id: str = store.create_assistant()["id"]
    shared = [store.create_file("s.txt", b"x", "assistants")["id"] for _ in range(per_worker)]
    own = [
        [store.create_file(f"{w}.txt", b"x", "assistants")["id"] for _ in range(per_worker)]
        for w in range(workers)
    ]
    return assistant_id, shared, own


@pytest.mark.slow
def test_concurrent_writers_match_a_serial_run(tmp_path: Path) -> None:
    """Workers race on shared ids (idempotent attach) and interleave on their own ids."""
    workers, per_worker = 4, 30
    path = tmp_path / "shared.sqlite3"

    with Store.open(path) as store:
        assistant_id, shared, own = prepare(store, workers, per_worker)
    run_all([[WORKER, str(path), assistant_id, ",".join(shared), *mine] for mine in own])

    with Store.open(":memory:", max_files_per_assistant=0) as serial:
        serial_assistant, serial_shared, serial_own = prepare(serial, workers, per_worker)
        for mine in serial_own:
            script(serial, serial_assistant, serial_shared, mine)
        flat_serial = serial_shared + [f for mine in serial_own for f in mine]
        rename = dict(zip(flat_serial, shared + [f for mine in own for f in mine], strict=True))
        expected = {rename[f] for f in serial.get_assistant(serial_assistant)["file_ids"]}

    with Store.open(path, max_files_per_assistant=0) as store:
        live = store.get_assistant(assistant_id)["file_ids"]
        assert len(live) == len(set(live)) == len(expected)
        assert set(live) == expected
        walked: list[str] = []
        stamps: list[int] = []
        page = store.list_attachments(assistant_id, limit=7, order="asc")
        while True:
            walked += [item["id"] for item in page["data"]]
            stamps += [item["created_at"] for item in page["data"]]
            if not page["has_more"]:
                break
            page = store.list_attachments(assistant_id, limit=7, order="asc", after=page["last_id"])
        assert walked == live, "paging agrees with the stored order"
        assert stamps == sorted(stamps), "created_at never decreases along the order"


@pytest.mark.slow
def test_processes_may_create_the_same_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    run_all([[OPENER, str(path), f"p{i}"] for i in range(4)])
    with Store.open(path) as store:
        names = sorted(a["name"] for a in store.list_assistants()["data"])
    assert names == ["p0", "p1", "p2", "p3"]
