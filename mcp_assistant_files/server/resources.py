"""The families' resources in MCP: resource templates, ``resource_link`` blocks, ``completion/complete``.

Each family whose tools are registered contributes its template (``service.resources``); a
family left out by ``--toolsets`` (or ``--tools``) contributes none, and a server with no
template advertises neither ``resources`` nor ``completions``.

``resources/read`` answers the object as JSON (``application/json``), fetched through the
family (same allowlists and sentences as the tools). Errors are JSON-RPC errors whose message
is one sentence: -32602 (invalid params) when the request is at fault (an unknown id, an id
that is not one, an assistant or vector store the server may not use), -32603 when the upstream
is (down, slow, refusing the key).

Relies on two SDK internals, checked by ``tests/server/test_sdk_adapter.py``: a template whose
``create_resource`` is ours (the SDK's would wrap our errors in its generic text), and the
resource manager's ``_templates`` table to register it (``add_template`` only builds its own); and
the low-level server's ``add_request_handler`` for ``completion/complete`` (``MCPServer.completion``
would turn our one-sentence errors into "Error completing argument ...").
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mcp import MCPError
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import ResourceTemplate, TextResource
from mcp_types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    CompleteRequestParams,
    CompleteResult,
    Completion,
    ResourceLink,
    ResourceTemplateReference,
)
from pydantic import BaseModel

from ..redaction import redact
from ..service.declaration import ToolFailure, ToolFamily
from ..service.fields import ID_PATTERN, PATTERN_MEANINGS
from ..service.resources import Link, ResourceSpec

__all__ = ["JSON", "JsonTemplate", "add_resources", "resource_links"]

logger = logging.getLogger("mcp_assistant_files.server")

JSON = "application/json"
_ID = re.compile(ID_PATTERN)


def _secrets_of(family: ToolFamily, secrets: Sequence[str]) -> tuple[str, ...]:
    return tuple(s for s in (*secrets, family.client.api_key or "") if s)


def _failure(failure: ToolFailure, secrets: Sequence[str], uri: str | None = None) -> MCPError:
    code = INVALID_PARAMS if failure.invalid_request else INTERNAL_ERROR
    return MCPError(code, redact(str(failure), secrets), data={"uri": uri} if uri else None)


def _require(scope: str | None, what: str) -> None:
    """Refuse (-32602, one sentence) a request whose access token lacks ``scope`` (``None``: no OAuth)."""
    if scope is None:
        return
    token = get_access_token()
    if token is None or scope not in token.scopes:
        raise MCPError(
            INVALID_PARAMS,
            f"{what} needs the OAuth scope {scope}, which this access token was not granted: authorize the "
            f"connection again asking for {scope} (or ask the server's operator for it).",
        )


class JsonTemplate(ResourceTemplate):
    """A template whose resource is the JSON of the model its reader returns."""

    secrets: tuple[str, ...] = ()
    scope: str | None = None
    """With OAuth, the scope a token needs to read it (its family's reading tools' scope)."""

    async def create_resource(self, uri: str, params: dict[str, Any], context: Any) -> TextResource:
        _require(self.scope, f"Reading {uri!r}")
        for name, value in params.items():
            if not isinstance(value, str) or not _ID.fullmatch(value):
                raise MCPError(
                    INVALID_PARAMS,
                    f"{name} in {uri!r} must be {PATTERN_MEANINGS[ID_PATTERN]}: use an id from a listing tool "
                    "or from completion/complete.",
                    data={"uri": uri},
                )
        try:
            model: BaseModel = await self.fn(**params)
        except ToolFailure as failure:
            raise _failure(failure, self.secrets, uri) from None
        except Exception:
            logger.exception("reading resource %s failed unexpectedly", uri)
            raise MCPError(
                INTERNAL_ERROR,
                "Reading the resource failed because of an internal error in mcp-assistant-files (see the server's "
                "log): you may try again once.",
                data={"uri": uri},
            ) from None
        text = json.dumps(model.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        return TextResource(
            uri=uri, name=self.name, title=self.title, description=self.description, mime_type=JSON, text=text
        )


def resource_links(links: Sequence[Link]) -> list[ResourceLink]:
    """The ``resource_link`` content blocks for ``links``."""
    return [
        ResourceLink(
            uri=link.uri,
            name=link.name,
            title=link.title,
            description=link.description,
            mime_type=JSON,
            size=link.size,
        )
        for link in links
    ]


def add_resources(
    server: MCPServer,
    families: Sequence[ToolFamily],
    secrets: Sequence[str],
    read_scopes: Mapping[str, str] | None = None,
) -> None:
    """Register the template of each family in ``families``, and completions of their ids if any.

    With OAuth, ``read_scopes`` maps each family to the scope its reading tools need: reading its
    resources and completing its ids need the same scope, and a family that serves no reading tool
    offers no template.
    """
    by_template: dict[str, tuple[ToolFamily, ResourceSpec]] = {}
    scopes: dict[str, str | None] = {}
    for family in families:
        if read_scopes is not None and family.family not in read_scopes:
            continue
        spec = family.resource
        template = JsonTemplate.from_function(
            getattr(family, spec.method),
            uri_template=spec.uri_template,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            mime_type=JSON,
        )
        assert isinstance(template, JsonTemplate)
        template.secrets = _secrets_of(family, secrets)
        template.scope = scopes[spec.uri_template] = (
            None if read_scopes is None else read_scopes[family.family]
        )
        server._resource_manager._templates[spec.uri_template] = template
        by_template[spec.uri_template] = (family, spec)
    if not by_template:
        return

    async def complete(ctx: Any, params: CompleteRequestParams) -> CompleteResult:
        ref, argument = params.ref, params.argument
        found = by_template.get(ref.uri) if isinstance(ref, ResourceTemplateReference) else None
        if found is None:
            asked = (
                f"resource template {ref.uri!r}"
                if isinstance(ref, ResourceTemplateReference)
                else f"prompt {ref.name!r} (it has no prompts)"
            )
            raise MCPError(
                INVALID_PARAMS,
                f"This server has no {asked}: complete an argument of {', '.join(by_template)}.",
            )
        family, spec = found
        _require(scopes[spec.uri_template], f"Completing {spec.uri_template}")
        if argument.name not in spec.variables:
            raise MCPError(
                INVALID_PARAMS,
                f"{spec.uri_template} has no argument {argument.name!r}: complete one of {', '.join(spec.variables)}.",
            )
        known = dict(params.context.arguments or {}) if params.context is not None else {}
        try:
            suggestions = await family.complete(argument.name, argument.value, known)
        except ToolFailure as failure:
            raise _failure(failure, _secrets_of(family, secrets)) from None
        completion = Completion(
            values=suggestions.values, total=suggestions.total, has_more=suggestions.has_more
        )
        return CompleteResult(completion=completion)

    server._lowlevel_server.add_request_handler("completion/complete", CompleteRequestParams, complete)
