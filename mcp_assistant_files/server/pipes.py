"""stdin/stdout as MCP message streams, read and written on the event loop itself.

The SDK's stdio transport reads and writes through anyio's worker threads: every line in and
out is two thread hand-offs, the largest part of a stdio call's cost under load. Here the pipes
are asyncio pipe transports (``connect_read_pipe``/``connect_write_pipe``): no thread at all.

As the SDK does, the real descriptors are moved out of the way while serving: fd 0 reads
``/dev/null`` and fd 1 writes to stderr, so a stray ``print`` or a child process cannot corrupt
the wire; both are restored on exit. A line that is not a JSON-RPC message, or is longer than
:data:`MAX_LINE_BYTES` (refused instead of buffered without bound), is answered with JSON-RPC's
parse error (-32700, null id), and the session goes on. A write to a stdout the client closed
raises ``ConnectionResetError`` or ``BrokenPipeError`` out of the streams, as the SDK's transport
does, and :func:`.stdio.run_stdio` ends the server with one line.

Only pipes, sockets and terminals can be read this way; :func:`native_pipes_possible` tells
whether both standard streams are such (a regular file or ``/dev/null`` on stdin is not).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import stat
import sys
from collections.abc import AsyncIterator
from typing import Any

import anyio
import mcp_types as types
from mcp.shared.message import SessionMessage

__all__ = ["MAX_LINE_BYTES", "native_pipes_possible", "pipe_streams"]

MAX_LINE_BYTES = 8 * 1024 * 1024
"""The longest message line accepted from the client (no request of ours comes close)."""


def native_pipes_possible() -> bool:
    """Whether stdin and stdout are pipes, sockets or terminals (what asyncio can watch).

    Other character devices are not: epoll cannot watch ``/dev/null``, and a server reading it
    natively waited for ever instead of ending at its (immediate) end of input.
    """
    for fd in (0, 1):
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            return False
        if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or (stat.S_ISCHR(mode) and os.isatty(fd))):
            return False
    return True


@contextlib.contextmanager
def _claimed(fd: int, diversion: int) -> Any:
    """A private duplicate of ``fd``, with ``fd`` itself pointed at ``diversion`` until exit."""
    private = os.dup(fd)
    os.set_inheritable(private, False)
    os.dup2(diversion, fd)
    try:
        yield private
    finally:
        with contextlib.suppress(OSError):
            os.dup2(private, fd)


@contextlib.asynccontextmanager
async def pipe_streams() -> AsyncIterator[tuple[Any, Any]]:
    """``(read_stream, write_stream)`` of ``SessionMessage`` over stdin/stdout, for ``Server.run``."""
    loop = asyncio.get_running_loop()
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        with _claimed(0, devnull) as in_fd, _claimed(1, 2) as out_fd:
            os.close(devnull)
            devnull = -1
            reader = asyncio.StreamReader(limit=MAX_LINE_BYTES, loop=loop)
            read_transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(in_fd, "rb", buffering=0)
            )
            write_transport, write_protocol = await loop.connect_write_pipe(
                lambda: asyncio.streams.FlowControlMixin(loop=loop), os.fdopen(out_fd, "wb", buffering=0)
            )
            writer = asyncio.StreamWriter(write_transport, write_protocol, None, loop)
            try:
                async with _pumps(reader, writer) as streams:
                    yield streams
            finally:
                read_transport.close()
                write_transport.close()
    finally:
        if devnull >= 0:
            os.close(devnull)


@contextlib.asynccontextmanager
async def _pumps(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> AsyncIterator[tuple[Any, Any]]:
    from mcp.shared._context_streams import create_context_streams

    to_server, server_reads = create_context_streams[SessionMessage | Exception](0)
    server_writes, from_server = create_context_streams[SessionMessage](0)

    async def read_lines() -> None:
        async with to_server:
            while True:
                try:
                    line = await reader.readuntil(b"\n")
                except asyncio.IncompleteReadError as end:
                    line = end.partial
                    if not line.strip():
                        return
                except asyncio.LimitOverrunError as too_long:
                    await _skip_line(reader, too_long.consumed)
                    await parse_error(f"the message is longer than {MAX_LINE_BYTES} bytes")
                    continue
                if not line.strip():
                    continue
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except ValueError:
                    await parse_error("the line is not a JSON-RPC message")
                    continue
                await to_server.send(SessionMessage(message))

    async def parse_error(reason: str) -> None:
        # JSON-RPC 2.0: a message that cannot be parsed is answered with -32700 and a null id.
        error = {"code": -32700, "message": f"Parse error: {reason}; send one JSON-RPC message per line."}
        writer.write(json.dumps({"jsonrpc": "2.0", "id": None, "error": error}).encode() + b"\n")
        await writer.drain()

    async def write_lines() -> None:
        async with from_server:
            async for session_message in from_server:
                data = session_message.message.model_dump_json(by_alias=True, exclude_unset=True)
                writer.write(data.encode("utf-8") + b"\n")
                await writer.drain()

    async with anyio.create_task_group() as tg:
        reading = anyio.CancelScope()

        async def read_until_told() -> None:
            with reading:
                await read_lines()

        tg.start_soon(read_until_told)
        tg.start_soon(write_lines)
        try:
            yield server_reads, server_writes
        finally:
            # The server is done: stop reading, but let every answer it wrote reach the pipe.
            reading.cancel()
            await server_writes.aclose()
            # A closed stdout has already failed a write: that error is the one to report.
            with anyio.move_on_after(5, shield=True), contextlib.suppress(ConnectionError):
                await writer.drain()


async def _skip_line(reader: asyncio.StreamReader, consumed: int) -> None:
    """Drop the rest of an over-long line, up to and including its newline."""
    await reader.readexactly(consumed)
    while True:
        try:
            await reader.readuntil(b"\n")
            return
        except asyncio.LimitOverrunError as more:
            await reader.readexactly(more.consumed)
        except asyncio.IncompleteReadError:
            return
