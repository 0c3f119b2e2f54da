"""The ingestion worker: woken at once by attaches in this process, finding other processes'
files by polling, idempotent, never recording a stale outcome, stopping when cancelled."""

from __future__ import annotations

from pathlib import Path

import anyio
import anyio.lowlevel
import anyio.to_thread
import httpx2
import pytest

from mcp_assistant_files.backend import Ingestor, Store, create_app
from mcp_assistant_files.backend.testing import serve_in_thread
from mcp_assistant_files.backend.text import decode
from mcp_assistant_files.backend.vector_store_validation import FileAttach, file_attach
from tests.stores import Kind, database

from .conftest import client_of, ok

pytestmark = pytest.mark.anyio

#: A worker that would take an hour to look at the database on its own: only a wake-up moves it.
NEVER = 3600.0
#: Guards against a hang; a passing run takes milliseconds.
HANG_GUARD = 60


async def until_completed(store: Store, vector_store_id: str, file_id: str) -> dict[str, object]:
    with anyio.fail_after(HANG_GUARD):
        # Polling, as a client does (openai-python's poll helpers too).
        while (found := store.get_vector_store_file(vector_store_id, file_id))["status"] == "in_progress":  # noqa: ASYNC110
            await anyio.sleep(0.005)
    return found


async def test_an_attach_over_http_wakes_the_worker_at_once(store: Store) -> None:
    async with (
        Ingestor(store, poll_interval=NEVER).running(),
        client_of(create_app(store)) as http,
    ):
        file_id = ok(
            await http.post("/files", files={"file": ("a.txt", b"woken")}, data={"purpose": "assistants"})
        )["id"]
        vector_store_id = ok(await http.post("/vector_stores", json={"file_ids": [file_id]}))["id"]
        found = await until_completed(store, vector_store_id, file_id)
        assert found["usage_bytes"] == 5


async def test_attaches_from_this_thread_and_other_threads_wake_it(store: Store) -> None:
    vector_store_id = store.create_vector_store()["id"]
    first, second = (store.create_file(f"{n}.txt", b"text", "assistants")["id"] for n in range(2))
    async with Ingestor(store, poll_interval=NEVER).running():
        store.attach_vector_store_file(vector_store_id, FileAttach(first))  # the event loop's thread
        await until_completed(store, vector_store_id, first)
        await anyio.to_thread.run_sync(store.attach_vector_store_file, vector_store_id, FileAttach(second))
        await until_completed(store, vector_store_id, second)


async def test_files_another_process_attached_are_found_by_polling(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as path, Store.open(path) as worker_side, Store.open(path) as other_process:
        vector_store_id = other_process.create_vector_store()["id"]
        file_id = other_process.create_file("a.txt", b"polled", "assistants")["id"]
        async with Ingestor(worker_side, poll_interval=0.01).running():
            other_process.attach_vector_store_file(
                vector_store_id, FileAttach(file_id)
            )  # no wake-up reaches it
            await until_completed(worker_side, vector_store_id, file_id)


def test_process_pending_is_idempotent_and_records_no_stale_outcome(store: Store) -> None:
    vector_store_id = store.create_vector_store()["id"]
    file_id = store.create_file("a.txt", b"first", "assistants")["id"]
    store.attach_vector_store_file(vector_store_id, FileAttach(file_id))
    (stale,) = store.pending_files()
    store.detach_vector_store_file(vector_store_id, file_id)
    store.attach_vector_store_file(vector_store_id, FileAttach(file_id, {"again": True}))
    assert store.record_ingestion(stale, decode(lambda: [b"stale"], 5)) is False, "an older attempt"
    assert store.get_vector_store_file(vector_store_id, file_id)["status"] == "in_progress"
    ingestor = Ingestor(store)
    assert ingestor.process_pending() == 1
    assert ingestor.process_pending() == 0
    found = store.get_vector_store_file(vector_store_id, file_id)
    assert (found["status"], found["usage_bytes"], found["attributes"]) == ("completed", 5, {"again": True})


def test_a_file_in_two_stores_shares_its_text_and_is_chunked_per_store(store: Store) -> None:
    file_id = store.create_file("a.txt", b"shared text " * 1000, "assistants")["id"]
    small = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0}}
    first, second = (store.create_vector_store()["id"] for _ in range(2))
    store.attach_vector_store_file(first, file_attach({"file_id": file_id}))
    store.attach_vector_store_file(second, file_attach({"file_id": file_id, "chunking_strategy": small}))
    assert Ingestor(store).process_pending() == 2
    auto, fine = (store.vector_store_file_content(vs, file_id)["data"] for vs in (first, second))
    assert (len(auto), len(fine)) == (7, 31), "3,200-character windows every ~1,600; 400 with no overlap"
    parsed = store.parsed_text(file_id)
    assert parsed is not None
    assert "".join(p["text"] for p in auto) == "".join(p["text"] for p in fine) == parsed.text


async def test_cancelling_the_worker_stops_it_and_later_attaches_do_not_fail(store: Store) -> None:
    ingestor = Ingestor(store, poll_interval=NEVER)
    async with anyio.create_task_group() as group:
        group.start_soon(ingestor.run)
        await anyio.lowlevel.checkpoint()
        group.cancel_scope.cancel()
    vector_store_id = store.create_vector_store()["id"]
    file_id = store.create_file("a.txt", b"later", "assistants")["id"]
    assert store.attach_vector_store_file(vector_store_id, FileAttach(file_id))["status"] == "in_progress"
    assert ingestor.process_pending() == 1


def test_a_poll_interval_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError, match="positive"):
        Ingestor(store, poll_interval=0)


async def test_the_standalone_server_runs_the_worker(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as db, serve_in_thread(db) as base_url:
        async with httpx2.AsyncClient(base_url=base_url) as http:
            file_id = ok(
                await http.post(
                    "/files", files={"file": ("a.txt", b"served")}, data={"purpose": "assistants"}
                )
            )["id"]
            vector_store_id = ok(await http.post("/vector_stores", json={"file_ids": [file_id]}))["id"]
            with anyio.fail_after(HANG_GUARD):
                while ok(await http.get(f"/vector_stores/{vector_store_id}"))["status"] != "completed":  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            assert ok(await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}"))["usage_bytes"] == 6
