"""Several processes writing one database (a SQLite file, or PostgreSQL) end where a serial run
would; under races the attachment cap holds exactly, attach stays idempotent, and a walk by
cursor sees every surviving attachment exactly once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Store
from tests.stores import KINDS, Kind, database

WORKER = """
import sys
from mcp_assistant_files.backend import Store
from tests.stores import KINDS, Kind, database
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
from tests.stores import KINDS, Kind, database
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
@pytest.mark.parametrize("kind", KINDS)
def test_concurrent_writers_match_a_serial_run(kind: Kind, tmp_path: Path) -> None:
    """Workers race on shared ids (idempotent attach) and interleave on their own ids."""
    with database(kind, tmp_path) as path:
        check_writers_match_a_serial_run(path)


def check_writers_match_a_serial_run(path: str) -> None:
    workers, per_worker = 4, 30
    with Store.open(path) as store:
        assistant_id, shared, own = prepare(store, workers, per_worker)
    run_all([[WORKER, path, assistant_id, ",".join(shared), *mine] for mine in own])

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
@pytest.mark.parametrize("kind", KINDS)
def test_processes_may_create_the_same_database_at_once(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path, name="fresh.sqlite3") as path:
        run_all([[OPENER, path, f"p{i}"] for i in range(4)])
        with Store.open(path) as store:
            names = sorted(a["name"] for a in store.list_assistants()["data"])
    assert names == ["p0", "p1", "p2", "p3"]


# Attaches its files one by one with the cap at 20; prints how many attaches succeeded.
CAPPED = """
import sys
from mcp_assistant_files.backend import InvalidRequest, Store
path, assistant_id, *files = sys.argv[1:]
won = 0
with Store.open(path, max_files_per_assistant=20) as store:
    for file_id in files:
        try:
            store.attach(assistant_id, file_id)
            won += 1
        except InvalidRequest:
            pass
print(won)
"""


def run_printing(scripts: list[list[str]]) -> list[str]:
    procs = [
        subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, text=True) for args in scripts
    ]
    outs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs)
    return outs


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_the_cap_holds_exactly_under_concurrent_attaches_from_several_processes(
    kind: Kind, tmp_path: Path
) -> None:
    with database(kind, tmp_path) as path:
        with Store.open(path, max_files_per_assistant=0) as store:
            assistant_id = store.create_assistant()["id"]
            files = [[store.create_file("c", b"x", "assistants")["id"] for _ in range(15)] for _ in range(4)]
            same = store.create_file("same", b"x", "assistants")["id"]
        # Every process also attaches one file they all share: idempotent under the race.
        outs = run_printing([[CAPPED, path, assistant_id, same, *mine] for mine in files])
        with Store.open(path) as store:
            live = store.get_assistant(assistant_id)["file_ids"]
    assert sum(int(out) for out in outs) == 20 + 3, "the shared file counts once, its repeats succeed"
    assert len(live) == len(set(live)) == 20
    assert same in live


# Attaches and detaches its own files over and over, for a while.
CHURN = """
import sys
from mcp_assistant_files.backend import Store
path, assistant_id, rounds, *files = sys.argv[1:]
with Store.open(path, max_files_per_assistant=0) as store:
    for n in range(int(rounds)):
        for file_id in files:
            if n % 2:
                store.detach(assistant_id, file_id)
            else:
                store.attach(assistant_id, file_id)
"""


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_a_walk_during_attaches_and_detaches_sees_every_surviving_attachment_once(
    kind: Kind, tmp_path: Path
) -> None:
    with database(kind, tmp_path) as path, Store.open(path, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        kept = store.seed_attachments(assistant_id, 300)
        churned = [[store.create_file("c", b"x", "assistants")["id"] for _ in range(10)] for _ in range(2)]
        procs = [
            subprocess.Popen([sys.executable, "-c", CHURN, path, assistant_id, "40", *mine])
            for mine in churned
        ]
        try:
            for order in ("asc", "desc"):
                seen: list[str] = []
                page = store.list_attachments(assistant_id, limit=7, order=order)
                while True:
                    seen += [item["id"] for item in page["data"]]
                    if not page["has_more"]:
                        break
                    page = store.list_attachments(assistant_id, limit=7, order=order, after=page["last_id"])
                assert len(seen) == len(set(seen)), "nothing repeated"
                assert set(kept) <= set(seen), "every surviving attachment seen"
        finally:
            assert [proc.wait(timeout=120) for proc in procs] == [0, 0]
