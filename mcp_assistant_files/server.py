"""The MCP server: four tools over ``AssistantFilesTools``, with schemas hosts accept.

Each tool's input and output schema come from pydantic (the function's ``Annotated`` parameters
and the result model), flattened by ``schemas``. Every outcome is a ``CallToolResult`` built
here: structured content plus a short text on success; on failure ``isError`` with one sentence
that says what to do next. Arguments are checked before the SDK sees them, so an unknown or
invalid argument gets our sentence, not pydantic's report.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from ._version import __version__
from .arguments import describe_invalid, unknown_arguments
from .schemas import flatten_input, flatten_output
from .tools import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    AssistantFilesTools,
    AttachedFile,
    DetachedFile,
    FileListing,
    ToolFailure,
)

__all__ = ["INSTRUCTIONS", "build_server"]

logger = logging.getLogger("mcp_assistant_files.server")

INSTRUCTIONS = """\
Manage the files attached to OpenAI-style (v1) assistants.
- list_assistant_files returns one page. When next_cursor is not null, call it again with the same \
assistant_id, order and limit and cursor=next_cursor to get the next page; previous_cursor goes back. \
Cursors are opaque: pass them exactly as returned; omit cursor to start from the first page.
- get_assistant_file checks one attachment; attach_assistant_file and detach_assistant_file change \
them (attach is idempotent; detach keeps the file itself).
- Errors say what to do next: follow them.
"""

AssistantId = Annotated[
    str,
    Field(
        description="The assistant's id, such as asst_abc123.",
        min_length=1,
        max_length=ID_MAX_LENGTH,
        pattern=ID_PATTERN,
    ),
]
FileId = Annotated[
    str,
    Field(
        description="The file's id, such as file-abc123.",
        min_length=1,
        max_length=ID_MAX_LENGTH,
        pattern=ID_PATTERN,
    ),
]
Limit = Annotated[int, Field(description="How many files per page, from 1 to 100.", ge=1, le=100)]
Order = Annotated[
    Literal["asc", "desc"],
    Field(description="Sort by attachment time: desc (newest first) or asc (oldest first)."),
]
Cursor = Annotated[
    str | None,
    Field(
        description=(
            "Omit for the first page. To continue, pass next_cursor (or previous_cursor) from the "
            "previous list_assistant_files result, unchanged, with the same assistant_id and order."
        ),
        max_length=512,
    ),
]

Handler = Callable[..., Awaitable[CallToolResult]]


def _result(model: BaseModel, text: str) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=model.model_dump(mode="json")
    )


def _error(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


class _StrictTool(Tool):
    """A tool that checks its arguments itself and never lets an exception reach the SDK."""

    redact: tuple[str, ...] = ()

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        problem = unknown_arguments(self.name, self.parameters, arguments)
        if problem is not None:
            return _error(problem)
        try:
            validated = self.fn_metadata.validate_arguments(arguments)
        except ValidationError as err:
            return _error(self._redacted(describe_invalid(self.name, self.parameters, err)))
        try:
            result: CallToolResult = await self.fn(**validated)
        except ToolFailure as failure:
            return _error(self._redacted(str(failure)))
        except Exception:
            logger.exception("tool %s failed unexpectedly", self.name)
            return _error(
                f"{self.name} failed because of an internal error in mcp-assistant-files (see the server's "
                "log). Nothing suggests the request was wrong: you may try again once."
            )
        return result

    def _redacted(self, text: str) -> str:
        for secret in self.redact:
            if secret:
                text = text.replace(secret, "<redacted>")
        return text


def _tool(
    fn: Handler,
    *,
    name: str,
    title: str,
    description: str,
    annotations: ToolAnnotations,
    redact: tuple[str, ...],
) -> Tool:
    tool = _StrictTool.from_function(
        fn, name=name, title=title, description=description, annotations=annotations
    )
    assert isinstance(tool, _StrictTool)
    tool.redact = redact
    tool.parameters = flatten_input(tool.parameters)
    # Read by ``Tool.output_schema`` (a cached property): set before anything reads it.
    tool.fn_metadata.output_schema = flatten_output(tool.fn_metadata.output_schema or {})
    return tool


def _handlers(service: AssistantFilesTools) -> Mapping[str, tuple[Handler, str, str, ToolAnnotations]]:
    async def list_assistant_files(
        assistant_id: AssistantId, limit: Limit = 20, order: Order = "desc", cursor: Cursor = None
    ) -> Annotated[CallToolResult, FileListing]:
        return _result(*await service.list_files(assistant_id, limit=limit, order=order, cursor=cursor))

    async def get_assistant_file(
        assistant_id: AssistantId, file_id: FileId
    ) -> Annotated[CallToolResult, AttachedFile]:
        return _result(*await service.get_file(assistant_id, file_id))

    async def attach_assistant_file(
        assistant_id: AssistantId, file_id: FileId
    ) -> Annotated[CallToolResult, AttachedFile]:
        return _result(*await service.attach_file(assistant_id, file_id))

    async def detach_assistant_file(
        assistant_id: AssistantId, file_id: FileId
    ) -> Annotated[CallToolResult, DetachedFile]:
        return _result(*await service.detach_file(assistant_id, file_id))

    def hints(*, read_only: bool, destructive: bool, idempotent: bool) -> ToolAnnotations:
        return ToolAnnotations(
            read_only_hint=read_only,
            destructive_hint=destructive,
            idempotent_hint=idempotent,
            open_world_hint=False,
        )

    return {
        "list_assistant_files": (
            list_assistant_files,
            "List assistant files",
            "List the files attached to an assistant, one page at a time (newest first by default). "
            "The result has next_cursor/previous_cursor: pass one back as `cursor` to move between pages.",
            hints(read_only=True, destructive=False, idempotent=True),
        ),
        "get_assistant_file": (
            get_assistant_file,
            "Get assistant file",
            "Get one file attached to an assistant (an error says if it is not attached).",
            hints(read_only=True, destructive=False, idempotent=True),
        ),
        "attach_assistant_file": (
            attach_assistant_file,
            "Attach file to assistant",
            "Attach an uploaded file (purpose 'assistants') to an assistant. Attaching a file that is "
            "already attached changes nothing and returns it.",
            hints(read_only=False, destructive=False, idempotent=True),
        ),
        "detach_assistant_file": (
            detach_assistant_file,
            "Detach file from assistant",
            "Detach a file from an assistant. The file itself is not deleted and can be attached again.",
            hints(read_only=False, destructive=True, idempotent=True),
        ),
    }


def build_server(service: AssistantFilesTools, *, redact: Sequence[str] = ()) -> MCPServer:
    """The MCP server exposing the tools ``service.policy`` enables.

    ``redact`` lists secrets (besides the upstream key) that must never appear in a result.
    """
    secrets = tuple(s for s in (*redact, service.client.api_key or "") if s)
    handlers = _handlers(service)
    tools = []
    for name in service.policy.enabled_tools():
        fn, title, description, annotations = handlers[name]
        tools.append(
            _tool(
                fn, name=name, title=title, description=description, annotations=annotations, redact=secrets
            )
        )
    return MCPServer(
        "mcp-assistant-files",
        title="Assistant files",
        description="List, get, attach and detach the files of OpenAI-style (v1) assistants.",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
        tools=tools,
    )
