"""The SDK's ``Mcp-Param-*`` header check gets a tool's schema only where the tool declares a header
(``server/sdk.py: check_param_headers_where_declared``), and its answers stay what they were."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.shared.inbound import X_MCP_HEADER_KEY, validate_mcp_param_headers
from pydantic import Field

from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.server.sdk import lowlevel_server

from .conftest import World

STRAY = {"mcp-param-region": "eu", "mcp-param-assistant": "asst_1"}


async def routed(region: Annotated[str, Field(json_schema_extra={X_MCP_HEADER_KEY: "Region"})]) -> str:
    return region


async def plain(region: str) -> str:
    return region


def test_none_of_our_tools_declares_a_header_so_the_check_gets_no_schema(world: World) -> None:
    server = build_server(*world.families())
    lookup = lowlevel_server(server).get_tool_input_schema
    tools = server._tool_manager.list_tools()
    assert len(tools) > 10
    for tool in tools:
        assert lookup(tool.name) is None, tool.name
        # What the SDK's check would have said with the schema: nothing, whatever the headers.
        assert validate_mcp_param_headers(tool.parameters, {"assistant_id": "asst_1"}, STRAY) is None
    assert lookup("no_such_tool") is None


def test_a_tool_declaring_a_header_still_has_it_checked(world: World) -> None:
    server = build_server(*world.families())
    server.add_tool(routed, name="routed")
    schema: Any = lowlevel_server(server).get_tool_input_schema("routed")
    assert schema is not None and schema["properties"]["region"][X_MCP_HEADER_KEY] == "Region"
    mismatch = validate_mcp_param_headers(schema, {"region": "us"}, {"mcp-param-region": "eu"})
    assert mismatch is not None and "Mcp-Param-Region" in mismatch.message
    assert validate_mcp_param_headers(schema, {"region": "eu"}, {"mcp-param-region": "eu"}) is None


def test_a_tool_registered_anew_under_the_same_name_is_looked_at_again(world: World) -> None:
    server = build_server(*world.families())
    lookup = lowlevel_server(server).get_tool_input_schema
    server.add_tool(plain, name="swapped")
    assert lookup("swapped") is None
    server.remove_tool("swapped")
    server.add_tool(routed, name="swapped")
    assert lookup("swapped") is not None
    server.remove_tool("swapped")
    server.add_tool(plain, name="swapped")
    assert lookup("swapped") is None
