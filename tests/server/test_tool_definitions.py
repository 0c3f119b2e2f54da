"""Tool definitions: the published files, flat schemas, descriptions, limits and hints.

The server publishes the definitions in ``mcp_assistant_files/server/definitions/``. A model or
declaration that changes what they should say fails
``test_the_published_definitions_are_what_the_models_generate_now``; after reviewing the change,
rewrite them with ``UPDATE_TOOLSNAPS=1 python -m pytest tests/server``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool

from mcp_assistant_files.server import published
from mcp_assistant_files.server.published import DEFINITIONS
from mcp_assistant_files.server.registry import build_server, served
from mcp_assistant_files.server.sdk import StrictTool, generated_tool
from mcp_assistant_files.service.catalog import TOOL_NAMES
from mcp_assistant_files.service.fields import ID_PATTERN

from .conftest import World

pytestmark = pytest.mark.anyio

FORBIDDEN = {"$ref", "$defs", "anyOf", "oneOf", "allOf"}


async def definitions(world: World, mode: str = "auto") -> dict[str, dict[str, Any]]:
    async with world.connect(mode) as client:
        tools = (await client.list_tools()).tools
    return {t.name: t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools}


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def rendered(definition: dict[str, Any]) -> str:
    """A listed definition as its file holds it."""
    kept = {key: value for key, value in definition.items() if key != "_meta"}
    return json.dumps(kept, indent=2, ensure_ascii=False) + "\n"


async def test_the_published_definitions_are_what_the_models_generate_now(world: World) -> None:
    generated: list[Tool] = [
        generated_tool(spec, getattr(family, spec.method), secrets=())
        for family, spec in served(world.families())
    ]
    async with Client(MCPServer("generated", tools=generated)) as client:
        listed = (await client.list_tools()).tools
    assert [tool.name for tool in listed] == list(TOOL_NAMES)
    assert sorted(path.stem for path in DEFINITIONS.glob("*.json")) == sorted(TOOL_NAMES)
    for tool in listed:
        path = DEFINITIONS / f"{tool.name}.json"
        text = rendered(tool.model_dump(mode="json", by_alias=True, exclude_none=True))
        if os.environ.get("UPDATE_TOOLSNAPS"):
            path.write_text(text, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text, (
            f"{tool.name} changed: review, then UPDATE_TOOLSNAPS=1"
        )


async def test_the_server_lists_the_published_definitions(world: World) -> None:
    found = await definitions(world)
    assert list(found) == list(TOOL_NAMES)
    for name, definition in found.items():
        assert rendered(definition) == (DEFINITIONS / f"{name}.json").read_text(encoding="utf-8"), name


async def test_a_published_tool_builds_its_argument_model_on_its_first_call(world: World) -> None:
    server = build_server(*world.families())
    tool = server._tool_manager.get_tool("get_assistant_file")
    assert isinstance(tool, StrictTool) and tool.fn_metadata is None
    async with world.upstream.running(), Client(server) as client:
        await client.list_tools()
        assert tool.fn_metadata is None
        refused = await client.call_tool(
            "get_assistant_file", {"assistant_id": world.assistant_id, "file_id": 7}
        )
    assert refused.is_error and tool.fn_metadata is not None


@pytest.mark.parametrize(
    "damage",
    [b"{not json", b'{"inputSchema": {}}', b'{"inputSchema": [], "outputSchema": {}}', b"\xff\xfe"],
    ids=["not-json", "no-output-schema", "schema-not-an-object", "not-utf8"],
)
async def test_a_damaged_definition_file_costs_speed_not_the_tool(
    world: World,
    damage: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for path in DEFINITIONS.glob("*.json"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "get_assistant_file.json").write_bytes(damage)
    [file_id] = world.seed(1)
    monkeypatch.setattr(published, "DEFINITIONS", tmp_path)
    with caplog.at_level(logging.WARNING, logger=published.__name__):
        server = build_server(*world.families())
    assert [r.getMessage().split(" is unreadable")[0] for r in caplog.records] == [
        str(tmp_path / "get_assistant_file.json")
    ]
    assert "reinstall the package" in caplog.text
    async with world.upstream.running(), Client(server) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        arguments = {"assistant_id": world.assistant_id, "file_id": file_id}
        answer = await client.call_tool("get_assistant_file", arguments)
    rendered_now = rendered(
        listed["get_assistant_file"].model_dump(mode="json", by_alias=True, exclude_none=True)
    )
    assert rendered_now == (DEFINITIONS / "get_assistant_file.json").read_text(encoding="utf-8")
    assert not answer.is_error and answer.structured_content is not None
    assert answer.structured_content["id"] == file_id


async def test_definitions_are_the_same_in_both_protocol_modes(world: World) -> None:
    auto, legacy = await definitions(world, "auto"), await definitions(world, "legacy")
    for name in TOOL_NAMES:
        for key in ("inputSchema", "outputSchema", "annotations", "title", "description"):
            assert auto[name][key] == legacy[name][key]


async def test_no_schema_uses_ref_defs_anyof_or_oneof(world: World) -> None:
    scalar = {"string", "number", "integer", "boolean"}
    for name, definition in (await definitions(world)).items():
        for schema_key in ("inputSchema", "outputSchema"):
            schema = definition[schema_key]
            keys = {key for key, _ in walk(schema)}
            assert not keys & (FORBIDDEN - {"anyOf"}), (name, schema_key, keys & FORBIDDEN)
            # The one exception: a value that may be one of several scalar types (an attribute's
            # string, number or boolean) is anyOf single-typed branches (Inspector --strict's advice).
            for union in (value for key, value in walk(schema) if key == "anyOf"):
                for branch in union:
                    assert set(branch) <= {"type", "pattern", "maxLength"} and branch["type"] in scalar, (
                        name,
                        union,
                    )


async def test_every_property_has_a_description_and_inputs_have_limits(world: World) -> None:
    for name, definition in (await definitions(world)).items():
        for schema_key in ("inputSchema", "outputSchema"):
            for key, value in walk(definition[schema_key]):
                if key == "properties":
                    for prop, schema in value.items():
                        assert schema.get("description"), (name, schema_key, prop)
        inputs = definition["inputSchema"]
        assert "additionalProperties" not in inputs  # google-genai's MCP adapter crashes on the boolean
        for prop, schema in inputs["properties"].items():
            # Every converter keeps pattern and enum; OpenAI strict mode takes no min/maxLength.
            assert not {"minLength", "maxLength"} & set(schema), (name, prop)
            if schema["type"] == "string":
                assert "enum" in schema or re.search(r"\{\d+,\d+\}\$$", schema["pattern"]), (name, prop)
            if prop.endswith("_id"):
                assert schema["pattern"] == ID_PATTERN
            if "default" in schema:
                assert schema["description"].endswith(f" Default: {schema['default']}."), (name, prop)
    listing = (await definitions(world))["list_assistant_files"]["inputSchema"]["properties"]
    assert (listing["limit"]["minimum"], listing["limit"]["maximum"], listing["limit"]["default"]) == (
        1,
        100,
        20,
    )
    assert listing["order"]["enum"] == ["asc", "desc"]
    assert listing["order"]["default"] == "desc"


async def test_every_tool_has_a_title_and_all_four_hints(world: World) -> None:
    expected = {
        "list_assistant_files": (True, False, True),
        "get_assistant_file": (True, False, True),
        "attach_assistant_file": (False, False, True),
        "detach_assistant_file": (False, True, True),
        "list_vector_stores": (True, False, True),
        "list_vector_store_files": (True, False, True),
        "get_vector_store_file": (True, False, True),
        "attach_vector_store_file": (False, False, True),
        "update_vector_store_file_attributes": (False, True, True),
        "detach_vector_store_file": (False, True, True),
        "list_files": (True, False, True),
        "upload_file": (False, False, False),
    }
    for name, definition in (await definitions(world)).items():
        assert definition["title"]
        hints = definition["annotations"]
        assert set(hints) >= {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}, name
        assert (hints["readOnlyHint"], hints["destructiveHint"], hints["idempotentHint"]) == expected[name]


async def test_results_match_the_output_schema(world: World) -> None:
    import jsonschema

    world.seed(3)
    found = await definitions(world)
    async with world.connect() as client:
        listing = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "limit": 2}
        )
        assert listing.structured_content is not None
        jsonschema.validate(listing.structured_content, found["list_assistant_files"]["outputSchema"])
        file_id = listing.structured_content["files"][0]["id"]
        got = await client.call_tool(
            "get_assistant_file", {"assistant_id": world.assistant_id, "file_id": file_id}
        )
        jsonschema.validate(got.structured_content, found["get_assistant_file"]["outputSchema"])
        new = world.new_file()
        attached = await client.call_tool(
            "attach_assistant_file", {"assistant_id": world.assistant_id, "file_id": new}
        )
        jsonschema.validate(attached.structured_content, found["attach_assistant_file"]["outputSchema"])
        gone = await client.call_tool(
            "detach_assistant_file", {"assistant_id": world.assistant_id, "file_id": new}
        )
        jsonschema.validate(gone.structured_content, found["detach_assistant_file"]["outputSchema"])
        assert gone.structured_content is not None
        assert {k: v for k, v in gone.structured_content.items() if k != "next_step"} == {
            "id": new,
            "assistant_id": world.assistant_id,
            "deleted": True,
            "already_detached": False,
        }


async def test_instructions_explain_cursors_in_both_modes(world: World, mode: str) -> None:
    async with world.connect(mode) as client:
        assert client.instructions is not None
        assert "next_cursor" in client.instructions
