"""``--event-loop``: uvloop where it is installed, asyncio's loop on request, one sentence when
the loop asked for cannot be had; and the loop named is the one that runs."""

from __future__ import annotations

import asyncio
import importlib.util
import signal
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from starlette.types import Receive, Scope, Send

from mcp_assistant_files.cli import main
from mcp_assistant_files.server import loop as loop_module
from mcp_assistant_files.server import serving
from mcp_assistant_files.server.loop import Loop, anyio_options, resolve_loop
from mcp_assistant_files.server.serving import ConnectionLimits

from .clients import text_of
from .serving import Seeded, clean_env

UVLOOP = importlib.util.find_spec("uvloop") is not None
needs_uvloop = pytest.mark.skipif(not UVLOOP, reason="uvloop is not installed here (Windows)")


@pytest.mark.parametrize("installed", [True, False])
def test_auto_is_uvloop_where_it_is_installed_else_asyncio(
    installed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loop_module, "_uvloop_installed", lambda: installed)
    assert resolve_loop("auto") == ("uvloop" if installed else "asyncio")
    assert resolve_loop("asyncio") == "asyncio"


def test_uvloop_where_it_is_not_installed_is_one_line_naming_the_way_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(loop_module, "_uvloop_installed", lambda: False)
    assert main(["serve", "--event-loop", "uvloop", "--db", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "uvloop is not installed" in err and "--event-loop asyncio" in err


@pytest.mark.parametrize("name", ["asyncio", pytest.param("uvloop", marks=needs_uvloop)])
def test_the_options_given_to_anyio_run_the_loop_they_name(name: Loop) -> None:
    async def running_loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    module = anyio.run(running_loop_module, backend_options=anyio_options(name))
    assert module.startswith("uvloop") == (name == "uvloop"), module


@pytest.mark.parametrize("name", ["asyncio", pytest.param("uvloop", marks=needs_uvloop)])
def test_http_is_served_on_the_loop_named(name: Loop, monkeypatch: pytest.MonkeyPatch) -> None:
    given: dict[str, Any] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("not served: uvicorn.run is replaced")

    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: given.update(kwargs))
    previous = signal.getsignal(signal.SIGTERM)
    try:
        serving.run_http(
            app,
            host="127.0.0.1",
            port=1,
            limits=ConnectionLimits(),
            log_level="WARNING",
            loop=name,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert given["loop"] == name


@pytest.mark.anyio
@pytest.mark.parametrize("flag", [None, "asyncio"])
async def test_stdio_answers_on_the_loop_it_announces(
    flag: str | None, seeded: Seeded, tmp_path: Path
) -> None:
    expected = flag or ("uvloop" if UVLOOP else "asyncio")
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "mcp_assistant_files",
            "serve",
            "--db",
            str(seeded.db),
            *(["--event-loop", flag] if flag else []),
        ],
        env=clean_env(),
    )
    errlog = tmp_path / "stderr.txt"
    with errlog.open("w") as err, anyio.fail_after(30):
        async with Client(stdio_client(params, errlog=err)) as client:
            got = await client.call_tool(
                "get_assistant_file", {"assistant_id": seeded.assistant_id, "file_id": seeded.file_ids[0]}
            )
    assert not got.is_error, text_of(got)
    assert f"; event loop {expected}" in errlog.read_text()
