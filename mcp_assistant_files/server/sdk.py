"""The one place that relies on the MCP SDK's ``Tool`` internals.

``MCPServer`` registers ``Tool`` objects; ours is a subclass that:

* checks its arguments itself, strictly (unknown names and invalid values get one sentence each,
  from ``service.arguments``; the SDK would drop the first silently, accept ``"10"`` for an
  integer and report the rest as pydantic's multi-line text), with ``fn_metadata.arg_model``,
  ``fn_metadata.pre_parse_json`` and the model's ``model_dump_one_level``;
* turns the handler's result model into a ``CallToolResult`` and every failure into an ``isError``
  result, so no exception ever reaches the SDK (whose generic text would reach the agent);
* publishes flat schemas: ``parameters`` is replaced, and ``Tool.output_schema`` (a cached
  property of the SDK, which reads ``fn_metadata``) is overridden;
* given its published schemas (:mod:`.published`), is made without ``Tool.from_function``, and
  builds ``fn_metadata`` (its argument model) on its first call: start-up then pays nothing for
  models that only a call needs.

The low-level server's handler table (what is advertised and served, tools by scope) is
:mod:`.handlers`' job, the other place that relies on the SDK's internals.

``new_mcp_server`` builds ``MCPServer`` without its ``configure_logging`` call, which imports
``rich`` (0.04 s of start-up) to hand ``logging.basicConfig`` a handler that it discards once the
root logger has one (ours, :func:`..logs.configure_logging`), and that would otherwise take over
the root logger of an application embedding the server.

``check_param_headers_where_declared`` hands the SDK's ``Mcp-Param-*`` header check (streamable
HTTP, every ``tools/call``) a tool's input schema only when it declares such a header.

And ``serve_streams`` runs the server over a stream pair of our own (``MCPServer`` only offers
its stdio loop, which drops requests in flight at end of input), through the low-level server
that ``MCPServer`` wraps (``lowlevel_server``, which ``answers`` gives its JSON-mode manager, with
``read_only_tools``).

``tests/server/test_sdk_adapter.py`` fails if an SDK upgrade changes any of these.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import cache, cached_property
from typing import Any, cast

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver import server as mcpserver_module
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata, func_metadata
from mcp.shared.inbound import find_invalid_x_mcp_header, x_mcp_header_map
from mcp_types import (
    CallToolResult,
    ContentBlock,
    TextContent,
    ToolAnnotations,
)
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from ..redaction import redact
from ..service.arguments import describe_invalid, unknown_arguments
from ..service.declaration import ToolFailure, ToolSpec
from ..service.progress import Reporter, reporting_to
from ..service.resources import Linked
from .published import PublishedSchemas
from .resources import resource_links
from .schemas import flatten_input, flatten_output

__all__ = [
    "StrictTool",
    "check_param_headers_where_declared",
    "error_result",
    "generated_tool",
    "lowlevel_server",
    "make_tool",
    "new_mcp_server",
    "read_only_tools",
    "reply_result",
    "serve_streams",
]

logger = logging.getLogger("mcp_assistant_files.server")

Handler = Callable[..., Awaitable[BaseModel]]


def reply_result(result: BaseModel) -> CallToolResult:
    """A successful tool result: the structured content, and the same JSON as its text.

    The spec says a tool returning ``structuredContent`` SHOULD also return it serialised in a
    text block; clients that read text only (mcpo, the OpenAI Agents SDK by default) then still
    see every field, ``next_step`` included. A field without a value is absent, never null.

    A listing also links to the resource of each object it lists (``resource_link`` blocks after
    the text), so a host can fetch details lazily.
    """
    structured = result.model_dump(mode="json", exclude_none=True)
    text = json.dumps(structured, ensure_ascii=False, separators=(",", ":"))
    content: list[ContentBlock] = [TextContent(type="text", text=text)]
    if _lists_links(type(result)):
        content += resource_links(cast(Linked, result).resource_links())
    return CallToolResult(content=content, structured_content=structured)


@cache
def _lists_links(kind: type[BaseModel]) -> bool:
    """Whether results of ``kind`` are :class:`Linked`, asked once per class: ``isinstance`` against
    a runtime-checkable protocol took 9 us, half of :func:`reply_result`'s time on every call."""
    return issubclass(kind, Linked)


def error_result(text: str) -> CallToolResult:
    """An ``isError`` tool result whose whole text is ``text``."""
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


class StrictTool(Tool):
    """A tool that checks its arguments itself and never lets an exception reach the SDK."""

    secrets: tuple[str, ...] = ()
    fn_metadata: FuncMetadata | None = None  # type: ignore[assignment]  # built by the first call
    published_output: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @cached_property
    def output_schema(self) -> dict[str, Any] | None:
        """The flat output schema, as published."""
        return self.published_output

    def metadata(self) -> FuncMetadata:
        """The SDK's metadata of the handler (its argument model), built on first use."""
        if self.fn_metadata is None:
            self.fn_metadata = func_metadata(self.fn, structured_output=False)
        return self.fn_metadata

    def checked_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments as the handler's keyword arguments, checked strictly against the schema.

        The SDK validates in pydantic's lax mode, which accepts ``"10"``, ``5.0`` or ``true`` for
        an integer; the published schema says integer, so only an integer passes. Objects and
        arrays sent as JSON text (a habit of some hosts) are still decoded first, as the SDK does.
        """
        metadata = self.metadata()
        model = metadata.arg_model.model_validate(metadata.pre_parse_json(arguments), strict=True)
        return model.model_dump_one_level()

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        problem = unknown_arguments(self.name, self.parameters, arguments)
        if problem is not None:
            return error_result(problem)
        try:
            validated = self.checked_arguments(arguments)
        except ValidationError as err:
            return error_result(redact(describe_invalid(self.name, self.parameters, err), self.secrets))
        try:
            with reporting_to(_progress_reporter(context)):
                result: BaseModel = await self.fn(**validated)
        except ToolFailure as failure:
            return error_result(redact(str(failure), self.secrets))
        except Exception:
            logger.exception("tool %s failed unexpectedly", self.name)
            return error_result(
                f"{self.name} failed because of an internal error in mcp-assistant-files (see the server's "
                "log). Nothing suggests the request was wrong: you may try again once."
            )
        return reply_result(result)


def _progress_reporter(context: Any) -> Reporter | None:
    """MCP progress notifications for this call, when the client sent a ``progressToken``."""
    report = getattr(context, "report_progress", None)
    if report is None:
        return None

    async def reporter(progress: float, total: float | None, message: str | None) -> None:
        try:
            await report(progress, total, message)
        except Exception:  # progress is a courtesy: a client that cannot take it must not fail the call
            logger.debug("progress notification not sent", exc_info=True)

    return reporter


def tool_annotations(spec: ToolSpec) -> ToolAnnotations:
    """MCP's tool annotations for the declared hints."""
    return ToolAnnotations(
        read_only_hint=spec.hints.read_only,
        destructive_hint=spec.hints.destructive,
        idempotent_hint=spec.hints.idempotent,
        open_world_hint=spec.hints.open_world,
    )


def make_tool(
    spec: ToolSpec, handler: Handler, *, secrets: Sequence[str], published: PublishedSchemas | None = None
) -> StrictTool:
    """The SDK tool for ``spec``, run by ``handler`` (the family's bound method).

    With ``published`` the tool takes those schemas and builds its argument model on its first
    call; without, both are generated from the handler's signature and ``spec.result`` now.
    """
    if published is None:
        return generated_tool(spec, handler, secrets=secrets)
    return StrictTool(
        fn=handler,
        name=spec.name,
        title=spec.title,
        description=spec.description,
        parameters=published.input,
        published_output=published.output,
        is_async=True,
        annotations=tool_annotations(spec),
        secrets=tuple(s for s in secrets if s),
    )


def generated_tool(spec: ToolSpec, handler: Handler, *, secrets: Sequence[str]) -> StrictTool:
    """The tool for ``spec`` with its schemas generated from the models (what ``definitions/`` holds)."""
    made = StrictTool.from_function(
        handler,
        name=spec.name,
        title=spec.title,
        description=spec.description,
        annotations=tool_annotations(spec),
        structured_output=False,
    )
    assert isinstance(made, StrictTool)
    # A published tool is made without the SDK's signature inspection: handlers take neither.
    assert made.context_kwarg is None, "a handler takes no Context"
    assert not made.resolved_params, "a handler takes no Resolve parameter"
    made.secrets = tuple(s for s in secrets if s)
    made.parameters = flatten_input(made.parameters)
    made.published_output = flatten_output(TypeAdapter(spec.result).json_schema())
    return made


def new_mcp_server(*args: Any, **kwargs: Any) -> MCPServer:
    """``MCPServer(*args, **kwargs)`` leaving logging as it is (see the module)."""
    configure = getattr(mcpserver_module, "configure_logging")  # noqa: B009  # not in the module's exports
    setattr(mcpserver_module, "configure_logging", lambda *_, **__: None)  # noqa: B010
    try:
        return MCPServer(*args, **kwargs)
    finally:
        setattr(mcpserver_module, "configure_logging", configure)  # noqa: B010


def read_only_tools(server: MCPServer) -> frozenset[str]:
    """The names of the server's tools whose annotations say they only read."""
    tools = server._tool_manager.list_tools()
    return frozenset(t.name for t in tools if t.annotations is not None and t.annotations.read_only_hint)


def lowlevel_server(server: MCPServer) -> Any:
    """The low-level server that ``MCPServer`` wraps (what its session managers serve)."""
    return server._lowlevel_server


def check_param_headers_where_declared(server: MCPServer) -> MCPServer:
    """Give the SDK's ``Mcp-Param-*`` check a tool's input schema only if it declares a header.

    On every ``tools/call`` over streamable HTTP the SDK looks up the called tool's input schema
    and walks all of it for ``x-mcp-header`` annotations (7.4 us a call); no tool of ours has one.
    For a schema without a valid annotation the check can find nothing wrong, whatever the
    headers, and ``None`` (no schema) tells it so at once: the answers are the same. What each
    schema declares is remembered per tool name, and looked at again when the tool's schema is
    another object (a tool registered anew).
    """
    lowlevel = lowlevel_server(server)
    lookup: Callable[[str], Any] | None = lowlevel.get_tool_input_schema
    if lookup is None:  # the SDK then asks its tools/list handler: nothing to shortcut
        return server
    known: dict[str, tuple[object, bool]] = {}  # as many entries as registered tools at most

    def declared(name: str) -> Any:
        schema = lookup(name)
        if schema is None:
            return None
        seen = known.get(name)
        if seen is None or seen[0] is not schema:
            declares = find_invalid_x_mcp_header(schema) is None and bool(x_mcp_header_map(schema))
            seen = known[name] = (schema, declares)
        return schema if seen[1] else None

    lowlevel.get_tool_input_schema = declared
    return server


async def serve_streams(server: MCPServer, read_stream: Any, write_stream: Any) -> None:
    """Serve one connection over ``read_stream``/``write_stream`` until the read side ends."""
    lowlevel = lowlevel_server(server)
    await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
