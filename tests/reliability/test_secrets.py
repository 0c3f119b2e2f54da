"""The upstream API key never appears in a log record, an error or a tool result, whatever the
upstream echoes back and however the call fails."""

from __future__ import annotations

import json
import logging
import socket
import traceback
from typing import Any

import pytest
from mcp_types import CallToolResult

from mcp_assistant_files import APIError
from mcp_assistant_files.logs import configure_logging
from tests.conftest import Pauses

from .conftest import API_KEY, mcp_over, text_of, upstream_client
from .faults import Reply, ResetAfter, Respond, Seen, fault_server, file_json, json_reply, page_json

pytestmark = pytest.mark.anyio

LOGGERS = ("", "httpx2", "httpcore2", "mcp", "mcp_assistant_files", "uvicorn")


def echo(status: int) -> Respond:
    """An error whose body repeats the key, as careless upstreams do."""
    body = {"error": {"message": f"Incorrect API key provided: {API_KEY}.", "type": "invalid_request_error",
                      "param": API_KEY, "code": f"bad_key:{API_KEY}"}}  # fmt: skip
    return json_reply(status, body)


def scripted(attempt: int, seen: Seen) -> Reply:
    """Route by the file id in the path, so one server plays every scenario."""
    target = seen.target
    if target.endswith("/files/file-401-header"):
        return json_reply(401, {"error": {"message": "no"}}, **{"x-request-id": f"req-{API_KEY}"})
    if target.endswith("/files/file-401"):
        return echo(401)
    if target.endswith("/files/file-403"):
        return echo(403)
    if target.endswith("/files/file-429"):
        return echo(429)
    if target.endswith("/files/file-503"):
        return echo(503)
    if target.endswith("/files/file-400"):
        return echo(400)
    if target.endswith("/files/file-404"):
        return echo(404)
    if target.endswith("/files/file-reset"):
        return ResetAfter()
    if target.endswith("/files/file-invalid"):
        return json_reply(200, {"id": "file-invalid", "object": "assistant.file", "note": API_KEY})
    if target.endswith("/files/file-html"):
        return Respond(200, f"<html>{API_KEY}</html>".encode(), {"content-type": "text/html"})
    if "/files?" in target or target.endswith("/files"):
        return json_reply(200, page_json(["file-a"], has_more=True))
    return json_reply(200, file_json(target.rsplit("/", 1)[-1]))


FILE_IDS = ["file-ok", "file-401", "file-403", "file-429", "file-503", "file-400", "file-404", "file-reset",
            "file-invalid", "file-html"]  # fmt: skip


def everything_in(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args), record.name, str(record.__dict__)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def everything_about(err: BaseException) -> str:
    parts = [str(err), repr(err), "".join(traceback.format_exception(err))]
    if isinstance(err, APIError):
        parts += [err.message, repr(err.body), str(err.type), str(err.param), str(err.code)]
        parts += [str(getattr(err, "upstream_message", "")), str(getattr(err, "request_id", ""))]
    return "\n".join(parts)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def every_record(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


async def test_the_client_never_puts_the_key_in_an_error_even_when_the_upstream_echoes_it(
    every_record: pytest.LogCaptureFixture, sleeps: Pauses
) -> None:
    errors: list[BaseException] = []
    with fault_server(scripted) as server:
        async with upstream_client(server.base_url) as client:
            for file_id in FILE_IDS:
                try:
                    await client.files.retrieve(file_id, assistant_id="asst_1")
                except APIError as err:
                    errors.append(err)
            async for _ in client.files.list("asst_1", limit=1):
                break
    async with upstream_client(f"http://127.0.0.1:{closed_port()}/v1", max_retries=1) as client:
        try:
            await client.files.retrieve("file-1", assistant_id="asst_1")
        except APIError as err:
            errors.append(err)
    assert len(errors) == len(FILE_IDS)  # all but file-ok, plus the refused connection
    assert len(every_record.records) > 20, "DEBUG records from httpx2/httpcore2 were captured"
    leaks = [everything_about(e) for e in errors if API_KEY in everything_about(e)]
    assert leaks == []
    assert [r.getMessage() for r in every_record.records if API_KEY in everything_in(r)] == []


async def test_no_tool_result_or_log_record_holds_the_key(
    every_record: pytest.LogCaptureFixture, sleeps: Pauses
) -> None:
    results: list[CallToolResult] = []
    with fault_server(scripted) as server:
        async with upstream_client(server.base_url) as client, mcp_over(client) as mcp:
            for file_id in FILE_IDS:
                for tool in ("get_assistant_file", "attach_assistant_file", "detach_assistant_file"):
                    results.append(await mcp.call_tool(tool, {"assistant_id": "asst_1", "file_id": file_id}))
            results.append(await mcp.call_tool("list_assistant_files", {"assistant_id": "asst_1"}))
    async with (
        upstream_client(f"http://127.0.0.1:{closed_port()}/v1", max_retries=0) as client,
        mcp_over(client) as mcp,
    ):
        results.append(await mcp.call_tool("list_assistant_files", {"assistant_id": "asst_1"}))
    errors = [r for r in results if r.is_error]
    assert len(errors) >= 3 * (len(FILE_IDS) - 1) + 1, "the failures really happened"

    def dump(result: CallToolResult) -> str:
        return text_of(result) + json.dumps(result.structured_content) + result.model_dump_json()

    leaked = [dump(r) for r in results if API_KEY in dump(r)]
    assert leaked == []
    assert [r.getMessage() for r in every_record.records if API_KEY in everything_in(r)] == []
    assert any("<redacted>" in text_of(r) for r in errors), (
        "the echoed key was redacted, not dropped silently"
    )


async def test_the_servers_log_handler_redacts_a_key_the_upstream_echoes_in_a_header(
    capsys: pytest.CaptureFixture[str], sleeps: Pauses
) -> None:
    """httpcore2 logs response headers at DEBUG; ``serve`` installs a redacting handler for that."""
    root = logging.getLogger()
    announce_logger = logging.getLogger("mcp_assistant_files.announce")
    saved = (list(root.handlers), root.level)
    errors: list[BaseException] = []
    try:
        configure_logging("DEBUG", secrets=[API_KEY])
        with fault_server(scripted) as server:
            async with upstream_client(server.base_url) as client, mcp_over(client) as mcp:
                for file_id in ("file-401-header", *FILE_IDS):
                    try:
                        await client.files.retrieve(file_id, assistant_id="asst_1")
                    except APIError as err:
                        errors.append(err)
                    await mcp.call_tool("get_assistant_file", {"assistant_id": "asst_1", "file_id": file_id})
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        announce_logger.handlers.clear()
        announce_logger.propagate = True
        announce_logger.setLevel(logging.NOTSET)
    stderr = capsys.readouterr().err
    assert "receive_response_headers.complete" in stderr, "httpcore2's DEBUG lines were written"
    assert "req-<redacted>" in stderr
    assert API_KEY not in stderr
    assert [everything_about(e) for e in errors if API_KEY in everything_about(e)] == []
    assert any(getattr(e, "request_id", None) == "req-<redacted>" for e in errors)


def test_the_key_is_absent_from_every_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    from mcp_assistant_files import AssistantsClient, AsyncAssistantsClient

    values: list[Any] = [
        AsyncAssistantsClient(base_url="http://127.0.0.1:9/v1", api_key=API_KEY),
        AssistantsClient(base_url="http://127.0.0.1:9/v1", api_key=API_KEY),
    ]
    for value in values:
        assert API_KEY not in repr(value)
        assert API_KEY not in str(value)
