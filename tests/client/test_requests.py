"""What each method puts on the wire: method, path, query, headers, body, timeout."""

from __future__ import annotations

import httpx2
import pytest

from mcp_assistant_files import NOT_GIVEN, AssistantsClient, AsyncAssistantsClient, __version__

from .harness import API_KEY, KINDS, Harness, Kind, file_json, page_json


def ok_handler(request: httpx2.Request) -> httpx2.Response:
    if request.method == "DELETE":
        return httpx2.Response(
            200, json={"id": "file-abc123", "object": "assistant.file.deleted", "deleted": True}
        )
    if request.method == "GET" and request.url.path.endswith("/files"):
        return httpx2.Response(200, json=page_json(["file-abc123"], has_more=False))
    return httpx2.Response(200, json=file_json())


@pytest.fixture(params=KINDS)
def h(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param, ok_handler)


def test_create_posts_file_id_as_json(h: Harness) -> None:
    result = h.call("create", "asst_abc123", file_id="file-abc123")
    assert result.id == "file-abc123"
    assert h.last.method == "POST"
    assert h.last.url.raw_path == b"/v1/assistants/asst_abc123/files"
    assert h.last.headers["content-type"] == "application/json"
    assert h.last_json() == {"file_id": "file-abc123"}


def test_retrieve_gets_the_attachment_path(h: Harness) -> None:
    result = h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert result.assistant_id == "asst_abc123"
    assert (h.last.method, h.last.url.raw_path) == ("GET", b"/v1/assistants/asst_abc123/files/file-abc123")
    assert h.last.content == b""


def test_delete_sends_delete_and_parses_the_deletion(h: Harness) -> None:
    result = h.call("delete", "file-abc123", assistant_id="asst_abc123")
    assert result.deleted is True and result.object == "assistant.file.deleted"
    assert (h.last.method, h.last.url.raw_path) == ("DELETE", b"/v1/assistants/asst_abc123/files/file-abc123")


def test_list_sends_only_the_parameters_given(h: Harness) -> None:
    h.list_ids("asst_abc123")
    assert h.last.url.raw_path == b"/v1/assistants/asst_abc123/files"
    assert dict(h.last.url.params) == {}
    h.list_ids("asst_abc123", limit=5, order="asc", after="file-x")
    assert dict(h.last.url.params) == {"limit": "5", "order": "asc", "after": "file-x"}


def test_not_given_is_the_same_as_leaving_out(h: Harness) -> None:
    h.list_ids("asst_abc123", limit=NOT_GIVEN, order=NOT_GIVEN, after=NOT_GIVEN, before=NOT_GIVEN)
    assert dict(h.last.url.params) == {}


def test_extra_query_wins_over_a_named_parameter(h: Harness) -> None:
    h.list_ids("asst_abc123", limit=5, extra_query={"limit": 7, "include": "x"})
    assert dict(h.last.url.params) == {"limit": "7", "include": "x"}


def test_extra_body_is_merged_into_the_json_body(h: Harness) -> None:
    h.call("create", "asst_abc123", file_id="file-abc123", extra_body={"note": "hi"})
    assert h.last_json() == {"file_id": "file-abc123", "note": "hi"}


def test_extra_headers_can_override_every_default_header(h: Harness) -> None:
    overrides = {
        "Authorization": "Bearer other",
        "OpenAI-Beta": "assistants=v2",
        "User-Agent": "mine/1",
        "Accept": "text/plain",
        "X-Custom": "1",
    }
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123", extra_headers=overrides)
    for name, value in overrides.items():
        assert h.last.headers.get_list(name) == [value]


def test_default_headers_identify_the_client_and_the_beta(h: Harness) -> None:
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert h.last.headers["authorization"] == f"Bearer {API_KEY}"
    assert h.last.headers["openai-beta"] == "assistants=v1"
    assert h.last.headers["user-agent"] == f"mcp-assistant-files/{__version__}"
    assert "openai-organization" not in h.last.headers
    assert "openai-project" not in h.last.headers


@pytest.mark.parametrize("kind", KINDS)
def test_organization_and_project_headers_when_set(kind: Kind) -> None:
    h = Harness(kind, ok_handler, organization="org-1", project="proj-1")
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert h.last.headers["openai-organization"] == "org-1"
    assert h.last.headers["openai-project"] == "proj-1"


@pytest.mark.parametrize("kind", KINDS)
def test_client_default_headers_apply_to_every_request(kind: Kind) -> None:
    h = Harness(kind, ok_handler, default_headers={"X-Tenant": "t1"})
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert h.last.headers["x-tenant"] == "t1"


@pytest.mark.parametrize("kind", KINDS)
def test_environment_supplies_key_base_url_org_and_project(
    kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env.test/api/v1/")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    h = Harness(kind, ok_handler, api_key=None, base_url=None)
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert str(h.last.url) == "http://env.test/api/v1/assistants/asst_abc123/files/file-abc123"
    assert h.last.headers["authorization"] == "Bearer sk-from-env"
    assert h.last.headers["openai-organization"] == "org-env"
    assert h.last.headers["openai-project"] == "proj-env"


@pytest.mark.parametrize("kind", KINDS)
def test_default_base_url_is_openai(kind: Kind, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    h = Harness(kind, ok_handler, base_url=None)
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert str(h.last.url).startswith("https://api.openai.com/v1/assistants/")


@pytest.mark.parametrize("kind", KINDS)
def test_no_key_means_no_authorization_header(kind: Kind, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    h = Harness(kind, ok_handler, api_key=None)
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    assert "authorization" not in h.last.headers


@pytest.mark.parametrize("base_url", ["ftp://x/v1", "not a url", "/v1"])
def test_a_base_url_that_is_not_http_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an http"):
        AssistantsClient(base_url=base_url)


def test_per_call_timeout_float_and_object(h: Harness) -> None:
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123", timeout=3.5)
    assert h.last.extensions["timeout"] == {"connect": 3.5, "read": 3.5, "write": 3.5, "pool": 3.5}
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123", timeout=httpx2.Timeout(9.0, connect=1.0))
    assert h.last.extensions["timeout"] == {"connect": 1.0, "read": 9.0, "write": 9.0, "pool": 9.0}
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123", timeout=None)
    assert h.last.extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}


def test_default_timeout_fits_inside_an_mcp_hosts_call_limit(h: Harness) -> None:
    h.call("retrieve", "file-abc123", assistant_id="asst_abc123")
    timeout = h.last.extensions["timeout"]
    assert timeout["connect"] == 5.0 and timeout["read"] == 15.0
    attempts = 1 + h.client.max_retries
    worst_backoff = 0.5 + 1.0
    assert attempts * timeout["read"] + worst_backoff < 60


def test_api_key_is_redacted_from_repr() -> None:
    for client in (
        AssistantsClient(api_key="sk-very-secret"),
        AsyncAssistantsClient(api_key="sk-very-secret"),
    ):
        assert "sk-very-secret" not in repr(client)
        assert "<redacted>" in repr(client)


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        AssistantsClient(max_retries=-1)


def test_sync_client_closes_only_the_http_client_it_made() -> None:
    mine = httpx2.Client()
    with AssistantsClient(http_client=mine):
        pass
    assert not mine.is_closed
    owned = AssistantsClient()
    owned.close()
    assert owned._http.is_closed
    mine.close()


@pytest.mark.anyio
async def test_async_client_closes_only_the_http_client_it_made() -> None:
    mine = httpx2.AsyncClient()
    async with AsyncAssistantsClient(http_client=mine):
        pass
    assert not mine.is_closed
    async with AsyncAssistantsClient() as owned:
        pass
    assert owned._http.is_closed
    await mine.aclose()
