"""NUL characters are refused with a 400 on every store, and a missing parent's 404 still comes first.

PostgreSQL cannot hold or even compare text with a NUL character: before these refusals an id,
cursor, purpose, name or filename holding one was a 500 there (and a 404 or a stored name on
SQLite). A list or a retrieve now asks whether its assistant or vector store exists only when
the answer cannot show it (an empty page, a refused argument, an item not found); the cases
below pin that the answers are the same as when the parent was checked first.
"""

from __future__ import annotations

import httpx2
import pytest

from .conftest import new_assistant

pytestmark = pytest.mark.anyio

NUL_SENTENCE = "holds a NUL character"


async def new_vector_store(client: httpx2.AsyncClient) -> str:
    response = await client.post("/vector_stores", json={"name": "nul"})
    assert response.status_code == 200, response.text
    vector_store_id: str = response.json()["id"]
    return vector_store_id


def refused(response: httpx2.Response, param: str | None) -> str:
    """The 400's message, after checking its shape and ``param``."""
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert NUL_SENTENCE in error["message"]
    assert response.headers["x-request-id"].startswith("req_")
    message: str = error["message"]
    return message


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/assistants", b'{"name": "a\\u0000b"}', "name"),
        ("/assistants", b'{"instructions": "\\u0000"}', "instructions"),
        ("/assistants", b'{"metadata": {"k\\u0000": "v"}}', "metadata"),
        ("/vector_stores", b'{"name": "a\\u0000b"}', "name"),
        ("/vector_stores", b'{"metadata": {"k": "v\\u0000"}}', "metadata"),
    ],
)
async def test_a_nul_character_in_a_json_body_is_refused_and_nothing_is_written(
    client: httpx2.AsyncClient, path: str, body: bytes, param: str
) -> None:
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert "remove it" in refused(response, param)
    listing = await client.get(path)
    assert listing.status_code == 200
    assert listing.json()["data"] == []


async def test_a_nul_character_in_a_path_segment_is_refused_on_every_route(
    client: httpx2.AsyncClient,
) -> None:
    assistant_id = await new_assistant(client)
    vector_store_id = await new_vector_store(client)
    for path in [
        "/assistants/a%00b",
        f"/assistants/{assistant_id}/files/file-%00",
        "/assistants/a%00b/files",
        "/files/file-%00",
        "/files/file-%00/content",
        "/vector_stores/vs_%00",
        f"/vector_stores/{vector_store_id}/files/file-%00",
    ]:
        message = refused(await client.get(path), None)
        assert message.endswith("check the id you sent."), path
    assert refused(await client.delete(f"/vector_stores/{vector_store_id}/files/x%00"), None)


@pytest.mark.parametrize("cursor", ["after", "before"])
async def test_a_nul_character_in_a_cursor_is_refused_whether_or_not_the_parent_exists(
    client: httpx2.AsyncClient, cursor: str
) -> None:
    assistant_id = await new_assistant(client)
    vector_store_id = await new_vector_store(client)
    for path in [
        f"/assistants/{assistant_id}/files",
        "/assistants/asst_missing/files",
        f"/vector_stores/{vector_store_id}/files",
        "/vector_stores/vs_missing/files",
        "/files",
        "/assistants",
    ]:
        message = refused(await client.get(path, params={cursor: "file-\x00"}), cursor)
        assert message.endswith(f"list again without '{cursor}' to start over."), path


async def test_a_nul_character_in_the_purpose_filter_or_an_upload_filename_is_refused(
    client: httpx2.AsyncClient,
) -> None:
    refused(await client.get("/files", params={"purpose": "assistants\x00"}), "purpose")
    body = (
        b'--B\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a\x00b.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhi\r\n--B--\r\n"
    )
    upload = await client.post(
        "/files", content=body, headers={"content-type": "multipart/form-data; boundary=B"}
    )
    assert refused(upload, "file").startswith("Invalid 'file' (its filename): it holds a NUL character")
    assert (await client.get("/files")).json()["data"] == []


@pytest.mark.parametrize(
    ("query", "parent"),
    [
        ({}, "assistant"),
        ({"after": "file-unknown"}, "assistant"),
        ({"before": "file-unknown"}, "assistant"),
    ],
)
async def test_listing_a_missing_assistant_is_its_404_before_its_cursor_is_judged(
    client: httpx2.AsyncClient, query: dict[str, str], parent: str
) -> None:
    response = await client.get("/assistants/asst_missing/files", params=query)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["message"] == f"No {parent} found with id 'asst_missing'."


@pytest.mark.parametrize(
    "query", [{}, {"after": "file-unknown"}, {"before": "file-unknown"}, {"filter": "completed"}]
)
async def test_listing_a_missing_or_deleted_vector_store_is_its_404(
    client: httpx2.AsyncClient, query: dict[str, str]
) -> None:
    vector_store_id = await new_vector_store(client)
    file_id = (
        await client.post("/files", files={"file": ("a.txt", b"text")}, data={"purpose": "assistants"})
    ).json()["id"]
    attached = await client.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": file_id})
    assert attached.status_code == 200, attached.text
    assert (await client.delete(f"/vector_stores/{vector_store_id}")).status_code == 200
    for missing in (vector_store_id, "vs_missing"):
        response = await client.get(f"/vector_stores/{missing}/files", params=query)
        assert response.status_code == 404, response.text
        assert response.json()["error"]["message"] == f"No vector store found with id '{missing}'."
        single = await client.get(f"/vector_stores/{missing}/files/{file_id}")
        assert single.status_code == 404, single.text
        assert single.json()["error"]["message"] == f"No vector store found with id '{missing}'."


async def test_a_listing_with_items_and_an_empty_one_both_answer_for_an_existing_assistant(
    client: httpx2.AsyncClient,
) -> None:
    assistant_id = await new_assistant(client)
    assert (await client.get(f"/assistants/{assistant_id}/files")).json()["data"] == []
    file_id = (
        await client.post("/files", files={"file": ("a.txt", b"text")}, data={"purpose": "assistants"})
    ).json()["id"]
    assert (
        await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
    ).status_code == 200
    page = (await client.get(f"/assistants/{assistant_id}/files")).json()
    assert [item["id"] for item in page["data"]] == [file_id]
    beyond = await client.get(f"/assistants/{assistant_id}/files", params={"after": file_id})
    assert (beyond.status_code, beyond.json()["data"]) == (200, [])
    unknown = await client.get(f"/assistants/{assistant_id}/files/file-unknown")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == (
        f"No file found with id 'file-unknown' attached to assistant '{assistant_id}'."
    )
    missing = await client.get("/assistants/asst_missing/files/" + file_id)
    assert missing.json()["error"]["message"] == "No assistant found with id 'asst_missing'."


def multipart(disposition: bytes) -> tuple[bytes, dict[str, str]]:
    """A multipart upload whose file part has ``disposition``, declaring ``charset=unicode_escape``."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        b"--B\r\nContent-Disposition: form-data; " + disposition + b"\r\n"
        b"Content-Type: text/plain\r\n\r\nhi\r\n--B--\r\n"
    )
    return body, {"content-type": "multipart/form-data; boundary=B; charset=unicode_escape"}


async def test_a_lone_surrogate_decoded_from_a_multipart_name_is_a_400_not_a_500(
    client: httpx2.AsyncClient,
) -> None:
    """Starlette decodes part names with the charset the request names (``unicode_escape`` makes surrogates)."""
    body, headers = multipart(b'name="file"; filename="a\\ud800.txt"')
    upload = await client.post("/files", content=body, headers=headers)
    assert upload.status_code == 400, upload.text
    assert upload.json()["error"]["param"] == "file"
    assert "lone UTF-16 surrogate" in upload.json()["error"]["message"]
    body, headers = multipart(b'name="x\\udc00"; filename="a.txt"')
    unknown = await client.post("/files", content=body, headers=headers)
    assert unknown.status_code == 400, unknown.text
    assert unknown.json()["error"]["message"] == "Unrecognized request argument supplied: x\\udc00."
    assert (await client.get("/files")).json()["data"] == []
