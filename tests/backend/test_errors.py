"""Bad input gets OpenAI's error envelope with the right status and ``param``; never a 5xx."""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager

import httpx2
import pytest

from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.backend.store import AsyncStore

from .conftest import BETA, check_contract, client_of, error_of, new_assistant, upload

pytestmark = pytest.mark.anyio


async def test_unknown_assistant_is_404_naming_it(client: httpx2.AsyncClient) -> None:
    error = error_of(await client.get("/assistants/asst_nope/files"), 404)
    assert error["message"] == "No assistant found with id 'asst_nope'."
    assert error["type"] == "invalid_request_error"
    error_of(await client.get("/assistants/asst_nope"), 404)


async def test_unknown_file_is_404_naming_it(client: httpx2.AsyncClient) -> None:
    assistant_id = await new_assistant(client)
    error = error_of(await client.post(f"/assistants/{assistant_id}/files", json={"file_id": "file-x"}), 404)
    assert error["message"] == "No file found with id 'file-x'."
    error_of(await client.get("/files/file-x"), 404)
    error_of(await client.get(f"/assistants/{assistant_id}/files/file-x"), 404)


async def test_file_with_other_purpose_cannot_be_attached(client: httpx2.AsyncClient) -> None:
    assistant_id, file_id = await new_assistant(client), await upload(client, purpose="batch")
    error = error_of(await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id}), 400)
    assert error["param"] == "file_id"
    assert "purpose" in str(error["message"])


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "1_0"}, "limit"),
        ({"order": "up"}, "order"),
        ({"after": "file-unknown"}, "after"),
        ({"before": "file-unknown"}, "before"),
        ({"after": ""}, "after"),
    ],
)
async def test_bad_list_parameters_are_400_with_param(
    client: httpx2.AsyncClient, query: dict[str, str], param: str
) -> None:
    assistant_id = await new_assistant(client)
    error = error_of(await client.get(f"/assistants/{assistant_id}/files", params=query), 400)
    assert error["param"] == param


async def test_cursor_from_another_assistant_is_rejected(client: httpx2.AsyncClient) -> None:
    first, second, file_id = await new_assistant(client), await new_assistant(client), await upload(client)
    await client.post(f"/assistants/{first}/files", json={"file_id": file_id})
    error = error_of(await client.get(f"/assistants/{second}/files", params={"after": file_id}), 400)
    assert error["param"] == "after"
    assert "start over" in str(error["message"])


@pytest.mark.parametrize(
    ("content", "param"),
    [
        (b"not json", None),
        (b"", None),
        (b"[1, 2]", None),
        (b"[" * 100_000, None),
        (b"\xff\xfe", None),
        (b"{}", "file_id"),
        (b'{"file_id": 7}', "file_id"),
        (b'{"file_id": null}', "file_id"),
        (b'{"file_id": "file-x", "extra": 1}', "extra"),
    ],
)
async def test_bad_attach_bodies_are_400(
    client: httpx2.AsyncClient, content: bytes, param: str | None
) -> None:
    assistant_id = await new_assistant(client)
    response = await client.post(
        f"/assistants/{assistant_id}/files", content=content, headers={"content-type": "application/json"}
    )
    assert error_of(response, 400)["param"] == param


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"colour": "blue"}, "colour"),
        ({"model": ""}, "model"),
        ({"name": 5}, "name"),
        ({"name": "x" * 257}, "name"),
        ({"tools": [{"type": "browser"}]}, "tools[0]"),
        ({"tools": [{"type": "function"}]}, "tools[0].function"),
        ({"metadata": {"k": 1}}, "metadata"),
        ({"metadata": "x"}, "metadata"),
        ({"file_ids": "file-x"}, "file_ids"),
    ],
)
async def test_bad_assistant_bodies_are_400(
    client: httpx2.AsyncClient, body: dict[str, object], param: str
) -> None:
    assert error_of(await client.post("/assistants", json=body), 400)["param"] == param


async def test_bad_uploads_are_400(client: httpx2.AsyncClient) -> None:
    no_file = await client.post("/files", data={"purpose": "assistants"})
    assert error_of(no_file, 400)["param"] == "file"
    no_purpose = await client.post("/files", files={"file": ("a.txt", b"x")})
    assert error_of(no_purpose, 400)["param"] == "purpose"
    bad_purpose = await client.post("/files", files={"file": ("a.txt", b"x")}, data={"purpose": "fun"})
    assert error_of(bad_purpose, 400)["param"] == "purpose"
    broken = await client.post(
        "/files", content=b"--x\r\nbroken", headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert broken.status_code == 400


async def test_oversized_json_body_is_413(client: httpx2.AsyncClient) -> None:
    assistant_id = await new_assistant(client)
    body = b'{"file_id": "' + b"x" * (1024 * 1024) + b'"}'
    response = await client.post(f"/assistants/{assistant_id}/files", content=body)
    error_of(response, 413)


async def test_missing_beta_header_is_400_saying_so(client: httpx2.AsyncClient) -> None:
    assistant_id = await new_assistant(client)
    for method, path in [
        ("GET", f"/assistants/{assistant_id}/files"),
        ("POST", "/assistants"),
        ("GET", f"/assistants/{assistant_id}/files/file-x"),
    ]:
        request = client.build_request(method, path, json={} if method == "POST" else None)
        del request.headers["OpenAI-Beta"]
        error = error_of(await client.send(request), 400)
        assert "OpenAI-Beta: assistants=v1" in str(error["message"])
    wrong = await client.get(f"/assistants/{assistant_id}/files", headers={"OpenAI-Beta": "assistants=v2"})
    assert "v1" in str(error_of(wrong, 400)["message"])
    both = await client.get(
        f"/assistants/{assistant_id}/files", headers={"OpenAI-Beta": "x=1, assistants=v1"}
    )
    assert both.status_code == 200


async def test_unknown_route_and_wrong_method_use_the_envelope(client: httpx2.AsyncClient) -> None:
    assert "Invalid URL" in str(error_of(await client.get("/threads"), 404)["message"])
    wrong = await client.put("/assistants/asst_x/files")
    error_of(wrong, 405)
    assert "GET" in wrong.headers["allow"] and "POST" in wrong.headers["allow"]
    check_contract(wrong)


async def test_attachment_cap_is_enforced_with_a_clear_message(client: httpx2.AsyncClient) -> None:
    assistant_id = await new_assistant(client)
    for _ in range(20):
        file_id = await upload(client)
        assert (
            await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
        ).status_code == 200
    extra = await upload(client)
    error = error_of(await client.post(f"/assistants/{assistant_id}/files", json={"file_id": extra}), 400)
    assert "maximum of 20" in str(error["message"]) and "detach one" in str(error["message"])
    assert error["code"] == "max_files_exceeded"
    # Re-attaching an attached file is still fine at the cap: attach is idempotent.
    assert (
        await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
    ).status_code == 200


def _keyed_client(store: Store) -> AbstractAsyncContextManager[httpx2.AsyncClient]:
    return client_of(create_app(store, api_keys=["sk-one", "sk-two"]), headers=BETA)


async def test_api_keys_are_required_when_configured(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with _keyed_client(store) as http:
        missing = await http.get("/assistants")
        assert error_of(missing, 401)["code"] is None
        wrong = await http.get("/assistants", headers={"Authorization": "Bearer sk-three"})
        assert error_of(wrong, 401)["code"] == "invalid_api_key"
        assert "sk-three" not in wrong.text
        for key in ("sk-one", "sk-two"):
            ok = await http.get("/assistants", headers={"Authorization": f"Bearer {key}"})
            assert ok.status_code == 200
        assert (await http.get("http://127.0.0.1/healthz")).status_code == 200
    assert "sk-" not in caplog.text


async def test_unexpected_exception_is_a_500_envelope_with_request_id(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(AsyncStore, "list_assistants", boom)
    async with client_of(create_app(store), headers=BETA) as http:
        response = await http.get("/assistants")
    error = error_of(response, 500)
    assert error["type"] == "server_error"
    assert "disk on fire" not in response.text
    assert response.headers["x-request-id"] in caplog.text
