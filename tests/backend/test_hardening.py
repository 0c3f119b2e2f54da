"""Regression tests for three defects: readers queued behind a waiting writer, JSON that
could not be answered once stored (and JSON the fast encoder declines), and chunked
uploads read whole into memory."""

from __future__ import annotations

import linecache
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.backend.routing import MAX_JSON_DEPTH
from tests.stores import Kind, open_kind

from .conftest import app_client, client_of, new_assistant

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def waiting_for_the_database(thread: threading.Thread) -> bool:
    """Whether ``thread`` is inside the store's ``BEGIN IMMEDIATE`` (waiting for SQLite's write lock)."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if "BEGIN IMMEDIATE" in linecache.getline(frame.f_code.co_filename, frame.f_lineno):
            return True
        frame = frame.f_back
    return False


def test_reads_do_not_queue_behind_a_writer_waiting_for_another_process(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    with Store.open(path, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        file_id = store.create_file("a.txt", b"a", "assistants")["id"]
        errors: list[BaseException] = []

        def attach() -> None:
            try:
                store.attach(assistant_id, file_id)
            except sqlite3.Error as err:  # reported by the assertion below
                errors.append(err)

        writer = threading.Thread(target=attach)
        with subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        ) as holder:
            assert holder.stdin is not None and holder.stdout is not None
            try:
                assert holder.stdout.readline().strip() == "locked"
                writer.start()
                while not waiting_for_the_database(writer):
                    assert writer.is_alive(), errors
                    time.sleep(0.01)
                listing = store.list_attachments(assistant_id)
                assert writer.is_alive(), "the listing waited until the writer gave up"
                assert listing["data"] == []
                assert store.get_file(file_id)["id"] == file_id
            finally:
                holder.stdin.write("\n")
                holder.stdin.flush()
                writer.join(timeout=60)
        assert errors == []
        assert store.get_assistant(assistant_id)["file_ids"] == [file_id]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/assistants", b'{"name": "\\udc00"}', "name"),
        ("/assistants", b'{"metadata": {"k": "a\\ud800b"}}', "metadata"),
        ("/assistants", b'{"metadata": {"\\udfff": "v"}}', "metadata"),
        ("/assistants", b'{"tools": [{"type": "function", "function": {"name": "f", "x": NaN}}]}', "tools"),
        ("/assistants", b'{"tools": [{"type": "function", "function": {"name": "f", "x": 1e999}}]}', "tools"),
        ("/vector_stores", b'{"name": "\\udc00"}', "name"),
        ("/vector_stores", b'{"metadata": {"k": "\\udc00"}}', "metadata"),
        ("/vector_stores", b'{"\\udc00": 1}', None),
    ],
)
async def test_json_that_could_not_be_answered_is_refused_and_nothing_is_written(
    client: httpx2.AsyncClient, path: str, body: bytes, param: str | None
) -> None:
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    listing = await client.get(path)
    assert listing.status_code == 200
    assert listing.json()["data"] == []
    assert await new_assistant(client)


@pytest.mark.anyio
async def test_a_tool_schema_nested_deeper_than_orjson_encodes_is_still_answered(
    client: httpx2.AsyncClient,
) -> None:
    """orjson gives up at 255 levels; json.dumps answers those (not a stored 500): ~485 here."""
    parameters: dict[str, object] = {"type": "string"}
    for _ in range(240):
        parameters = {"type": "object", "properties": {"x": parameters}}
    tools = [{"type": "function", "function": {"name": "deep", "parameters": parameters}}]
    created = await client.post("/assistants", json={"name": "deep", "tools": tools})
    assert created.status_code == 200, created.text
    assert created.json()["tools"] == tools
    fetched = await client.get(f"/assistants/{created.json()['id']}")
    listed = await client.get("/assistants")
    assert (fetched.status_code, listed.status_code) == (200, 200)
    assert fetched.json()["tools"] == listed.json()["data"][0]["tools"] == tools


@pytest.mark.anyio
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 700])
async def test_a_body_nested_deeper_than_the_limit_is_refused_and_listings_still_answer(
    client: httpx2.AsyncClient, depth: int
) -> None:
    """Stored, ~950 levels broke every later list of assistants (a 500): refused beyond 512."""
    body = '{"name": "deep", "tools": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"  # tools: level 2
    response = await client.post("/assistants", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == "tools"
    assert error["message"] == (
        f"Invalid 'tools': it is nested more than {MAX_JSON_DEPTH} levels deep "
        "(arrays and objects within each other); flatten it."
    )
    listing = await client.get("/assistants")
    assert (listing.status_code, listing.json()["data"]) == (200, [])


@pytest.mark.anyio
async def test_a_body_nested_exactly_to_the_limit_is_stored_and_listed(client: httpx2.AsyncClient) -> None:
    # body (level 1) > 'tools' > tool > function > parameters > 'x' (level 6) > lists down to the limit
    inner: object = "v"
    for _ in range(MAX_JSON_DEPTH - 5):
        inner = [inner]
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "x": inner}}}]
    created = await client.post("/assistants", json={"name": "at the limit", "tools": tools})
    assert created.status_code == 200, created.text
    listed = await client.get("/assistants")
    assert listed.status_code == 200
    assert listed.json()["data"][0]["tools"] == tools


@pytest.mark.anyio
async def test_an_integer_beyond_64_bits_in_a_tool_schema_is_answered_exactly(
    client: httpx2.AsyncClient,
) -> None:
    """orjson declines integers beyond 64 bits; json.dumps answers them, digit for digit."""
    big = 10**30 + 7
    parameters = {"type": "integer", "maximum": big, "minimum": -big}
    tools = [{"type": "function", "function": {"name": "big", "parameters": parameters}}]
    created = await client.post("/assistants", json={"name": "big", "tools": tools})
    assert created.status_code == 200, created.text
    fetched = await client.get(f"/assistants/{created.json()['id']}")
    assert str(big) in fetched.text
    assert fetched.json()["tools"] == tools


MiB = 1024 * 1024
BOUNDARY = "hardening0boundary"


async def multipart_chunks(size: int, sent: list[int]) -> AsyncIterator[bytes]:
    """A multipart upload of ``size`` bytes of text, 64 KiB at a time; ``sent[0]`` counts file bytes."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    piece = b"0123456789abcdef" * 4096
    for _ in range(size // len(piece)):
        sent[0] += len(piece)
        yield piece
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def upload_chunked(http: httpx2.AsyncClient, size: int, sent: list[int]) -> tuple[httpx2.Response, int]:
    """POST a chunked upload (no Content-Length); return the response and the peak traced memory."""
    tracemalloc.start()
    try:
        response = await http.post(
            "/files",
            content=multipart_chunks(size, sent),
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        return response, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.anyio
async def test_chunked_upload_is_stored_in_bounded_memory(store: Store) -> None:
    # Python's allocations only (libpq's buffers are not traced): tests/reliability/
    # test_postgres_pool.py reads a backend process's peak RSS for the whole picture.
    async with app_client(store) as http:
        sent = [0]
        response, peak = await upload_chunked(http, 48 * MiB, sent)
        assert response.status_code == 200, response.text
        assert "content-length" not in response.request.headers
        assert response.json()["bytes"] == sent[0] == 48 * MiB
        assert peak < 8 * MiB, f"the upload took {peak / MiB:.1f} MiB of memory"
        content = store.file_content(response.json()["id"])
        assert b"".join(store.file_pieces(content)) == b"0123456789abcdef" * (48 * MiB // 16)


@pytest.mark.anyio
async def test_chunked_upload_over_the_limit_stops_early_with_413(kind: Kind, tmp_path: Path) -> None:
    with open_kind(kind, tmp_path) as store:
        async with client_of(create_app(store, max_upload_bytes=4 * MiB)) as http:
            sent = [0]
            response, peak = await upload_chunked(http, 64 * MiB, sent)
            assert response.status_code == 413, response.text
            assert response.json()["error"]["param"] == "file"
            assert sent[0] <= 5 * MiB, "the body was read past the limit"
            assert peak < 4 * MiB
            assert (await http.get("/files")).json()["data"] == []
