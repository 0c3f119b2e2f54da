"""The local backend's database under several writer processes and under ``kill -9``."""

from __future__ import annotations

import random
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Store
from tests.backend.test_concurrency import WORKER, prepare, script

from .processes import attach_loop, free_port, running

# Attaches forever (bounded by a count), one file at a time; prints each id once its attach returned.
ATTACHER = """
import sys
from mcp_assistant_files.backend import Store
path, assistant_id, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Store.open(path, max_files_per_assistant=0) as store:
    for n in range(limit):
        file_id = store.create_file(f"k{n}.txt", b"k" * 64, "assistants")["id"]
        store.attach(assistant_id, file_id)
        if n % 3 == 0:
            store.detach(assistant_id, file_id)
            store.attach(assistant_id, file_id)
        sys.stdout.write(file_id + "\\n")
        sys.stdout.flush()
"""
ACK_TIMEOUT = 20.0


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def read_acks(proc: subprocess.Popen[str], count: int) -> list[str]:
    """Read ``count`` acknowledged ids from ``proc`` (bounded by ``ACK_TIMEOUT``)."""
    assert proc.stdout is not None
    acks: list[str] = []
    deadline = time.monotonic() + ACK_TIMEOUT
    while len(acks) < count and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            acks.append(line.strip())
    return acks


def drain_acks(proc: subprocess.Popen[str]) -> list[str]:
    """Every complete line the killed process had flushed."""
    assert proc.stdout is not None
    return [line.strip() for line in proc.stdout.read().split("\n")[:-1]]  # a torn last line is not an ack


@pytest.mark.slow
def test_eight_writer_processes_end_where_a_serial_run_does(tmp_path: Path) -> None:
    workers, per_worker = 8, 30
    path = tmp_path / "eight.sqlite3"

    with Store.open(path) as store:
        assistant_id, shared, own = prepare(store, workers, per_worker)
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), assistant_id, ",".join(shared), *mine])
        for mine in own
    ]
    try:
        codes = [proc.wait(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert codes == [0] * workers

    with Store.open(":memory:", max_files_per_assistant=0) as serial:
        serial_assistant, serial_shared, serial_own = prepare(serial, workers, per_worker)
        for mine in serial_own:
            script(serial, serial_assistant, serial_shared, mine)
        rename = dict(
            zip(serial_shared + sum(serial_own, []), shared + sum(own, []), strict=True)  # noqa: RUF017
        )
        expected = {rename[f] for f in serial.get_assistant(serial_assistant)["file_ids"]}

    assert integrity(path) == "ok"
    with Store.open(path, max_files_per_assistant=0) as store:
        live = store.get_assistant(assistant_id)["file_ids"]
    assert len(live) == len(set(live))
    assert set(live) == expected


@pytest.mark.slow
def test_kill_9_in_the_middle_of_writes_keeps_every_acknowledged_attach_and_a_sound_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "killed.sqlite3"
    with Store.open(path, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
    rng = random.Random(9)
    acknowledged: list[str] = []
    for _round in range(3):
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", ATTACHER, str(path), assistant_id, "100000"],
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        try:
            for writer in writers:
                acknowledged += read_acks(writer, rng.randint(20, 120))
            for writer in writers:
                writer.send_signal(signal.SIGKILL)
            for writer in writers:
                writer.wait(timeout=10)
                acknowledged += drain_acks(writer)
        finally:
            for writer in writers:
                if writer.poll() is None:
                    writer.kill()
                    writer.wait(timeout=10)
            for writer in writers:
                if writer.stdout is not None:
                    writer.stdout.close()
        assert all(writer.returncode == -signal.SIGKILL for writer in writers), (
            "killed mid-loop, not finished"
        )
        assert integrity(path) == "ok"
        with Store.open(path, max_files_per_assistant=0) as store:
            live = set(store.get_assistant(assistant_id)["file_ids"])
        missing = [file_id for file_id in acknowledged if file_id not in live]
        assert missing == []
    print(f"\nkill -9: 3 rounds x 2 writers, {len(acknowledged)} acknowledged attaches all present")  # noqa: T201
    assert len(acknowledged) >= 3 * 2 * 20


@pytest.mark.slow
def test_kill_9_of_the_backend_process_keeps_every_attach_it_answered(tmp_path: Path) -> None:
    """The HTTP view: a 200 from ``mcp-assistant-files backend`` survives its ``kill -9``."""
    db = tmp_path / "served.sqlite3"
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        files = [store.create_file(f"{n}.txt", b"x", "assistants")["id"] for n in range(2000)]
    port = free_port()
    args = [
        "backend",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db),
        "--max-files-per-assistant",
        "0",
    ]
    answered: list[str] = []
    stop = threading.Event()

    with running(args, ready_url=f"http://127.0.0.1:{port}/healthz", log=tmp_path / "backend.log") as backend:
        threads = [
            threading.Thread(
                target=attach_loop,
                args=(f"http://127.0.0.1:{port}/v1", assistant_id, files[i::4], answered, stop),
                daemon=True,
            )
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + ACK_TIMEOUT
        while len(answered) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        backend.send_signal(signal.SIGKILL)
        backend.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert all(not thread.is_alive() for thread in threads)
    assert 150 <= len(answered) < len(files), "killed in the middle of the writes"
    assert integrity(db) == "ok"
    with Store.open(db, max_files_per_assistant=0) as store:
        live = set(store.get_assistant(assistant_id)["file_ids"])
    assert [file_id for file_id in answered if file_id not in live] == []
    print(f"\nbackend kill -9: {len(answered)} answered attaches, all present; {len(live)} live")  # noqa: T201
