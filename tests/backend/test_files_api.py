"""The Files API: upload, paged listing, retrieve, delete (everywhere), content bytes."""

from __future__ import annotations

import httpx2
import pytest

from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.backend.text import decode

from .conftest import client_of, error_of, ingest, new_assistant, new_vector_store, ok, upload

pytestmark = pytest.mark.anyio


async def test_listing_pages_with_after_limit_order_and_purpose(http: httpx2.AsyncClient) -> None:
    files = [await upload(http, purpose="assistants" if n % 3 else "batch") for n in range(9)]
    everything = ok(await http.get("/files"))
    assert [f["id"] for f in everything["data"]] == files[::-1], "newest first, all at once by default"
    assert (everything["first_id"], everything["last_id"], everything["has_more"]) == (
        files[-1],
        files[0],
        False,
    )
    first = ok(await http.get("/files", params={"limit": 4, "order": "asc"}))
    assert ([f["id"] for f in first["data"]], first["has_more"]) == (files[:4], True)
    rest = ok(await http.get("/files", params={"limit": 10_000, "order": "asc", "after": first["last_id"]}))
    assert ([f["id"] for f in rest["data"]], rest["has_more"]) == (files[4:], False)
    batch = ok(await http.get("/files", params={"purpose": "batch", "order": "asc"}))
    assert [f["id"] for f in batch["data"]] == files[::3]
    assert ok(await http.get("/files", params={"purpose": "vision"}))["data"] == []
    for query in ({"limit": "0"}, {"limit": "10001"}, {"order": "sideways"}, {"after": "file-nope"}):
        error_of(await http.get("/files", params=query), 400)


async def test_a_deleted_files_cursor_keeps_its_place(http: httpx2.AsyncClient) -> None:
    files = [await upload(http) for _ in range(5)]
    ok(await http.delete(f"/files/{files[2]}"))
    after = ok(await http.get("/files", params={"order": "asc", "after": files[2]}))
    assert [f["id"] for f in after["data"]] == files[3:]


async def test_content_is_the_uploaded_bytes(http: httpx2.AsyncClient) -> None:
    data = bytes(range(256)) * 5000
    file_id = await upload(http, data=data, name="blob.bin")
    response = await http.get(f"/files/{file_id}/content", headers={"accept": "application/binary"})
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''blob.bin"
    empty = await upload(http, data=b"")
    assert (await http.get(f"/files/{empty}/content")).content == b""
    error_of(await http.get("/files/file-nope/content"), 404)


async def test_delete_removes_the_file_from_every_vector_store_and_assistant(
    http: httpx2.AsyncClient, client: httpx2.AsyncClient, store: Store
) -> None:
    file_id, other = await upload(http, data=b"shared text"), await upload(http)
    stores = [await new_vector_store(http, file_ids=[file_id, other]) for _ in range(2)]
    ingest(store)
    assistant_id = await new_assistant(client)
    ok(await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id}))

    deleted = ok(await http.delete(f"/files/{file_id}"))
    assert deleted == {"id": file_id, "object": "file", "deleted": True}
    error_of(await http.get(f"/files/{file_id}"), 404)
    error_of(await http.delete(f"/files/{file_id}"), 404)
    assert file_id not in [f["id"] for f in ok(await http.get("/files"))["data"]]
    for vector_store_id in stores:
        error_of(await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}"), 404)
        counts = ok(await http.get(f"/vector_stores/{vector_store_id}"))["file_counts"]
        assert (counts["total"], counts["completed"]) == (1, 1)
    assert ok(await client.get(f"/assistants/{assistant_id}/files"))["data"] == []
    error_of(await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id}), 404)
    error_of(await http.post(f"/vector_stores/{stores[0]}/files", json={"file_id": file_id}), 404)


async def test_a_file_deleted_during_ingestion_is_not_resurrected(
    http: httpx2.AsyncClient, store: Store
) -> None:
    file_id = await upload(http, data=b"text")
    vector_store_id = await new_vector_store(http, file_ids=[file_id])
    (job,) = store.pending_files()
    ok(await http.delete(f"/files/{file_id}"))
    assert store.pending_files() == []
    assert store.record_ingestion(job, decode(lambda: [b"text"], 4)) is False
    assert store.parsed_text(file_id) is None
    assert ok(await http.get(f"/vector_stores/{vector_store_id}"))["file_counts"]["total"] == 0


@pytest.mark.parametrize(
    ("data", "files", "param"),
    [
        ({"purpose": "assistants", "expires_after[anchor]": "created_at"}, True, "expires_after[anchor]"),
        ({"purpose": "assistants", "colour": "blue"}, True, "colour"),
        ({"purpose": "fun"}, True, "purpose"),
        ({}, True, "purpose"),
        ({"purpose": "assistants"}, False, "file"),
    ],
)
async def test_bad_uploads_are_400_naming_the_field(
    http: httpx2.AsyncClient, data: dict[str, str], files: bool, param: str
) -> None:
    response = await http.post("/files", data=data, files={"file": ("a.txt", b"x")} if files else None)
    error = error_of(response, 400)
    assert error["param"] == param
    if param.startswith("expires_after"):
        assert "upload without expires_after" in error["message"]


async def test_non_multipart_uploads_are_refused(http: httpx2.AsyncClient) -> None:
    error = error_of(await http.post("/files", json={"file": "x", "purpose": "assistants"}), 400)
    assert "multipart/form-data" in error["message"]
    two = await http.post(
        "/files", data={"purpose": "assistants"}, files=[("file", ("a", b"a")), ("file", ("b", b"b"))]
    )
    assert "Too many files" in error_of(two, 400)["message"]


async def test_uploads_over_the_limit_announced_by_content_length_are_413(store: Store) -> None:
    async with client_of(create_app(store, max_upload_bytes=10), base_url="http://t/v1") as small:
        fits = await small.post("/files", data={"purpose": "assistants"}, files={"file": ("a", b"x" * 10)})
        assert fits.status_code == 200
        over = await small.post("/files", data={"purpose": "assistants"}, files={"file": ("a", b"x" * 11)})
        assert error_of(over, 413)["param"] == "file"
        huge = await small.post(
            "/files",
            content=b"x" * 100_000,
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        assert error_of(huge, 413)["param"] == "file"
