"""Smoke tests over real HTTP: uvicorn on a loopback ephemeral port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_assistant_files.backend.testing import serve_in_thread
from tests.stores import Kind, database, open_kind

from .conftest import BETA, check_contract

pytestmark = pytest.mark.anyio


async def test_contract_round_trip_over_loopback(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path) as db, serve_in_thread(db) as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        async with httpx2.AsyncClient(base_url=base_url, headers=BETA) as http:
            assistant_id = (await http.post("/assistants", json={"name": "smoke"})).json()["id"]
            upload = await http.post(
                "/files", files={"file": ("a.txt", b"hi")}, data={"purpose": "assistants"}
            )
            file_id = upload.json()["id"]
            responses = [
                await http.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id}),
                await http.get(f"/assistants/{assistant_id}/files", params={"limit": 1}),
                await http.get(f"/assistants/{assistant_id}/files/{file_id}"),
                await http.delete(f"/assistants/{assistant_id}/files/{file_id}"),
                await http.get(f"/assistants/{assistant_id}/files/{file_id}"),
                await http.get(f"/assistants/{assistant_id}/files", params={"limit": "x"}),
            ]
            for response in responses:
                check_contract(response)
            assert [r.status_code for r in responses] == [200, 200, 200, 200, 404, 400]
            health = await http.get(base_url.removesuffix("/v1") + "/healthz")
            assert health.json() == {"status": "ok"}


async def test_server_requires_keys_and_leaves_a_given_store_open(kind: Kind) -> None:
    with open_kind(kind) as store:
        with serve_in_thread(store, api_keys=["sk-test"]) as base_url:
            async with httpx2.AsyncClient(base_url=base_url, headers=BETA) as http:
                assert (await http.get("/assistants")).status_code == 401
                authed = await http.get("/assistants", headers={"Authorization": "Bearer sk-test"})
                assert authed.status_code == 200
        assert store.list_assistants()["data"] == []


def test_two_servers_get_different_ports() -> None:
    with serve_in_thread(":memory:") as first, serve_in_thread(":memory:") as second:
        assert first != second


async def test_vector_store_session_over_loopback_with_chunked_uploads(kind: Kind, tmp_path: Path) -> None:
    limit = 1024 * 1024
    with database(kind, tmp_path) as db, serve_in_thread(db, max_upload_bytes=limit) as base_url:
        async with httpx2.AsyncClient(base_url=base_url) as http:

            async def body(size: int) -> AsyncIterator[bytes]:
                yield b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
                yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\n\r\n'
                for _ in range(size // 1024):
                    yield b"text " * 204 + b"text"
                yield b"\r\n--b--\r\n"

            multipart = {"content-type": "multipart/form-data; boundary=b"}
            uploaded = await http.post("/files", content=body(limit), headers=multipart)
            check_contract(uploaded)
            assert uploaded.status_code == 200 and uploaded.json()["bytes"] == limit
            too_big = await http.post("/files", content=body(4 * limit), headers=multipart)
            assert too_big.status_code == 413 and too_big.json()["error"]["param"] == "file"

            file_id = uploaded.json()["id"]
            created = (await http.post("/vector_stores", json={"file_ids": [file_id]})).json()
            path = f"/vector_stores/{created['id']}/files/{file_id}"
            while (polled := await http.get(path)).json()["status"] == "in_progress":
                assert polled.headers["openai-poll-after-ms"] == "200"
                await anyio.sleep(0.01)
            check_contract(polled)
            assert polled.json()["usage_bytes"] == limit
            content = await http.get(path + "/content")
            check_contract(content)
            raw = await http.get(f"/files/{file_id}/content")
            assert raw.content == (b"text " * 204 + b"text") * (limit // 1024)
            assert "".join(part["text"] for part in content.json()["data"]).encode() == raw.content
