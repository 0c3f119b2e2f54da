"""The four contract endpoints and the assistant/file endpoints, in process over ASGI."""

from __future__ import annotations

import httpx2
import pytest

from .conftest import new_assistant, upload

pytestmark = pytest.mark.anyio


async def test_attach_returns_assistant_file_object(client: httpx2.AsyncClient) -> None:
    assistant_id, file_id = await new_assistant(client), await upload(client)
    response = await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": file_id,
        "object": "assistant.file",
        "created_at": body["created_at"],
        "assistant_id": assistant_id,
    }


async def test_attach_is_idempotent(client: httpx2.AsyncClient) -> None:
    assistant_id, file_id = await new_assistant(client), await upload(client)
    first = await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
    again = await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
    assert again.status_code == 200
    assert again.json() == first.json()
    listing = (await client.get(f"/assistants/{assistant_id}/files")).json()
    assert [item["id"] for item in listing["data"]] == [file_id]


async def test_retrieve_and_detach(client: httpx2.AsyncClient) -> None:
    assistant_id, file_id = await new_assistant(client), await upload(client)
    attached = (await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})).json()
    got = await client.get(f"/assistants/{assistant_id}/files/{file_id}")
    assert got.json() == attached
    deleted = await client.delete(f"/assistants/{assistant_id}/files/{file_id}")
    assert deleted.json() == {"id": file_id, "object": "assistant.file.deleted", "deleted": True}
    assert (await client.get(f"/assistants/{assistant_id}/files/{file_id}")).status_code == 404
    again = await client.delete(f"/assistants/{assistant_id}/files/{file_id}")
    assert again.status_code == 404
    assert file_id in again.json()["error"]["message"]
    assert (await client.get(f"/files/{file_id}")).status_code == 200, "detach keeps the file"


async def test_empty_listing_has_null_ids_and_no_items_key(client: httpx2.AsyncClient) -> None:
    assistant_id = await new_assistant(client)
    body = (await client.get(f"/assistants/{assistant_id}/files")).json()
    assert body == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


async def test_assistant_object_lists_attached_file_ids(client: httpx2.AsyncClient) -> None:
    file_ids = [await upload(client) for _ in range(2)]
    assistant = (
        await client.post("/assistants", json={"model": "gpt-4", "name": "helper", "file_ids": file_ids})
    ).json()
    assert assistant["object"] == "assistant"
    assert assistant["id"].startswith("asst_") and len(assistant["id"]) == 29
    assert assistant["file_ids"] == file_ids
    assert assistant["tools"] == [] and assistant["metadata"] == {}
    fetched = (await client.get(f"/assistants/{assistant['id']}")).json()
    assert fetched == assistant
    listed = (await client.get("/assistants", params={"order": "asc"})).json()
    assert [a["id"] for a in listed["data"]] == [assistant["id"]]


async def test_upload_file_stores_metadata(client: httpx2.AsyncClient) -> None:
    response = await client.post(
        "/files", files={"file": ("report.pdf", b"%PDF-1.4 x")}, data={"purpose": "assistants"}
    )
    body = response.json()
    assert body["id"].startswith("file-") and len(body["id"]) == 29
    assert (body["object"], body["bytes"], body["filename"], body["purpose"]) == (
        "file",
        10,
        "report.pdf",
        "assistants",
    )
    assert (await client.get(f"/files/{body['id']}")).json() == body
    listing = (await client.get("/files", params={"purpose": "assistants"})).json()
    assert [f["id"] for f in listing["data"]] == [body["id"]]
    assert (await client.get("/files", params={"purpose": "batch"})).json()["data"] == []


async def test_healthz(client: httpx2.AsyncClient) -> None:
    response = await client.get("http://127.0.0.1/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
