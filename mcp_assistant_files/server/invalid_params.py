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
it must be, naming the JSON type it was given, never its value. A member is named by its path in
``params``, whether the protocol's model or the handler's refused it; a union's alternatives make
one "must be a string or an integer"; a key the client chose shows only when short and plain
(``*`` otherwise). A validation error of any other model is the server's, not the request's: the
SDK answers it as before.
"""

from __future__ import annotations

import json
import re
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
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_parsing": "a number",
    "list_type": "an array",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, float) and not value.is_integer():
        return "a number with a fractional part"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return "another type"


_NAME = re.compile(r"[A-Za-z_$][\w$./-]{0,63}")
"""A part of a member's path shown as sent (a protocol member, or a short key); others show as ``*``."""


def _params_loc(error: ValidationError, loc: Sequence[int | str]) -> list[int | str] | None:
    """``loc`` from inside ``params``; ``None`` when ``error`` is not about the request's params."""
    if error.title.endswith("Params"):  # the handler's params model (``CallToolRequestParams``)
        return list(loc)
    if error.title.endswith("Request") and loc[:1] == ("params",):  # the protocol's request model
        return list(loc[1:])
    return None


def _walk(params: Any, loc: Sequence[int | str], missing: bool) -> tuple[list[int | str], Any]:
    """The member's path in ``params`` and its value: ``loc`` without the tags pydantic adds for
    the members of a union (``PromptReference``, ``str``, ``int``), which name no data."""
    path: list[int | str] = []
    value = {} if params is None else params  # the SDK validates absent params as {}
    for index, part in enumerate(loc):
        in_object = isinstance(value, Mapping) and part in value
        in_array = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if in_object or in_array:
            value = value[part]
        elif not (missing and index == len(loc) - 1 and isinstance(value, Mapping)):
            continue  # a union member's tag
        path.append(part)
    return path, value


def _name(path: Sequence[int | str]) -> str:
    shown = [str(p) if isinstance(p, int) or _NAME.fullmatch(p) else "*" for p in path]
    return ".".join(["params", *shown])


def _holds_json_object(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), dict)
    except (ValueError, RecursionError):
        return False


def describe_invalid_params(method: str, params: Any, error: ValidationError) -> str | None:
    """One sentence naming what in ``params`` broke ``method``'s schema, and what to send instead;
    ``None`` when ``error`` is not about the request's params (the server's own model refused a value)."""
    found: dict[str, tuple[list[str], Any]] = {}  # member -> (what it may be, its value), in order
    for detail in error.errors(include_url=False, include_input=False):
        loc = _params_loc(error, detail["loc"])
        if loc is None:
            return None
        kind = detail["type"]
        path, value = _walk(params, loc, kind == "missing")
        if kind == "missing":
            wants = "missing"
        elif (expected := _EXPECTED.get(kind) or detail.get("ctx", {}).get("expected")) is not None:
            wants = str(expected)
        else:
            wants = f"not valid ({detail['msg'].rstrip('.')})"
        member = _name(path)
        if member not in found and len(found) == MAX_PROBLEMS:
            break  # a union's alternatives come together: the members named so far are complete
        options, _ = found.setdefault(member, ([], value))
        if wants not in options:
            options.append(wants)
    problems = [_problem(member, options, value) for member, (options, value) in found.items()]
    listed = "; ".join(problems) if problems else "they do not match the protocol's schema"
    return f"Invalid params for {method}: {listed}. Fix the request and send it again."


def _problem(member: str, options: list[str], value: Any) -> str:
    if "missing" in options:
        return f"`{member}` is missing"
    types = [option for option in options if not option.startswith("not valid (")]
    if not types:
        return f"`{member}` is {options[0]}"
    # A string outside an enum or literal is refused for its value, not for being a string.
    values_only = isinstance(value, str) and all(option.startswith("'") for option in types)
    got = "" if values_only else f", not {_json_type(value)}"
    problem = f"`{member}` must be {' or '.join(types)}{got}"
    if "an object" in types and _holds_json_object(value):
        problem += " (it holds JSON text: send the object itself)"
    return problem


class ExplainInvalidParams(ServerMiddleware[Any]):
    """Answer a request whose params break the schema, or that came before ``initialize``, in a sentence."""

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        try:
            return await call_next(ctx)
        except ValidationError as error:
            message = describe_invalid_params(ctx.method, ctx.params, error)
            if message is None:
                raise  # not the request's params: the SDK's answer stands
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
