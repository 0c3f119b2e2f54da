"""Params that break the protocol's schema are answered in a sentence (``server/invalid_params.py``).

The SDK answers them -32602 "Invalid request parameters" with empty data; ours keeps the code and
says which member is wrong, what it must be and what JSON type it was, never the value. Over real
stdio here; over streamable HTTP in ``tests/transports/test_invalid_params_http.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp_types import CallToolRequestParams, ListToolsResult, methods
from pydantic import ValidationError

from mcp_assistant_files.server.invalid_params import SDK_TEXT, describe_invalid_params

from ..transports.wire import INITIALIZE, INITIALIZED, LEGACY

PROTOCOL = LEGACY
INIT = INITIALIZE  # the same handshake the HTTP wire tests send
ARGUMENTS = {"assistant_id": "asst_1"}


def _sentence(method: str, params: Any) -> str:
    with pytest.raises(ValidationError) as info:
        methods.validate_client_request(method, PROTOCOL, params)
    sentence = describe_invalid_params(method, params, info.value)
    assert sentence is not None
    return sentence


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"name": "list_assistant_files", "arguments": json.dumps(ARGUMENTS)},
            "Invalid params for tools/call: `params.arguments` must be an object, not a string "
            "(it holds JSON text: send the object itself). Fix the request and send it again.",
        ),
        (
            {"name": "list_assistant_files", "arguments": [1, 2]},
            "Invalid params for tools/call: `params.arguments` must be an object, not an array. "
            "Fix the request and send it again.",
        ),
        (
            {"arguments": ARGUMENTS},
            "Invalid params for tools/call: `params.name` is missing. Fix the request and send it again.",
        ),
        (
            {"name": 7},
            "Invalid params for tools/call: `params.name` must be a string, not a number. "
            "Fix the request and send it again.",
        ),
        (None, "Invalid params for tools/call: `params` is missing. Fix the request and send it again."),
    ],
)
def test_each_broken_member_is_named_with_what_it_must_be(params: Any, expected: str) -> None:
    assert _sentence("tools/call", params) == expected


def test_the_value_sent_never_appears_in_the_sentence() -> None:
    secret = "sk-" + "z" * 40
    sentence = _sentence("tools/call", {"name": "list_assistant_files", "arguments": secret})
    assert secret not in sentence and "must be an object, not a string" in sentence
    assert "holds JSON text" not in sentence, "a string that is not a JSON object gets no such hint"


def test_a_union_member_is_named_by_its_path_not_by_the_models_tried() -> None:
    sentence = _sentence("completion/complete", {"ref": {}, "argument": {"name": "a", "value": ""}})
    assert "`params.ref.name` is missing" in sentence and "Reference" not in sentence


@pytest.mark.parametrize(
    ("progress_token", "got"),
    [({"a": 1}, "an object"), ([1], "an array"), (1.5, "a number with a fractional part")],
)
def test_a_union_member_is_named_once_with_each_type_it_may_be(progress_token: Any, got: str) -> None:
    sentence = _sentence(
        "tools/call", {"name": "list_assistant_files", "_meta": {"progressToken": progress_token}}
    )
    assert sentence == (
        f"Invalid params for tools/call: `params._meta.progressToken` must be a string or an integer, not {got}. "
        "Fix the request and send it again."
    )


def test_a_member_the_handlers_own_model_refuses_is_named_from_params() -> None:
    params = {"name": "list_assistant_files", "_meta": {"progressToken": None}}
    methods.validate_client_request("tools/call", PROTOCOL, params)  # the protocol's schema takes it
    with pytest.raises(ValidationError) as info:
        CallToolRequestParams.model_validate(params, by_name=False)  # as the SDK does next
    assert describe_invalid_params("tools/call", params, info.value) == (
        "Invalid params for tools/call: `params._meta.progressToken` must be a string or an integer, not null. "
        "Fix the request and send it again."
    )


def test_a_key_the_client_chose_is_part_of_the_path_and_a_long_one_is_not_repeated() -> None:
    complete = {"ref": {"type": "ref/resource", "uri": "x://{a}"}, "argument": {"name": "a", "value": ""}}
    short = _sentence("completion/complete", {**complete, "context": {"arguments": {"Authorization": 5}}})
    assert "`params.context.arguments.Authorization` must be a string, not a number" in short
    key = "sk-" + "k" * 400
    long = _sentence("completion/complete", {**complete, "context": {"arguments": {key: 5}}})
    assert key[:64] not in long and "`params.context.arguments.*` must be a string, not a number" in long
    client = {"name": "t", "version": "1"}
    initialize = {
        "protocolVersion": PROTOCOL,
        "capabilities": {"experimental": {"Foo": 1}},
        "clientInfo": client,
    }
    assert "`params.capabilities.experimental.Foo` must be an object, not a number" in _sentence(
        "initialize", initialize
    )


def test_a_literal_member_names_the_values_it_may_take() -> None:
    sentence = _sentence(
        "completion/complete", {"ref": {"type": "ref/x"}, "argument": {"name": "a", "value": ""}}
    )
    assert "`params.ref.type` must be 'ref/prompt' or 'ref/resource';" in sentence
    assert "ref/x" not in sentence


def test_an_error_of_the_servers_own_model_is_left_to_the_sdk() -> None:
    with pytest.raises(ValidationError) as info:
        ListToolsResult.model_validate({"tools": 5})
    assert describe_invalid_params("tools/list", {}, info.value) is None


def _serve(tmp_path: Path, *messages: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    command = [sys.executable, "-m", "mcp_assistant_files", "serve", "--db", str(tmp_path / "db.sqlite3")]
    stdin = b"".join(json.dumps(m).encode() + b"\n" for m in messages)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(command, input=stdin, capture_output=True, timeout=60, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    return {a.get("id"): a for a in answers}


def _call(request_id: int, arguments: Any) -> dict[str, Any]:
    params = {"name": "list_assistant_files", "arguments": arguments}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


@pytest.mark.slow
def test_over_stdio_double_encoded_arguments_get_the_sentence_and_the_session_goes_on(tmp_path: Path) -> None:
    answers = _serve(
        tmp_path,
        INIT,
        INITIALIZED,
        _call(2, json.dumps(ARGUMENTS)),
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"arguments": ARGUMENTS}},
        _call(4, ARGUMENTS),
    )
    assert answers[2]["error"] == {
        "code": -32602,
        "message": "Invalid params for tools/call: `params.arguments` must be an object, not a string "
        "(it holds JSON text: send the object itself). Fix the request and send it again.",
    }
    assert answers[3]["error"]["message"].startswith(
        "Invalid params for tools/call: `params.name` is missing"
    )
    assert "result" in answers[4], "the same call with an object reaches the tool"


@pytest.mark.slow
def test_over_stdio_a_null_progress_token_is_named_where_it_is(tmp_path: Path) -> None:
    call = _call(2, ARGUMENTS)
    call["params"]["_meta"] = {"progressToken": None}
    answers = _serve(tmp_path, INIT, INITIALIZED, call)
    assert answers[2]["error"] == {
        "code": -32602,
        "message": "Invalid params for tools/call: `params._meta.progressToken` must be a string or an integer, "
        "not null. Fix the request and send it again.",
    }


@pytest.mark.slow
def test_over_stdio_a_call_before_initialize_says_to_initialize_first(tmp_path: Path) -> None:
    answers = _serve(tmp_path, _call(5, ARGUMENTS), INIT, INITIALIZED, _call(6, ARGUMENTS))
    assert answers[5]["error"]["code"] == -32602
    assert answers[5]["error"]["message"] == (
        "This session is not initialized: send `initialize`, then `notifications/initialized`, "
        "before tools/call."
    )
    assert SDK_TEXT not in json.dumps(answers)
    assert "result" in answers[6], "once initialized, the call reaches the tool"
