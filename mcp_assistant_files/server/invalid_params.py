"""A request whose params break the protocol's schema gets a sentence, not the SDK's bare text.

The SDK checks each request's params against the protocol's schema before any handler runs and
answers a mismatch -32602 with only "Invalid request parameters" and empty ``data`` (pydantic's
own text would echo the client's input). A host that sends a tool's ``arguments`` as JSON text
instead of an object (a double-encoding bug seen in the field), or no tool ``name``, learns
nothing from that; nor does a client that calls a method before ``initialize``, which the SDK
refuses with the same words.

:class:`ExplainInvalidParams` is a context-tier middleware (``Server.middleware``: the SDK's
public hook, which sees the validation failure before the dispatcher turns it into that text).
It keeps the code, -32602, and puts one sentence in the message: which member is wrong and what
it must be, naming the JSON type it was given, never its value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mcp import MCPError
from mcp.server.context import CallNext, HandlerResult, ServerMiddleware, ServerRequestContext
from mcp_types import INVALID_PARAMS
from pydantic import ValidationError

__all__ = ["ExplainInvalidParams", "describe_invalid_params"]

SDK_TEXT = "Invalid request parameters"
MAX_PROBLEMS = 3

_EXPECTED = {
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return "another type"


def _member(loc: Sequence[int | str]) -> tuple[str, list[int | str]]:
    """The member's name for the sentence (``params.arguments``), and its path inside ``params``."""
    # Union members are tagged with their model's class name (``ref.PromptReference.name``).
    path = [part for part in loc[1:] if not (isinstance(part, str) and part[:1].isupper())]
    return ".".join(["params", *map(str, path)]), path


def _value_at(params: Any, path: Sequence[int | str]) -> tuple[bool, Any]:
    value = params
    for part in path:
        in_object = isinstance(value, Mapping) and part in value
        in_array = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_object or in_array):
            return False, None
        value = value[part]
    return True, value


def _holds_json_object(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), dict)
    except (ValueError, RecursionError):
        return False


def describe_invalid_params(method: str, params: Any, error: ValidationError) -> str:
    """One sentence naming what in ``params`` broke ``method``'s schema, and what to send instead."""
    problems: list[str] = []
    for detail in error.errors(include_url=False, include_input=False):
        member, path = _member(detail["loc"])
        kind = detail["type"]
        if kind == "missing":
            problem = f"`{member}` is missing"
        else:
            found, value = _value_at(params, path)
            expected = _EXPECTED.get(kind)
            if expected is None:
                problem = f"`{member}` is not valid ({detail['msg'].rstrip('.')})"
            else:
                got = f", not {_json_type(value)}" if found else ""
                problem = f"`{member}` must be {expected}{got}"
                if expected == "an object" and _holds_json_object(value):
                    problem += " (it holds JSON text: send the object itself)"
        if problem not in problems:
            problems.append(problem)
        if len(problems) == MAX_PROBLEMS:
            break
    listed = "; ".join(problems) if problems else "they do not match the protocol's schema"
    return f"Invalid params for {method}: {listed}. Fix the request and send it again."


class ExplainInvalidParams(ServerMiddleware[Any]):
    """Answer a request whose params break the schema, or that came before ``initialize``, in a sentence."""

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        try:
            return await call_next(ctx)
        except ValidationError as error:
            message = describe_invalid_params(ctx.method, ctx.params, error)
            raise MCPError(code=INVALID_PARAMS, message=message) from None
        except MCPError as error:
            # The only bare -32602 the SDK raises itself is its gate for a session not yet initialized.
            if (
                error.error.code != INVALID_PARAMS
                or error.error.message != SDK_TEXT
                or ctx.method == "initialize"
            ):
                raise
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"This session is not initialized: send `initialize`, then `notifications/initialized`, "
                f"before {ctx.method}.",
            ) from None
