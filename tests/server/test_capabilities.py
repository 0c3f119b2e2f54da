"""The server advertises and serves only what it has: prompts and resources once registered.

A server with tool families has their resource templates (``test_resources.py``); a server
without (``build_server()``) shows that a feature with nothing in it is neither advertised nor served.

The 2026-07-28 revision: a method behind a capability the server did not advertise answers
-32601 (method not found); an unknown prompt name or resource URI answers -32602.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import TextResource
from mcp_types import INVALID_PARAMS, METHOD_NOT_FOUND

from mcp_assistant_files.server.handlers import FEATURE_METHODS
from mcp_assistant_files.server.registry import build_server

from .conftest import World

pytestmark = pytest.mark.anyio

Call = Callable[[Client], Awaitable[Any]]

# One call per request method of each optional feature (subscriptions are not in the client).
CALLS: dict[str, Call] = {
    "prompts/list": lambda c: c.list_prompts(),
    "prompts/get": lambda c: c.get_prompt("anything"),
    "resources/list": lambda c: c.list_resources(),
    "resources/read": lambda c: c.read_resource("info://anything"),
    "resources/templates/list": lambda c: c.list_resource_templates(),
}


async def error_code(call: Call, client: Client) -> int:
    with pytest.raises(MCPError) as caught:
        await call(client)
    return caught.value.error.code


def server_of(world: World) -> MCPServer:
    """A server with no family: no tool, no template."""
    del world
    return build_server()


def test_every_feature_method_the_client_can_send_is_checked() -> None:
    sendable = {m for methods in FEATURE_METHODS.values() for m in methods} - {
        "resources/subscribe",
        "resources/unsubscribe",
    }
    assert sendable == set(CALLS)


async def test_a_server_without_templates_advertises_no_resources_prompts_or_completions(
    world: World, mode: str
) -> None:
    async with Client(server_of(world), mode=mode) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None
        assert (capabilities.prompts, capabilities.resources, capabilities.completions) == (None, None, None)


async def test_a_server_with_tools_advertises_their_templates_and_completions_but_no_prompts(
    world: World, mode: str
) -> None:
    async with Client(build_server(world.service()), mode=mode) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None
        assert capabilities.tools is not None and capabilities.resources is not None
        assert capabilities.completions is not None and capabilities.prompts is None
        assert await error_code(CALLS["prompts/list"], client) == METHOD_NOT_FOUND


async def test_methods_of_features_not_advertised_answer_method_not_found(world: World, mode: str) -> None:
    async with Client(server_of(world), mode=mode) as client:
        for method, call in CALLS.items():
            assert await error_code(call, client) == METHOD_NOT_FOUND, method


async def test_registering_a_resource_later_turns_resources_on(world: World, mode: str) -> None:
    server = server_of(world)
    server.add_resource(TextResource(uri="info://about", name="about", description="About.", text="hi"))
    async with Client(server, mode=mode) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None and capabilities.resources is not None
        assert capabilities.prompts is None
        assert [str(r.uri) for r in (await client.list_resources()).resources] == ["info://about"]
        read = await client.read_resource("info://about")
        assert [getattr(c, "text", None) for c in read.contents] == ["hi"]
        assert await error_code(CALLS["resources/read"], client) == INVALID_PARAMS
        assert await error_code(CALLS["prompts/list"], client) == METHOD_NOT_FOUND


async def test_registering_a_resource_template_turns_resources_on(world: World, mode: str) -> None:
    server = server_of(world)

    @server.resource("assistant://{assistant_id}/summary", name="summary", description="A summary.")
    def summary(assistant_id: str) -> str:
        return f"assistant {assistant_id}"

    async with Client(server, mode=mode) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None and capabilities.resources is not None
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["assistant://{assistant_id}/summary"]
        assert (await client.list_resources()).resources == []


async def test_registering_a_prompt_turns_prompts_on_and_an_unknown_one_is_invalid_params(
    world: World, mode: str
) -> None:
    server = server_of(world)

    @server.prompt(description="Review the files of an assistant.")
    def review(assistant_id: str) -> str:
        return f"Review the files of {assistant_id}."

    async with Client(server, mode=mode) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None and capabilities.prompts is not None
        assert capabilities.resources is None
        assert [p.name for p in (await client.list_prompts()).prompts] == ["review"]
        got = await client.get_prompt("review", {"assistant_id": "asst_1"})
        assert "asst_1" in str(got.messages[0].content)
        assert await error_code(CALLS["prompts/get"], client) == INVALID_PARAMS
