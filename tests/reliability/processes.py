"""Start ``mcp-assistant-files`` subprocesses on loopback ports and always stop them; drive writes at them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx2

from mcp_assistant_files import APIError, AssistantsClient

__all__ = ["CLI", "attach_loop", "cpu_seconds", "free_port", "rss_kib", "running"]

CLI = str(Path(sys.executable).parent / "mcp-assistant-files")
START_TIMEOUT = 120.0  # a hang guard: imports on two busy cores can take tens of seconds
_DROPPED = ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_PROJECT_ID", "OPENAI_ORG_ID",
            "MCP_ASSISTANT_FILES_AUTH_TOKEN", "MCP_ASSISTANT_FILES_DB")  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` (VmRSS from /proc), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def running(args: Sequence[str], *, ready_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``mcp-assistant-files ARGS`` until ``ready_url`` answers 200; stopped on exit, whatever happens."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env["MCP_ASSISTANT_FILES_CURSOR_SECRET"] = "reliability-load-secret"
    with log.open("wb") as stderr:
        proc = subprocess.Popen([CLI, *args], stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, env=env)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    raise AssertionError(f"{args[0]} exited with {proc.returncode}: {log.read_text()}")
                try:
                    if httpx2.get(ready_url, timeout=1.0).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{args[0]} did not start: {log.read_text()}")
                time.sleep(0.05)
            yield proc
        finally:
            _stop(proc)


def attach_loop(
    base_url: str, assistant_id: str, mine: list[str], answered: list[str], stop: threading.Event
) -> None:
    """Attach ``mine`` one by one until ``stop``, noting in ``answered`` each attach the backend answered."""
    with AssistantsClient(base_url=base_url, api_key="", max_retries=0, timeout=5.0) as client:
        for file_id in mine:
            if stop.is_set():
                return
            try:
                client.files.create(assistant_id, file_id=file_id)
            except APIError:
                return  # the backend is gone
            answered.append(file_id)
