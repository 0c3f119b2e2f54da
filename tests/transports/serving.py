"""Run ``mcp-assistant-files serve`` as a real subprocess on a free loopback port.

:func:`spawn` starts it without waiting, so a fixture can start several servers at once and
then :meth:`Served.wait_ready` on each (every start pays ~1.5 s of imports). :meth:`Served.stop`
sends SIGTERM and kills after a grace period; stderr goes to a file so a chatty server can never
block on a full pipe, and :attr:`Served.stderr` reads it at any time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

from mcp_assistant_files.backend import Store

__all__ = [
    "CLEAN_ENV",
    "Seeded",
    "Served",
    "clean_env",
    "free_port",
    "run_to_exit",
    "seed_db",
    "spawn",
    "stop_all",
]

# A hang guard, not a speed limit: the fleet starts two dozen servers at once, and on two busy
# cores their imports alone took over 60 s (seen here: a server still importing `client` at 25 s).
START_TIMEOUT = 240.0
STOP_TIMEOUT = 10.0
# Variables the server reads: tests set them explicitly, never inherit them.
CLEAN_ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_PROJECT_ID",
    "MCP_ASSISTANT_FILES_AUTH_TOKEN",
    "MCP_ASSISTANT_FILES_CURSOR_SECRET",
)


@dataclass(frozen=True)
class Seeded:
    """A database file with one assistant and its attachments (oldest first)."""

    db: Path
    assistant_id: str
    file_ids: tuple[str, ...]


def seed_db(path: Path, count: int = 60) -> Seeded:
    """Create ``path`` with one assistant holding ``count`` attachments."""
    with Store.open(path, max_files_per_assistant=0) as store:
        assistant_id: str = store.create_assistant()["id"]
        ids = store.seed_attachments(assistant_id, count)
    return Seeded(path, assistant_id, tuple(ids))


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses connections while the context lasts: bound, never
    listening, so no server started meanwhile can take it (a port that was merely free a moment
    ago was, once, taken by another server of the fleet, which then answered 404)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without the server's own variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    env.update(extra or {})
    return env


def serve_command(args: Sequence[str]) -> list[str]:
    """``python -m mcp_assistant_files serve ARGS`` with this interpreter."""
    return [sys.executable, "-m", "mcp_assistant_files", "serve", *args]


@dataclass
class Served:
    """One running ``serve`` process."""

    process: subprocess.Popen[bytes]
    port: int
    stderr_path: Path

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def stderr(self) -> str:
        """Everything the server wrote to stderr so far."""
        return self.stderr_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Poll ``/healthz`` until it answers 200; fail with the server's stderr if it never does."""
        deadline = time.monotonic() + timeout
        with httpx2.Client(timeout=1.0) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"serve exited with {self.process.returncode} during start-up:\n{self.stderr}"
                    )
                try:
                    if http.get(f"{self.base}/healthz").status_code == 200:
                        return
                except httpx2.TransportError:
                    pass
                time.sleep(0.05)
        self.kill()
        raise AssertionError(f"serve did not answer /healthz within {timeout} s:\n{self.stderr}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, wait up to ``timeout``; the exit status, or ``None`` if it had to be killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL if still running, and reap."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


def spawn(
    tmp: Path,
    *args: str,
    transport: str = "streamable-http",
    env: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
    open_files: int | None = None,
    port: int | None = None,
) -> Served:
    """Start ``serve --transport TRANSPORT --host HOST --port <free> ARGS`` without waiting for it.

    ``open_files`` sets the process's open-file limit (soft and hard), as ``ulimit -n`` would;
    ``port`` is a port chosen beforehand (when ``ARGS`` must name the server's own URL).
    """
    port = port or free_port()
    stderr_path = tmp / f"serve-{port}.stderr"
    command = serve_command(["--transport", transport, "--host", host, "--port", str(port), *args])
    if open_files is not None:  # set in the child, then exec: no preexec_fn in a threaded process
        command = [sys.executable, "-c", _LIMITED.format(open_files), *command[1:]]
    with stderr_path.open("wb") as err:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=clean_env(env)
        )
    return Served(process, port, stderr_path)


_LIMITED = (
    "import os, resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, ({0}, {0})); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def stop_all(servers: Sequence[Served]) -> None:
    """SIGTERM every server at once, then wait for (or kill) each."""
    for served in servers:
        if served.process.poll() is None:
            served.process.send_signal(signal.SIGTERM)
    for served in servers:
        try:
            served.stop()
        finally:
            served.kill()


def run_to_exit(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 20.0
) -> subprocess.CompletedProcess[str]:
    """Run ``serve ARGS`` expecting it to exit by itself; a server that keeps running is killed.

    ``subprocess.run`` kills the child when ``timeout`` expires and raises ``TimeoutExpired``.
    """
    return subprocess.run(
        serve_command(args),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=clean_env(env),
        timeout=timeout,
        check=False,
    )
