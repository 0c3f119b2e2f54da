"""Resources over MCP (in memory, embedded backend): templates, reads, links in list results, completions.

One template per object an agent handles, present only when its family is served; a read is
the object's JSON from the upstream; errors are one sentence (-32602 for the request's fault,
-32603 for the upstream's); listings link each item; ids complete from the upstream, by prefix,
at most 100 with ``hasMore``; cache hints on the cacheable results.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from mcp import Client, MCPError
from mcp_types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    Completion,
    PromptReference,
    ResourceLink,
    ResourceTemplateReference,
    TextContent,
    TextResourceContents,
)

from mcp_assistant_files import AsyncAssistantsClient
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.declaration import ToolPolicy
from mcp_assistant_files.service.resources import ASSISTANT_FILE, RESOURCES, UPLOADED_FILE, VECTOR_STORE_FILE

from .conftest import SECRET, World, text_of

pytestmark = pytest.mark.anyio

TEMPLATES = [spec.uri_template for spec in RESOURCES]


async def read_json(client: Client, uri: str) -> dict[str, Any]:
    read = await client.read_resource(uri)
    [contents] = read.contents
    assert isinstance(contents, TextResourceContents)
    assert contents.mime_type == "application/json" and contents.uri == uri
    loaded: dict[str, Any] = json.loads(contents.text)
    return loaded


async def read_error(client: Client, uri: str) -> tuple[int, str]:
    with pytest.raises(MCPError) as caught:
        await client.read_resource(uri)
    return caught.value.error.code, caught.value.error.message


async def complete(
    client: Client, spec_template: str, name: str, value: str, known: dict[str, str] | None = None
) -> Completion:
    ref = ResourceTemplateReference(uri=spec_template)
    return (await client.complete(ref, {"name": name, "value": value}, known)).completion


def links_of(result: Any) -> list[ResourceLink]:
    return [c for c in result.content if isinstance(c, ResourceLink)]


@pytest.fixture
def store_id(world: World) -> str:
    vector_store_id: str = world.store.create_vector_store("docs")["id"]
    return vector_store_id


async def test_every_template_is_listed_as_json_with_a_description(world: World, mode: str) -> None:
    async with world.connect(mode) as client:
        templates = (await client.list_resource_templates()).resource_templates
    assert (
        [t.uri_template for t in templates]
        == TEMPLATES
        == [
            "assistant-files://assistants/{assistant_id}/files/{file_id}",
            "vector-store-files://vector_stores/{vector_store_id}/files/{file_id}",
            "files://files/{file_id}",
        ]
    )
    assert all(t.mime_type == "application/json" and t.description and t.title for t in templates)
    assert [t.name for t in templates] == ["assistant_file", "vector_store_file", "uploaded_file"]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (ToolPolicy(toolsets=frozenset({"vector-store-files"})), [VECTOR_STORE_FILE]),
        (ToolPolicy(toolsets=frozenset({"files", "assistant-files"})), [ASSISTANT_FILE, UPLOADED_FILE]),
        (ToolPolicy(tools=frozenset({"list_files"})), [UPLOADED_FILE]),
        (ToolPolicy(read_only=True), list(RESOURCES)),
    ],
)
async def test_a_template_exists_only_when_its_family_is_served(
    world: World, policy: ToolPolicy, expected: list[Any]
) -> None:
    async with world.connect(policy=policy) as client:
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == [spec.uri_template for spec in expected]
        for spec in set(RESOURCES) - set(expected):
            with pytest.raises(MCPError) as caught:
                await complete(client, spec.uri_template, "file_id", "")
            assert caught.value.error.code == INVALID_PARAMS
            assert caught.value.error.message.startswith(
                f"This server has no resource template {spec.uri_template!r}"
            )
            uri = spec.uri(assistant_id="asst_1", vector_store_id="vs_1", file_id="file-1")
            code, message = await read_error(client, uri)
            assert code == INVALID_PARAMS and "Unknown resource" in message


async def test_each_kind_reads_as_the_json_its_get_tool_returns(
    world: World, store_id: str, mode: str
) -> None:
    [attached] = world.seed(1)
    [in_store] = world.store.seed_vector_store_files(store_id, 1)
    uploaded = world.new_file()
    async with world.connect(mode) as client:
        assistant_file = await read_json(
            client, ASSISTANT_FILE.uri(assistant_id=world.assistant_id, file_id=attached)
        )
        got = await client.call_tool(
            "get_assistant_file", {"assistant_id": world.assistant_id, "file_id": attached}
        )
        assert got.structured_content is not None
        assert assistant_file == {k: v for k, v in got.structured_content.items() if k != "next_step"}
        store_file = await read_json(
            client, VECTOR_STORE_FILE.uri(vector_store_id=store_id, file_id=in_store)
        )
        got = await client.call_tool(
            "get_vector_store_file", {"vector_store_id": store_id, "file_id": in_store}
        )
        assert got.structured_content is not None
        assert store_file == {k: v for k, v in got.structured_content.items() if k != "next_step"}
        assert store_file["status"] == "completed"
        file = await read_json(client, UPLOADED_FILE.uri(file_id=uploaded))
    assert file == {
        "id": uploaded,
        "filename": "x.txt",
        "bytes": 1,
        "purpose": "assistants",
        "created_at": file["created_at"],
    }


async def test_unknown_ids_read_as_invalid_params_with_the_next_step(world: World, store_id: str) -> None:
    async with world.connect() as client:
        code, message = await read_error(
            client, ASSISTANT_FILE.uri(assistant_id=world.assistant_id, file_id="file-nope")
        )
        assert code == INVALID_PARAMS
        assert "'file-nope' is not attached" in message and "call list_assistant_files" in message
        code, message = await read_error(
            client, ASSISTANT_FILE.uri(assistant_id="asst_nope", file_id="file-nope")
        )
        assert code == INVALID_PARAMS and "'asst_nope' was not found" in message
        code, message = await read_error(
            client, VECTOR_STORE_FILE.uri(vector_store_id="vs_nope", file_id="file-1")
        )
        assert code == INVALID_PARAMS and "Vector store 'vs_nope' was not found" in message
        code, message = await read_error(
            client, VECTOR_STORE_FILE.uri(vector_store_id=store_id, file_id="file-1")
        )
        assert code == INVALID_PARAMS and "call list_vector_store_files" in message
        code, message = await read_error(client, UPLOADED_FILE.uri(file_id="file-nope"))
        assert code == INVALID_PARAMS
        assert (
            message
            == "File 'file-nope' was not found at the embedded local backend: call list_files to see the uploaded files."
        )


@pytest.mark.parametrize("bad", ["bad id", "-leading-dash", "x" * 65, "a/b"])
async def test_an_id_that_is_not_one_is_refused_before_the_upstream(world: World, bad: str) -> None:
    async with world.connect() as client:
        code, message = await read_error(client, UPLOADED_FILE.uri(file_id=bad))
    assert code == INVALID_PARAMS
    assert message.startswith("file_id in 'files://files/") and "use an id from a listing tool" in message


async def test_unknown_scheme_reads_as_unknown_resource(world: World) -> None:
    async with world.connect() as client:
        code, message = await read_error(client, "files://elsewhere/file-1")
    assert code == INVALID_PARAMS and "Unknown resource" in message


async def test_allowlists_apply_to_reads_and_completions(world: World, store_id: str) -> None:
    other = world.new_assistant()
    policy = ToolPolicy(
        allowed_assistants=frozenset({world.assistant_id}), allowed_vector_stores=frozenset({"vs_x"})
    )
    async with world.connect(policy=policy) as client:
        code, message = await read_error(client, ASSISTANT_FILE.uri(assistant_id=other, file_id="file-1"))
        assert code == INVALID_PARAMS and "--allow-assistant" in message
        code, message = await read_error(
            client, VECTOR_STORE_FILE.uri(vector_store_id=store_id, file_id="file-1")
        )
        assert code == INVALID_PARAMS and "--allow-vector-store" in message
        assistants = await complete(client, ASSISTANT_FILE.uri_template, "assistant_id", "")
        assert assistants.values == [world.assistant_id] and assistants.total == 1
        stores = await complete(client, VECTOR_STORE_FILE.uri_template, "vector_store_id", "")
        assert stores.values == [] and not stores.has_more
        with pytest.raises(MCPError) as caught:
            await complete(
                client, VECTOR_STORE_FILE.uri_template, "file_id", "", {"vector_store_id": store_id}
            )
        assert (
            caught.value.error.code == INVALID_PARAMS and "--allow-vector-store" in caught.value.error.message
        )


async def test_an_upstream_failure_reads_as_internal_error_with_one_sentence() -> None:
    key = "sk-never-shown-0123456789abcdef"
    http = httpx2.AsyncClient(
        transport=httpx2.MockTransport(
            lambda request: httpx2.Response(
                503, json={"error": {"message": "Overloaded", "type": "server_error"}}
            )
        )
    )
    client = AsyncAssistantsClient(
        base_url="http://upstream.test/v1", api_key=key, http_client=http, max_retries=0
    )
    tools = AssistantFilesTools(client=client, codec=CursorCodec(SECRET), upstream_label="the upstream")
    async with Client(build_server(tools)) as mcp:
        code, message = await read_error(mcp, ASSISTANT_FILE.uri(assistant_id="asst_1", file_id="file-1"))
        with pytest.raises(MCPError) as caught:
            await complete(mcp, ASSISTANT_FILE.uri_template, "file_id", "", {"assistant_id": "asst_1"})
    await http.aclose()
    assert code == INTERNAL_ERROR
    assert (
        message
        == "the upstream failed with HTTP 503 on the first attempt (it said: Overloaded): try again later."
    )
    assert caught.value.error.code == INTERNAL_ERROR and caught.value.error.message == message
    assert key not in message


async def test_list_results_link_each_item_after_the_json_text(
    world: World, store_id: str, mode: str
) -> None:
    attached = world.seed(3)
    in_store = world.store.seed_vector_store_files(store_id, 2)
    async with world.connect(mode) as client:
        listings = {
            "list_assistant_files": await client.call_tool(
                "list_assistant_files", {"assistant_id": world.assistant_id}
            ),
            "list_vector_store_files": await client.call_tool(
                "list_vector_store_files", {"vector_store_id": store_id}
            ),
            "list_files": await client.call_tool("list_files", {"order": "asc"}),
        }
        for name, result in listings.items():
            assert not result.is_error, text_of(result)
            first, *rest = result.content
            assert isinstance(first, TextContent) and json.loads(first.text) == result.structured_content, (
                name
            )
            links = links_of(result)
            assert rest == links, name
            assert result.structured_content is not None
            items = result.structured_content["files"]
            assert [link.name for link in links] == [item["id"] for item in items], name
            for link, item in zip(links, items, strict=True):
                assert link.mime_type == "application/json"
                assert await read_json(client, str(link.uri)) == item, name
    assert {link.name for link in links_of(listings["list_assistant_files"])} == set(attached)
    assert {link.name for link in links_of(listings["list_vector_store_files"])} == set(in_store)
    uploaded = links_of(listings["list_files"])
    assert [link.size for link in uploaded] == [1] * 3 + [len(b"seed text\n")] * 2  # oldest first
    assert all(link.title for link in uploaded)


async def test_results_without_a_listing_have_no_links(world: World) -> None:
    [attached] = world.seed(1)
    async with world.connect() as client:
        got = await client.call_tool(
            "get_assistant_file", {"assistant_id": world.assistant_id, "file_id": attached}
        )
        stores = await client.call_tool("list_vector_stores", {})
    assert links_of(got) == [] and links_of(stores) == []


async def test_file_ids_complete_by_prefix_from_the_upstream(world: World, store_id: str, mode: str) -> None:
    attached = world.seed(5)
    in_store = world.store.seed_vector_store_files(store_id, 3)
    async with world.connect(mode) as client:
        files = await complete(
            client, ASSISTANT_FILE.uri_template, "file_id", "", {"assistant_id": world.assistant_id}
        )
        assert sorted(files.values) == sorted(attached) and (files.total, files.has_more) == (5, False)
        prefix = attached[0][:7]
        narrowed = await complete(
            client, ASSISTANT_FILE.uri_template, "file_id", prefix, {"assistant_id": world.assistant_id}
        )
        assert attached[0] in narrowed.values and all(v.startswith(prefix) for v in narrowed.values)
        assert narrowed.total == len([f for f in attached if f.startswith(prefix)])
        stores = await complete(client, VECTOR_STORE_FILE.uri_template, "vector_store_id", "vs_")
        assert stores.values == [store_id]
        store_files = await complete(
            client, VECTOR_STORE_FILE.uri_template, "file_id", "", {"vector_store_id": store_id}
        )
        assert sorted(store_files.values) == sorted(in_store)
        uploaded = await complete(client, UPLOADED_FILE.uri_template, "file_id", "file-")
        assert sorted(uploaded.values) == sorted(attached + in_store)  # every seeded file is an upload
        none = await complete(client, UPLOADED_FILE.uri_template, "file_id", "nothing-starts-so")
        assert (none.values, none.total, none.has_more) == ([], 0, False)


async def test_a_file_id_without_its_container_completes_to_nothing(world: World) -> None:
    world.seed(2)
    async with world.connect() as client:
        files = await complete(client, ASSISTANT_FILE.uri_template, "file_id", "")
        assistants = await complete(client, ASSISTANT_FILE.uri_template, "assistant_id", "")
    assert (files.values, files.has_more) == ([], False)
    assert assistants.values == []  # the v1 contract lists no assistants; --allow-assistant names them


async def test_completions_stop_at_100_values_and_say_more_exist(world: World) -> None:
    attached = world.seed(150)
    async with world.connect() as client:
        files = await complete(
            client, ASSISTANT_FILE.uri_template, "file_id", "file-", {"assistant_id": world.assistant_id}
        )
    assert len(files.values) == 100 and files.has_more and files.total is None
    assert set(files.values) <= set(attached)


async def test_a_prompt_or_an_argument_the_template_lacks_is_invalid_params(world: World) -> None:
    async with world.connect() as client:
        with pytest.raises(MCPError) as prompt:
            await client.complete(PromptReference(name="review"), {"name": "x", "value": ""})
        with pytest.raises(MCPError) as caught:
            await complete(client, UPLOADED_FILE.uri_template, "assistant_id", "")
    assert prompt.value.error.code == INVALID_PARAMS
    assert prompt.value.error.message.startswith(
        "This server has no prompt 'review' (it has no prompts): complete an argument of assistant-files://"
    )
    assert caught.value.error.code == INVALID_PARAMS
    assert (
        caught.value.error.message
        == "files://files/{file_id} has no argument 'assistant_id': complete one of file_id."
    )


async def test_cacheable_results_carry_cache_hints(world: World) -> None:
    [attached] = world.seed(1)
    async with world.connect("auto") as client:
        tools = await client.list_tools()
        templates = await client.list_resource_templates()
        read = await client.read_resource(
            ASSISTANT_FILE.uri(assistant_id=world.assistant_id, file_id=attached)
        )
    assert (tools.ttl_ms, tools.cache_scope) == (300_000, "public")
    assert (templates.ttl_ms, templates.cache_scope) == (300_000, "public")
    assert (read.ttl_ms, read.cache_scope) == (0, "private")
