"""What ``server/sdk.py`` relies on in the MCP SDK: if an upgrade changes any of it, this fails.

The adapter subclasses the SDK's ``Tool``, replaces ``parameters``, overrides the cached
``Tool.output_schema``, makes a tool with published schemas without ``Tool.from_function`` and
builds its ``fn_metadata`` with ``func_metadata`` on the first call, validates with
``fn_metadata.arg_model`` and overrides ``run(arguments, context, convert_result)``;
``MCPServer(tools=[...])`` registers the objects as they are and lists what they publish.
``advertise_only_what_exists`` replaces the low-level handler table and reads the prompt and
resource managers; it is needed while a bare ``MCPServer`` advertises features it does not have.
"""

from __future__ import annotations

import inspect
import logging
from functools import cached_property
from typing import Annotated, Any

import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import ResourceTemplate
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata, func_metadata
from mcp_types import INVALID_PARAMS
from pydantic import BaseModel, Field

from mcp_assistant_files.server.handlers import FEATURE_METHODS, advertise_only_what_exists
from mcp_assistant_files.server.published import PublishedSchemas
from mcp_assistant_files.server.resources import JSON
from mcp_assistant_files.server.sdk import StrictTool, make_tool, new_mcp_server
from mcp_assistant_files.service.declaration import Hints, ToolSpec

pytestmark = pytest.mark.anyio


class Echoed(BaseModel):
    """A result."""

    value: Annotated[str, Field(description="What was sent.")]
    note: Annotated[str | None, Field(description="Optional: absent when there is none.")] = None
    next_step: Annotated[str, Field(description="What to do next.")]


async def echo(value: Annotated[str, Field(description="Anything.", max_length=8)]) -> Echoed:
    return Echoed(value=value, next_step="done")


SPEC = ToolSpec(
    name="echo",
    title="Echo",
    description="Echo a value.",
    family="files",
    hints=Hints(read_only=True),
    method="echo",
    result=Echoed,
)


def test_the_sdk_tool_still_has_what_the_adapter_overrides_and_sets() -> None:
    assert list(inspect.signature(Tool.run).parameters) == ["self", "arguments", "context", "convert_result"]
    assert isinstance(inspect.getattr_static(Tool, "output_schema"), cached_property)
    assert "parameters" in Tool.model_fields and "fn_metadata" in Tool.model_fields
    assert "output_schema" in FuncMetadata.model_fields
    assert "arg_model" in FuncMetadata.model_fields
    assert callable(FuncMetadata.pre_parse_json)
    tool = make_tool(SPEC, echo, secrets=())
    assert callable(tool.metadata().arg_model.model_dump_one_level)
    assert list(inspect.signature(func_metadata).parameters) == ["func", "skip_names", "structured_output"]
    assert {"fn", "name", "title", "description", "parameters", "is_async", "annotations"} <= set(
        Tool.model_fields
    )
    assert "structured_output" in inspect.signature(Tool.from_function).parameters
    assert "tools" in inspect.signature(MCPServer).parameters
    lowlevel = MCPServer("probe")._lowlevel_server  # what serve_streams drives
    assert list(inspect.signature(lowlevel.run).parameters)[:3] == [
        "read_stream",
        "write_stream",
        "initialization_options",
    ]
    assert callable(lowlevel.create_initialization_options)


def test_the_adapter_publishes_flat_schemas_through_the_sdk_fields() -> None:
    tool = make_tool(SPEC, echo, secrets=())
    assert isinstance(tool, StrictTool)
    assert "additionalProperties" not in tool.parameters
    assert tool.output_schema is tool.published_output
    assert tool.output_schema is not None
    assert tool.output_schema["properties"]["note"]["type"] == "string"
    assert tool.output_schema["required"] == ["value", "next_step"]
    assert "anyOf" not in str(tool.output_schema) and "null" not in str(tool.output_schema)


async def test_mcpserver_lists_and_runs_the_adapted_tool_unchanged() -> None:
    server = MCPServer("adapter-test", tools=[make_tool(SPEC, echo, secrets=("s3cret",))])
    async with Client(server) as client:
        (listed,) = (await client.list_tools()).tools
        assert listed.name == "echo" and listed.title == "Echo"
        assert listed.input_schema["properties"]["value"]["maxLength"] == 8
        assert listed.output_schema is not None and "note" in listed.output_schema["properties"]
        assert listed.annotations is not None and listed.annotations.read_only_hint is True
        done = await client.call_tool("echo", {"value": "hi"})
        assert not done.is_error
        assert done.structured_content == {"value": "hi", "next_step": "done"}
        assert [c.text for c in done.content if hasattr(c, "text")] == ['{"value":"hi","next_step":"done"}']
        refused = await client.call_tool("echo", {"value": "hi", "extra": 1})
        assert refused.is_error
        texts: list[Any] = [c.text for c in refused.content if hasattr(c, "text")]
        assert texts == ["echo does not accept 'extra': its arguments are value."]


async def test_a_tool_made_from_published_schemas_lists_them_and_checks_its_arguments_alike() -> None:
    generated = make_tool(SPEC, echo, secrets=())
    published = make_tool(
        SPEC, echo, secrets=(), published=PublishedSchemas(generated.parameters, generated.published_output)
    )
    assert published.fn_metadata is None
    async with Client(MCPServer("adapter-test", tools=[published])) as client:
        (listed,) = (await client.list_tools()).tools
        assert listed.input_schema == generated.parameters and listed.output_schema == generated.output_schema
        done = await client.call_tool("echo", {"value": "hi"})
        assert done.structured_content == {"value": "hi", "next_step": "done"}
        too_long = await client.call_tool("echo", {"value": "123456789"})
    assert too_long.is_error
    assert published.fn_metadata is not None


async def test_a_bare_mcpserver_still_advertises_prompts_and_resources_it_does_not_have() -> None:
    # When this fails, the SDK advertises only what exists: drop advertise_only_what_exists.
    async with Client(MCPServer("bare")) as client:
        capabilities = client.server_capabilities
        assert capabilities is not None
        assert capabilities.prompts is not None and capabilities.resources is not None
        assert (await client.list_prompts()).prompts == []
        with pytest.raises(MCPError) as unknown:
            await client.get_prompt("nothing")
        assert unknown.value.error.code != INVALID_PARAMS


def test_the_sdk_still_has_what_advertise_only_what_exists_replaces_and_reads() -> None:
    server = MCPServer("probe")
    lowlevel = server._lowlevel_server
    assert type(lowlevel._request_handlers) is dict
    for methods in FEATURE_METHODS.values():
        assert lowlevel.get_request_handler(methods[0]) is not None, methods[0]
    assert server._prompt_manager.list_prompts() == []
    assert server._prompt_manager.get_prompt("nothing") is None
    assert server._resource_manager.list_resources() == []
    assert server._resource_manager.list_templates() == []
    capabilities = inspect.getsource(type(lowlevel).get_capabilities)
    assert '"prompts/list" in self._request_handlers' in capabilities
    assert '"resources/list" in self._request_handlers' in capabilities
    advertise_only_what_exists(server)
    assert lowlevel.get_request_handler("prompts/list") is None
    assert "resources/list" not in lowlevel._request_handlers


def test_the_sdk_still_has_what_server_resources_overrides_and_registers_into() -> None:
    """``server/resources.py``: ``JsonTemplate.create_resource``, the manager's table, ``add_request_handler``."""
    assert list(inspect.signature(ResourceTemplate.create_resource).parameters) == [
        "self",
        "uri",
        "params",
        "context",
    ]
    server = MCPServer("probe")
    assert server._resource_manager._templates == {}
    assert server._lowlevel_server.get_request_handler("completion/complete") is None
    assert callable(server._lowlevel_server.add_request_handler)
    assert JSON == "application/json"


def test_mcpserver_still_sets_up_logging_and_new_mcp_server_leaves_it_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``MCPServer()`` calls its module's ``configure_logging``; ``new_mcp_server`` skips only that."""
    from mcp.server.mcpserver import server as module

    calls: list[object] = []
    monkeypatch.setattr(module, "configure_logging", lambda *args, **kwargs: calls.append(args or kwargs))
    MCPServer("plain", log_level="WARNING")
    assert calls, "the SDK no longer calls configure_logging: new_mcp_server can build MCPServer directly"
    calls.clear()
    root = logging.getLogger()
    handlers = list(root.handlers)
    server = new_mcp_server("ours", log_level="WARNING", tools=[make_tool(SPEC, echo, secrets=())])
    assert (calls, root.handlers) == ([], handlers)
    assert [tool.name for tool in server._tool_manager.list_tools()] == ["echo"]
