"""Bad vector-store requests get OpenAI's error envelope, the right status and ``param``, and a
sentence that says what to fix; nothing is written; no ``OpenAI-Beta`` header is needed."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from mcp_assistant_files.backend import Store

from .conftest import check_contract, error_of, new_vector_store, ok, upload

pytestmark = pytest.mark.anyio

TOO_MANY = {f"k{n}": n for n in range(17)}


@pytest.mark.parametrize(
    ("attributes", "fix"),
    [
        ("x", "an object or null"),
        ([1], "an object or null"),
        (TOO_MANY, "at most 16 keys"),
        ({"k" * 65: "v"}, "longer than 64"),
        ({"k": "v" * 513}, "longer than 512"),
        ({"k": None}, "a string, a number or a boolean"),
        ({"k": [1]}, "a string, a number or a boolean"),
        ({"k": {"nested": 1}}, "a string, a number or a boolean"),
    ],
)
async def test_bad_attributes_are_400_on_attach_update_and_batch(
    http: httpx2.AsyncClient, store: Store, attributes: object, fix: str
) -> None:
    vector_store_id, file_id = await new_vector_store(http), await upload(http)
    path = f"/vector_stores/{vector_store_id}"
    attach = error_of(
        await http.post(f"{path}/files", json={"file_id": file_id, "attributes": attributes}), 400
    )
    assert (attach["param"], fix in attach["message"]) == ("attributes", True), attach
    batch = await http.post(
        f"{path}/file_batches", json={"files": [{"file_id": file_id, "attributes": attributes}]}
    )
    assert error_of(batch, 400)["param"] == "files[0].attributes"
    assert store.list_vector_store_files(vector_store_id)["data"] == [], "nothing was attached"
    ok(await http.post(f"{path}/files", json={"file_id": file_id}))
    update = error_of(await http.post(f"{path}/files/{file_id}", json={"attributes": attributes}), 400)
    assert update["param"] == "attributes"


async def test_attributes_at_the_limits_are_accepted(http: httpx2.AsyncClient) -> None:
    vector_store_id, file_id = await new_vector_store(http), await upload(http)
    attributes: dict[str, Any] = {f"{n:064d}": "v" * 512 for n in range(14)}
    attributes |= {"number": -1.5e300, "flag": True}
    created = ok(
        await http.post(
            f"/vector_stores/{vector_store_id}/files", json={"file_id": file_id, "attributes": attributes}
        )
    )
    assert created["attributes"] == attributes


@pytest.mark.parametrize(
    ("strategy", "param"),
    [
        ("auto", "chunking_strategy"),
        ({"type": "semantic"}, "chunking_strategy.type"),
        ({"type": "auto", "static": {}}, "chunking_strategy.type"),
        ({"type": "static"}, "chunking_strategy.static"),
        ({"type": "auto", "extra": 1}, "chunking_strategy.extra"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 99, "chunk_overlap_tokens": 0}}, "chunking_strategy.static.max_chunk_size_tokens"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 4097, "chunk_overlap_tokens": 0}}, "chunking_strategy.static.max_chunk_size_tokens"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 800.0, "chunk_overlap_tokens": 0}}, "chunking_strategy.static.max_chunk_size_tokens"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 401}}, "chunking_strategy.static.chunk_overlap_tokens"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": -1}}, "chunking_strategy.static.chunk_overlap_tokens"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 800}}, "chunking_strategy.static.chunk_overlap_tokens"),
        ({"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 1, "x": 1}}, "chunking_strategy.static.x"),
    ],
)  # fmt: skip
async def test_bad_chunking_strategies_are_400_naming_the_field(
    http: httpx2.AsyncClient, strategy: object, param: str
) -> None:
    vector_store_id, file_id = await new_vector_store(http), await upload(http)
    for path, body in [
        (f"/vector_stores/{vector_store_id}/files", {"file_id": file_id, "chunking_strategy": strategy}),
        (
            f"/vector_stores/{vector_store_id}/file_batches",
            {"file_ids": [file_id], "chunking_strategy": strategy},
        ),
        ("/vector_stores", {"file_ids": [file_id], "chunking_strategy": strategy}),
    ]:
        assert error_of(await http.post(path, json=body), 400)["param"] == param, path


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"colour": "blue"}, "colour"),
        ({"name": 5}, "name"),
        ({"name": "x" * 257}, "name"),
        ({"description": "x" * 513}, "description"),
        ({"metadata": {"k": 1}}, "metadata"),
        ({"metadata": {f"k{n}": "v" for n in range(17)}}, "metadata"),
        ({"file_ids": "file-x"}, "file_ids"),
        ({"file_ids": [""]}, "file_ids"),
        ({"file_ids": ["file-x"] * 501}, "file_ids"),
        ({"file_ids": ["file-unknown"]}, "file_ids[0]"),
        ({"expires_after": {"anchor": "created_at", "days": 1}}, "expires_after.anchor"),
        ({"expires_after": {"anchor": "last_active_at", "days": 366}}, "expires_after.days"),
        ({"expires_after": {"anchor": "last_active_at", "days": True}}, "expires_after.days"),
        ({"expires_after": 7}, "expires_after"),
    ],
)
async def test_bad_create_store_bodies_are_400_and_create_nothing(
    http: httpx2.AsyncClient, store: Store, body: dict[str, Any], param: str
) -> None:
    response = await http.post("/vector_stores", json=body)
    assert error_of(response, 400 if param != "file_ids[0]" else 404)["param"] == param
    assert store.list_vector_stores()["data"] == []


async def test_bad_update_bodies_are_400(http: httpx2.AsyncClient) -> None:
    vector_store_id = await new_vector_store(http, name="kept")
    for body, param in [
        ({"file_ids": []}, "file_ids"),
        ({"name": 1}, "name"),
        ({"metadata": []}, "metadata"),
    ]:
        assert (
            error_of(await http.post(f"/vector_stores/{vector_store_id}", json=body), 400)["param"] == param
        )
    assert ok(await http.get(f"/vector_stores/{vector_store_id}"))["name"] == "kept"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "file_ids"),
        ({"file_ids": ["a"], "files": [{"file_id": "a"}]}, "file_ids"),
        ({"file_ids": []}, "file_ids"),
        ({"file_ids": [f"file-{n}" for n in range(2001)]}, "file_ids"),
        ({"files": []}, "files"),
        ({"files": [{"attributes": {}}]}, "files[0].file_id"),
        ({"files": ["file-x"]}, "files[0]"),
        ({"files": [{"file_id": "file-x", "colour": 1}]}, "files[0].colour"),
        ({"file_ids": ["file-x"], "colour": 1}, "colour"),
    ],
)
async def test_bad_batch_bodies_are_400(http: httpx2.AsyncClient, body: dict[str, Any], param: str) -> None:
    vector_store_id = await new_vector_store(http)
    response = await http.post(f"/vector_stores/{vector_store_id}/file_batches", json=body)
    assert error_of(response, 400)["param"] == param


async def test_a_batch_with_one_unknown_file_attaches_nothing(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id, file_id = await new_vector_store(http), await upload(http)
    for body, param in [
        ({"file_ids": [file_id, "file-unknown"]}, "file_ids[1]"),
        ({"files": [{"file_id": file_id}, {"file_id": "file-unknown"}]}, "files[1]"),
    ]:
        response = await http.post(f"/vector_stores/{vector_store_id}/file_batches", json=body)
        assert error_of(response, 404)["param"] == param
    assert store.list_vector_store_files(vector_store_id)["data"] == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "file_id"),
        ({"file_id": 7}, "file_id"),
        ({"file_id": ""}, "file_id"),
        ({"file_id": "file-x", "extra": 1}, "extra"),
    ],
)
async def test_bad_attach_bodies_are_400(http: httpx2.AsyncClient, body: dict[str, Any], param: str) -> None:
    vector_store_id = await new_vector_store(http)
    assert (
        error_of(await http.post(f"/vector_stores/{vector_store_id}/files", json=body), 400)["param"] == param
    )


async def test_update_needs_attributes(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id, file_id = await new_vector_store(http), await upload(http)
    ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": file_id}))
    error = error_of(await http.post(f"/vector_stores/{vector_store_id}/files/{file_id}", json={}), 400)
    assert error["param"] == "attributes" and "null to clear" in error["message"]


async def test_files_of_other_purposes_are_refused(http: httpx2.AsyncClient) -> None:
    vector_store_id = await new_vector_store(http)
    batch_file = await upload(http, purpose="batch")
    error = error_of(
        await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": batch_file}), 400
    )
    assert error["param"] == "file_id" and "'assistants' or 'user_data'" in error["message"]
    user_data = await upload(http, purpose="user_data")
    ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": user_data}))


async def test_unknown_ids_are_404_naming_them(http: httpx2.AsyncClient) -> None:
    vector_store_id, file_id = await new_vector_store(http), await upload(http)
    missing_store = error_of(await http.get("/vector_stores/vs_nope"), 404)
    assert missing_store["message"] == "No vector store found with id 'vs_nope'."
    for method, path in [
        ("GET", "/vector_stores/vs_nope/files"),
        ("POST", "/vector_stores/vs_nope"),
        ("DELETE", "/vector_stores/vs_nope"),
        ("GET", f"/vector_stores/vs_nope/files/{file_id}"),
        ("GET", "/vector_stores/vs_nope/file_batches/vsfb_x"),
    ]:
        assert "vs_nope" in error_of(await http.request(method, path, json={}), 404)["message"]
    attach = error_of(
        await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": "file-x"}), 404
    )
    assert (attach["message"], attach["param"]) == ("No file found with id 'file-x'.", "file_id")
    not_attached = error_of(await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}"), 404)
    assert (
        not_attached["message"] == f"No file found with id '{file_id}' in vector store '{vector_store_id}'."
    )
    for suffix in ("", "/cancel", "/files"):
        method = "POST" if suffix == "/cancel" else "GET"
        path = f"/vector_stores/{vector_store_id}/file_batches/vsfb_nope{suffix}"
        assert (
            "No file batch found with id 'vsfb_nope'"
            in error_of(await http.request(method, path), 404)["message"]
        )


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"filter": "done"}, "filter"),
        ({"filter": ""}, "filter"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"order": "up"}, "order"),
        ({"after": "file-unknown"}, "after"),
        ({"before": "file-unknown"}, "before"),
    ],
)
async def test_bad_list_parameters_are_400_with_param(
    http: httpx2.AsyncClient, query: dict[str, str], param: str
) -> None:
    vector_store_id = await new_vector_store(http)
    batch_file = await upload(http)
    batch = ok(
        await http.post(f"/vector_stores/{vector_store_id}/file_batches", json={"file_ids": [batch_file]})
    )
    for path in (
        f"/vector_stores/{vector_store_id}/files",
        f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}/files",
    ):
        assert error_of(await http.get(path, params=query), 400)["param"] == param, path
    if param != "filter":
        assert error_of(await http.get("/vector_stores", params=query), 400)["param"] == param


async def test_no_beta_header_is_needed_and_any_is_accepted(http: httpx2.AsyncClient) -> None:
    vector_store_id = await new_vector_store(http)
    for beta in ({}, {"OpenAI-Beta": "assistants=v2"}, {"OpenAI-Beta": "assistants=v1"}):
        ok(await http.get(f"/vector_stores/{vector_store_id}", headers=beta))


async def test_wrong_methods_are_405_in_the_envelope(http: httpx2.AsyncClient) -> None:
    for method, path in [
        ("PUT", "/vector_stores"),
        ("PATCH", "/vector_stores/vs_x"),
        ("DELETE", "/vector_stores/vs_x/file_batches/vsfb_x"),
        ("GET", "/vector_stores/vs_x/file_batches/vsfb_x/cancel"),
        ("POST", "/vector_stores/vs_x/files/file-x/content"),
        ("PUT", "/files/file-x"),
    ]:
        response = await http.request(method, path)
        error_of(response, 405)
        check_contract(response)


async def test_a_store_holds_at_most_ten_thousand_files(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    store.seed_vector_store_files(vector_store_id, 9_999)
    first, second, third = [await upload(http) for _ in range(3)]
    ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": first}))
    full = error_of(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": second}), 400)
    assert (full["code"], full["param"]) == ("max_files_exceeded", "file_id")
    assert "maximum is 10000" in full["message"] and "Detach files" in full["message"]
    batch = await http.post(
        f"/vector_stores/{vector_store_id}/file_batches", json={"file_ids": [second, third]}
    )
    assert error_of(batch, 400)["code"] == "max_files_exceeded"
    (
        ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": first})),
        "re-attaching is fine",
    )
    ok(await http.delete(f"/vector_stores/{vector_store_id}/files/{first}"))
    ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": second}))
