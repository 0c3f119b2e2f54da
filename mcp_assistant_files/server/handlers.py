"""The low-level server's handler table: what the server advertises and serves, and to whom.

``advertise_only_what_exists`` makes the server offer prompts and resources only while it has
some: ``MCPServer`` always registers their handlers, and the low-level server advertises a
capability for every handler it holds, so a server with tools only would advertise (and answer)
``prompts`` and ``resources`` with nothing in them, and ``prompts/get`` of an unknown name would
answer error code 0. Its handler table (``Server._request_handlers``) is replaced by one that
hides a feature's methods while the server's ``_prompt_manager``/``_resource_manager`` holds
nothing of it: the capability then disappears and its methods answer -32601 (method not found),
as the 2026-07-28 revision says; registering a resource or a template (``MCPServer.resource``,
``add_resource``, ``add_template``), even after the server was built, turns ``resources`` on.

``serve_tools_by_scope`` makes tools/list show, and tools/call run, only the tools the request's
access token has the scope for. The token comes from ``get_access_token()``: the SDK's
``AuthContextMiddleware`` sets it (a context variable) for the HTTP request, and the SDK runs each
message's handler in the context of the request that carried it, so the handler sees the token
of *its* request, even in a stateful session opened with another one. Both handlers in the
low-level table are wrapped (``tools/list`` filters the SDK's listing; ``tools/call`` refuses
with an ``isError`` result naming the scope), as ``prompts/get`` is above.

``tests/server/test_sdk_adapter.py`` fails if an SDK upgrade changes any of these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mcp import MCPError
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import MCPServer
from mcp_types import (
    INVALID_PARAMS,
    CallToolRequestParams,
    GetPromptRequestParams,
    ListToolsResult,
    PaginatedRequestParams,
)

from ..service.declaration import unserved_tool
from ..service.scopes import missing_scope
from .sdk import error_result

__all__ = ["FEATURE_METHODS", "advertise_only_what_exists", "granted_scopes", "serve_tools_by_scope"]


FEATURE_METHODS: dict[str, tuple[str, ...]] = {
    "prompts": ("prompts/list", "prompts/get"),
    "resources": (
        "resources/list",
        "resources/read",
        "resources/templates/list",
        "resources/subscribe",
        "resources/unsubscribe",
    ),
}
"""The request methods of each optional feature, served only while the server has some of it."""

_FEATURE_OF = {method: feature for feature, methods in FEATURE_METHODS.items() for method in methods}


class _ServedHandlers(dict[str, Any]):
    """The low-level server's handler table, without the methods of a feature the server lacks.

    The SDK asks this table (``in``, ``get``) both which capabilities to advertise and which
    handler answers a request, so a hidden method is neither advertised nor served.
    """

    def __init__(self, handlers: dict[str, Any], has: Callable[[str], bool]) -> None:
        super().__init__(handlers)
        self._has = has

    def _hidden(self, method: object) -> bool:
        feature = _FEATURE_OF.get(method) if isinstance(method, str) else None
        return feature is not None and not self._has(feature)

    def __contains__(self, method: object) -> bool:
        return not self._hidden(method) and super().__contains__(method)

    def __getitem__(self, method: str) -> Any:
        if self._hidden(method):
            raise KeyError(method)
        return super().__getitem__(method)

    def get(self, method: str, default: Any = None) -> Any:
        return default if self._hidden(method) else super().get(method, default)


def advertise_only_what_exists(server: MCPServer) -> MCPServer:
    """Make ``server`` advertise and serve prompts and resources only while it has some.

    An unknown prompt name then answers -32602 (invalid params), as an unknown resource already
    does, instead of the SDK's error code 0.
    """
    prompts = server._prompt_manager
    resources = server._resource_manager

    def has(feature: str) -> bool:
        if feature == "prompts":
            return bool(prompts.list_prompts())
        return bool(resources.list_resources() or resources.list_templates())

    lowlevel = server._lowlevel_server
    get_prompt = lowlevel.get_request_handler("prompts/get")
    assert get_prompt is not None, "MCPServer no longer registers prompts/get"

    async def get_known_prompt(ctx: Any, params: GetPromptRequestParams) -> Any:
        if prompts.get_prompt(params.name) is None:
            raise MCPError(INVALID_PARAMS, f"Unknown prompt: {params.name}", data={"name": params.name})
        return await get_prompt.handler(ctx, params)

    lowlevel.add_request_handler("prompts/get", GetPromptRequestParams, get_known_prompt)
    lowlevel._request_handlers = _ServedHandlers(lowlevel._request_handlers, has)
    return server


def answer_unserved_tools(server: MCPServer, withheld: Mapping[str, str]) -> MCPServer:
    """Answer a call of a tool ``server`` does not have with a sentence, not the SDK's "Unknown tool".

    ``withheld`` names the declared tools left out, each with why (see ``unserved_tool``).
    """
    lowlevel = server._lowlevel_server
    call_tool = lowlevel.get_request_handler("tools/call")
    assert call_tool is not None, "MCPServer no longer registers tools/call"

    async def call_known(ctx: Any, params: CallToolRequestParams) -> Any:
        if server._tool_manager.get_tool(params.name) is None:
            return error_result(unserved_tool(params.name, withheld))
        return await call_tool.handler(ctx, params)

    lowlevel.add_request_handler("tools/call", CallToolRequestParams, call_known)
    return server


def granted_scopes() -> frozenset[str]:
    """The scopes of the access token the current request came with (none without a token)."""
    token = get_access_token()
    return frozenset(token.scopes) if token is not None else frozenset()


def serve_tools_by_scope(server: MCPServer, needs: Mapping[str, str]) -> MCPServer:
    """Make ``server`` list and run a tool only for a token granted the scope ``needs`` names for it.

    A tool ``needs`` does not name is not restricted (and unknown to the server anyway).
    """
    lowlevel = server._lowlevel_server
    list_tools = lowlevel.get_request_handler("tools/list")
    call_tool = lowlevel.get_request_handler("tools/call")
    assert list_tools is not None, "MCPServer no longer registers tools/list"
    assert call_tool is not None, "MCPServer no longer registers tools/call"

    def allowed(name: str) -> bool:
        return name not in needs or needs[name] in granted_scopes()

    async def list_granted(ctx: Any, params: PaginatedRequestParams) -> Any:
        listed = await list_tools.handler(ctx, params)
        assert isinstance(listed, ListToolsResult)
        return listed.model_copy(update={"tools": [tool for tool in listed.tools if allowed(tool.name)]})

    async def call_granted(ctx: Any, params: CallToolRequestParams) -> Any:
        if not allowed(params.name):
            return error_result(missing_scope(params.name, needs[params.name]))
        return await call_tool.handler(ctx, params)

    lowlevel.add_request_handler("tools/list", PaginatedRequestParams, list_granted)
    lowlevel.add_request_handler("tools/call", CallToolRequestParams, call_granted)
    return server
