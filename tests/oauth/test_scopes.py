"""Scopes per tool: a token lists and calls only what its scopes allow; anything else is refused
with 403 ``insufficient_scope`` where HTTP can say it, else an ``isError`` naming the scope."""

from __future__ import annotations

import anyio
import httpx2
import pytest
from mcp import MCPError
from mcp_types import PARSE_ERROR, ResourceTemplateReference

from mcp_assistant_files.service.catalog import all_specs

from ..transports.clients import MODES, connect, text_of
from ..transports.wire import LEGACY, MODERN, call_body, call_headers, open_session
from .conftest import OAuthFleet

pytestmark = pytest.mark.anyio

READ_TOOLS = {spec.name for spec in all_specs() if spec.hints.read_only}
ATTACH = {"assistant_id": "asst_x", "file_id": "file-x"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("mode", MODES)
async def test_a_read_token_sees_only_the_read_tools_and_is_refused_a_write(
    mode: str, oauth_fleet: OAuthFleet
) -> None:
    served, seeded = oauth_fleet.ready("main"), oauth_fleet.seeds["main"]
    token = oauth_fleet.token("main", scopes=["files:read"])
    with anyio.fail_after(20):
        async with connect(served, "streamable-http", mode, headers=bearer(token)) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            with pytest.raises(MCPError):  # the 403 below, as the SDK's client reports it
                await client.call_tool(
                    "attach_assistant_file", {**ATTACH, "assistant_id": seeded.assistant_id}
                )
            still = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert names == READ_TOOLS
    assert not still.is_error, text_of(still)


@pytest.mark.parametrize("protocol", [LEGACY, MODERN])
async def test_a_write_call_without_the_write_scope_is_403_naming_the_scope(
    protocol: str, oauth_fleet: OAuthFleet
) -> None:
    served = oauth_fleet.ready("main")
    auth = bearer(oauth_fleet.token("main", scopes=["files:read"]))
    async with httpx2.AsyncClient(headers=auth, timeout=10.0) as http:
        session = await open_session(http, served.port) if protocol == LEGACY else None
        response = await http.post(
            f"{served.base}/mcp",
            headers=call_headers("detach_assistant_file", protocol=protocol, session=session),
            json=call_body(7, "detach_assistant_file", ATTACH, protocol=protocol),
        )
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="files:write"' in challenge
    assert f'resource_metadata="{served.base}/.well-known/oauth-protected-resource/mcp"' in challenge
    assert response.json()["error"] == "insufficient_scope"


async def test_on_sse_a_write_call_without_the_scope_is_an_error_result_naming_it(
    oauth_fleet: OAuthFleet,
) -> None:
    served, seeded = oauth_fleet.ready("sse"), oauth_fleet.seeds["sse"]
    token = oauth_fleet.token("sse", scopes=["files:read"])
    with anyio.fail_after(20):
        async with connect(served, "sse", headers=bearer(token)) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            refused = await client.call_tool(
                "attach_assistant_file", {**ATTACH, "assistant_id": seeded.assistant_id}
            )
    assert names == READ_TOOLS
    assert refused.is_error
    assert "attach_assistant_file needs the OAuth scope files:write" in text_of(refused)


async def test_a_token_without_any_of_our_scopes_lists_no_tool(oauth_fleet: OAuthFleet) -> None:
    served = oauth_fleet.ready("main")
    token = oauth_fleet.token("main", scopes=["openid", "profile"])
    with anyio.fail_after(20):
        async with connect(served, "streamable-http", headers=bearer(token)) as client:
            assert (await client.list_tools()).tools == []


async def test_scopes_given_as_a_list_in_scp_count_too(oauth_fleet: OAuthFleet) -> None:
    served = oauth_fleet.ready("main")
    token = oauth_fleet.token("main", scope=None, scp=["files:read"])
    with anyio.fail_after(20):
        async with connect(served, "streamable-http", headers=bearer(token)) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
    assert names == READ_TOOLS


async def test_configured_scopes_apply_per_verb_and_family(oauth_fleet: OAuthFleet) -> None:
    served, seeded = oauth_fleet.ready("custom"), oauth_fleet.seeds["custom"]
    async with httpx2.AsyncClient(timeout=10.0) as http:
        metadata = (await http.get(f"{served.base}/.well-known/oauth-protected-resource")).json()
    assert metadata["scopes_supported"] == ["mcp:read", "files:write", "uploads:write"]
    reader = oauth_fleet.token("custom", scopes=["mcp:read"])
    uploader = oauth_fleet.token("custom", scopes=["uploads:write"])
    with anyio.fail_after(30):
        async with connect(served, "streamable-http", headers=bearer(reader)) as client:
            read_names = {tool.name for tool in (await client.list_tools()).tools}
        async with connect(served, "streamable-http", headers=bearer(uploader)) as client:
            upload_names = {tool.name for tool in (await client.list_tools()).tools}
            uploaded = await client.call_tool("upload_file", {"path": "notes.txt"})
            with pytest.raises(MCPError):
                await client.call_tool(
                    "attach_assistant_file", {**ATTACH, "assistant_id": seeded.assistant_id}
                )
    assert read_names == READ_TOOLS
    assert upload_names == {"upload_file"}
    assert not uploaded.is_error, text_of(uploaded)


async def test_reading_a_resource_or_completing_an_id_needs_the_read_scope(oauth_fleet: OAuthFleet) -> None:
    served, seeded = oauth_fleet.ready("main"), oauth_fleet.seeds["main"]
    file_id = seeded.file_ids[0]
    uri = f"assistant-files://assistants/{seeded.assistant_id}/files/{file_id}"
    template = "assistant-files://assistants/{assistant_id}/files/{file_id}"
    reader = oauth_fleet.token("main", scopes=["files:read"])
    writer = oauth_fleet.token("main", scopes=["files:write"])
    with anyio.fail_after(30):
        async with connect(served, "streamable-http", headers=bearer(reader)) as client:
            read = await client.read_resource(uri)
        async with connect(served, "streamable-http", headers=bearer(writer)) as client:
            with pytest.raises(MCPError) as refused_read:
                await client.read_resource(uri)
            with pytest.raises(MCPError) as refused_completion:
                await client.complete(
                    ResourceTemplateReference(uri=template),
                    {"name": "file_id", "value": ""},
                    context_arguments={"assistant_id": seeded.assistant_id},
                )
    assert file_id in read.contents[0].text  # type: ignore[union-attr]
    for refused in (refused_read.value, refused_completion.value):
        assert "needs the OAuth scope files:read, which this access token was not granted" in str(refused)


@pytest.mark.parametrize("protocol", [LEGACY, MODERN])
async def test_a_body_nested_too_deeply_to_read_is_a_parse_error_not_a_server_error(
    protocol: str, oauth_fleet: OAuthFleet
) -> None:
    served = oauth_fleet.ready("main")
    auth = bearer(oauth_fleet.token("main", scopes=["files:read"]))
    logged_before = len(served.stderr)
    async with httpx2.AsyncClient(headers=auth, timeout=10.0) as http:
        session = await open_session(http, served.port) if protocol == LEGACY else None
        response = await http.post(
            f"{served.base}/mcp",
            headers=call_headers("detach_assistant_file", protocol=protocol, session=session),
            content=b"[" * 20000 + b"]" * 20000,
        )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == PARSE_ERROR
    logged = served.stderr[logged_before:]
    assert "Traceback" not in logged and "RecursionError" not in logged, logged
