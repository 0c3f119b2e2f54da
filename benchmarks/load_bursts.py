"""Bursts of concurrent streamable-HTTP clients against one server process, for ``load_rows``.

Each client is its own ``Client(url)`` session in an asyncio task of this process; all connect
first, then start together and make up to ``calls`` calls each, within ``max_seconds``. The
connections the upstream accepted during a burst are the ones that burst opened (bursts never
overlap). A server's CPU per call is its user + system time over the burst (``/proc``) divided by
the calls answered.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from .harness import summarize
from .procs import HttpServerProcess, cpu_seconds, free_port
from .upstream import ASSISTANT_ID, UpstreamProcess, file_id

__all__ = ["Burst", "Command", "burst", "started"]


@dataclass
class Burst:
    """What one burst of concurrent calls did."""

    clients: int
    calls: int
    seconds: float
    errors: list[str]
    latencies: list[float]
    cpu_seconds: float
    connections: int
    clients_cpu_seconds: float = float("nan")  # this process: the clients' side of the calls
    upstream_cpu_seconds: float = float("nan")

    def per_call_ms(self, seconds: float) -> float:
        return seconds / self.calls * 1e3 if self.calls else float("nan")

    @property
    def calls_per_s(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_call(self) -> float:
        return self.per_call_ms(self.cpu_seconds)

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients, "calls": self.calls, "seconds": self.seconds,
            "calls_per_s": self.calls_per_s, "errors": len(self.errors), "error_samples": self.errors[:3],
            "cpu_ms_per_call": self.cpu_ms_per_call, "connections": self.connections,
            "clients_cpu_ms_per_call": self.per_call_ms(self.clients_cpu_seconds),
            "upstream_cpu_ms_per_call": self.per_call_ms(self.upstream_cpu_seconds),
            "latency": summarize(self.latencies) if self.latencies else {},
        }  # fmt: skip


async def _clients(
    proc: HttpServerProcess, upstream: UpstreamProcess, clients: int, calls: int, max_seconds: float
) -> Burst:
    from mcp import Client

    latencies: list[float] = []
    errors: list[str] = []
    go = anyio.Event()
    connected = 0
    all_connected = anyio.Event()
    deadline = math.inf
    last_answer = 0.0  # the calls end with the last answer, not with the sessions' closing

    async def worker(index: int) -> None:
        nonlocal connected, last_answer
        args = {"assistant_id": ASSISTANT_ID, "file_id": file_id(index)}
        async with AsyncExitStack() as stack:
            try:
                client = await stack.enter_async_context(Client(proc.url))
            except Exception as err:  # noqa: BLE001  # a failed session is counted, not raised
                errors.append(f"connect: {type(err).__name__}: {err}")
                client = None
            connected += 1
            if connected == clients:
                all_connected.set()
            await go.wait()
            if client is None:
                return
            for _ in range(calls):
                if time.monotonic() > deadline:
                    return
                start = time.perf_counter()
                try:
                    result = await client.call_tool("get_assistant_file", args)
                except Exception as err:  # noqa: BLE001
                    errors.append(f"{type(err).__name__}: {err}")
                    continue
                last_answer = time.perf_counter()
                latencies.append(last_answer - start)
                if result.is_error:
                    errors.append(f"isError: {result.content}")

    async with anyio.create_task_group() as tg:
        for i in range(clients):
            tg.start_soon(worker, i)
        with anyio.move_on_after(60):
            await all_connected.wait()
        # Only the calls are measured: connecting the sessions is not part of the load.
        connections = (await anyio.to_thread.run_sync(upstream.stats))["connections"]
        cpu, mine, theirs = cpu_seconds(proc.pid), cpu_seconds(os.getpid()), cpu_seconds(upstream.pid)
        deadline = time.monotonic() + max_seconds
        start = time.perf_counter()
        go.set()
    elapsed = max(last_answer, start) - start
    cpu = cpu_seconds(proc.pid) - cpu
    mine, theirs = cpu_seconds(os.getpid()) - mine, cpu_seconds(upstream.pid) - theirs
    # Each stats() call opens one connection of its own: the one before counts, not this one.
    connections = (await anyio.to_thread.run_sync(upstream.stats))["connections"] - connections - 1
    return Burst(clients, len(latencies), elapsed, errors, latencies, cpu, connections, mine, theirs)


def burst(
    proc: HttpServerProcess, upstream: UpstreamProcess, clients: int, calls: int, seconds: float
) -> Burst:
    """``clients`` clients making up to ``calls`` calls each against ``proc``, within ``seconds``."""
    return anyio.run(_clients, proc, upstream, clients, calls, seconds)


Command = Callable[[int], list[str]]  # the command line of a server listening on the port given


@contextmanager
def started(commands: dict[str, Command]) -> Iterator[dict[str, HttpServerProcess]]:
    """Start each ``name: command`` on a free port; stop them all on exit."""
    with ExitStack() as stack:
        procs = {}
        for name, command in commands.items():
            port = free_port()
            procs[name] = stack.enter_context(HttpServerProcess(command(port), port))
        yield procs
