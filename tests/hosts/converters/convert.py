"""Feed MCP tools through the hosts' own schema converters (run in the converters' venv).

    python convert.py TOOLS.json   (TOOLS: the ``tools`` of a tools/list result)

Prints one JSON object: tool name -> converter -> {"strict", "schema", "error"}, where
``strict`` says whether the host sends the tool in (OpenAI-style) strict mode and ``schema`` is
the parameters schema it sends, in JSON Schema keywords. The converters are the libraries'
own code, called the way each host calls them for an MCP tool:

- ``openai-agents``: ``MCPUtil.to_function_tool(..., convert_schemas_to_strict=True)`` (opt-in);
- ``langchain``: ``langchain-mcp-adapters``' tool, then ``convert_to_openai_tool(strict=True)`` (opt-in);
- ``pydantic-ai openai``: ``OpenAIChatModel`` with ``OpenAIProvider`` (strict when compatible);
- ``pydantic-ai openai-compatible``: ``OpenAIJsonSchemaTransformer``, the profile of DeepSeek,
  Cerebras, Fireworks and other OpenAI-compatible providers (strict when compatible);
- ``pydantic-ai openai strict``: the same with ``strict=True`` forced on the tool;
- ``pydantic-ai gemini``: the profile ``GoogleModel`` uses for Gemini (``GoogleJsonSchemaTransformer``);
- ``google-genai``: ``mcp_to_gemini_tool`` (its ``Schema`` conversion), checked again with
  ``raise_error_on_unsupported_field=True``.

This file is not imported by the test suite: it runs under the converters' interpreter.
"""

from __future__ import annotations

import copy
import json
import logging
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)

Schema = dict[str, Any]
Converted = dict[str, Any]


def openai_agents(tool: Any) -> Converted:
    from agents.mcp import MCPServerStreamableHttp
    from agents.mcp.util import MCPUtil

    server = MCPServerStreamableHttp(params={"url": "http://127.0.0.1:9/mcp"})  # never connected
    function_tool = MCPUtil.to_function_tool(tool, server, convert_schemas_to_strict=True)
    return {"strict": function_tool.strict_json_schema, "schema": function_tool.params_json_schema}


def langchain(tool: Any) -> Converted:
    from langchain_core.utils.function_calling import convert_to_openai_tool
    from langchain_mcp_adapters.tools import convert_mcp_tool_to_langchain_tool

    connection = {"transport": "streamable_http", "url": "http://127.0.0.1:9/mcp"}  # never connected
    converted = convert_to_openai_tool(
        convert_mcp_tool_to_langchain_tool(None, tool, connection=connection), strict=True
    )
    return {"strict": converted["function"]["strict"], "schema": converted["function"]["parameters"]}


def pydantic_ai(make_model: Callable[[], Any], strict: bool | None = None) -> Callable[[Any], Converted]:
    def convert(tool: Any) -> Converted:
        from pydantic_ai.models import ModelRequestParameters
        from pydantic_ai.tools import ToolDefinition

        definition = ToolDefinition(
            name=tool.name,
            description=tool.description,
            parameters_json_schema=copy.deepcopy(tool.inputSchema),
            strict=strict,
        )
        (sent,) = (
            make_model()
            .customize_request_parameters(ModelRequestParameters(function_tools=[definition]))
            .function_tools
        )
        return {"strict": bool(sent.strict), "schema": sent.parameters_json_schema}

    return convert


def openai_model() -> Any:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    return OpenAIChatModel("gpt-4.1", provider=OpenAIProvider(api_key="unused"))


def openai_compatible_model() -> Any:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.profiles.openai import OpenAIJsonSchemaTransformer, OpenAIModelProfile
    from pydantic_ai.providers.openai import OpenAIProvider

    profile = OpenAIModelProfile(json_schema_transformer=OpenAIJsonSchemaTransformer)
    provider = OpenAIProvider(base_url="http://127.0.0.1:9/v1", api_key="unused")
    return OpenAIChatModel("compatible", provider=provider, profile=profile)


def gemini_model() -> Any:
    # GoogleModel's own profile. (pydantic-ai's google extra pins google-genai<3, which would
    # hide the google-genai 3.x that hosts using it directly run; the profile needs neither.)
    from pydantic_ai.models.test import TestModel
    from pydantic_ai.profiles.google import google_model_profile

    return TestModel(profile=google_model_profile("gemini-2.5-flash"))


def _genai_to_json_schema(node: Any) -> Any:
    """google-genai's ``Schema`` dump (camelCase, ``STRING``) in JSON Schema keywords."""
    if isinstance(node, list):
        return [_genai_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "type" and isinstance(value, str):
            out[key] = value.lower()
        elif key == "properties":
            out[key] = {name: _genai_to_json_schema(prop) for name, prop in value.items()}
        else:
            out[key] = _genai_to_json_schema(value)
    return out


def google_genai(tool: Any) -> Converted:
    from google.genai import _mcp_utils, types

    (declaration,) = _mcp_utils.mcp_to_gemini_tool(tool).function_declarations or []
    assert declaration.parameters is not None
    filtered = _mcp_utils._filter_to_supported_schema(tool.inputSchema)
    types.Schema.from_json_schema(
        json_schema=types.JSONSchema(**filtered), raise_error_on_unsupported_field=True
    )
    dumped = declaration.parameters.model_dump(mode="json", exclude_none=True, by_alias=True)
    return {"strict": False, "schema": _genai_to_json_schema(dumped)}


CONVERTERS: dict[str, Callable[[Any], Converted]] = {
    "openai-agents": openai_agents,
    "langchain": langchain,
    "pydantic-ai openai": pydantic_ai(openai_model),
    "pydantic-ai openai-compatible": pydantic_ai(openai_compatible_model),
    "pydantic-ai openai strict": pydantic_ai(openai_compatible_model, strict=True),
    "pydantic-ai gemini": pydantic_ai(gemini_model),
    "google-genai": google_genai,
}


def main(path: str) -> None:
    from mcp.types import Tool

    tools = [Tool.model_validate(raw) for raw in json.loads(Path(path).read_text(encoding="utf-8"))]
    verdicts: dict[str, dict[str, Converted]] = {}
    for tool in tools:
        verdicts[tool.name] = {}
        for name, convert in CONVERTERS.items():
            try:
                verdicts[tool.name][name] = {**convert(tool), "error": None}
            except Exception as err:  # noqa: BLE001 - a converter that refuses the tool is a verdict too
                verdicts[tool.name][name] = {
                    "strict": False,
                    "schema": None,
                    "error": f"{type(err).__name__}: {err}",
                }
    sys.stdout.write(json.dumps(verdicts) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
