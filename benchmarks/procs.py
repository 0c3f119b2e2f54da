"""Server processes for the MCP rows: ours (``mcp-assistant-files serve``) and the bare baseline."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from types import TracebackType
from urllib.error import URLError
from urllib.request import urlopen

HERE = Path(__file__).resolve().parent


def our_command() -> list[str]:
    """The installed console script, else ``python -m mcp_assistant_files.cli``."""
    script = Path(sys.executable).parent / "mcp-assistant-files"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mcp_assistant_files"]


def collecting_command() -> list[str]:
    """Ours started by ``main(argv)``, which leaves the garbage collector running (``cli/startup.py``)."""
    code = "import sys; from mcp_assistant_files.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code]


def sdk_stdio_command() -> list[str]:
    """Ours, but on the SDK's thread-based stdio transport instead of ``server/pipes.py``."""
    return [sys.executable, str(HERE / "sdk_stdio_serve.py")]


def bare_command(*, upstream: str | None = None) -> list[str]:
    """The bare ``MCPServer`` script; with ``upstream`` its tool makes the same GET as ours."""
    return [sys.executable, str(HERE / "bare_server.py"), *(["--upstream", upstream] if upstream else [])]


def serve_args(
    base_url: str | None, transport: str, port: int | None = None, *, db: str | None = None
) -> list[str]:
    """``serve`` arguments for ours: ``base_url``, else the embedded backend on ``db``."""
    args = ["serve", "--transport", transport, "--log-level", "WARNING"]
    args += ["--base-url", base_url] if base_url else ["--db", str(db)]
    if port is not None:
        args += ["--host", "127.0.0.1", "--port", str(port), "--stateless"]
    return args


def http_args(port: int) -> list[str]:
    """The bare script's flags for stateless streamable HTTP on ``port``."""
    return ["--transport", "streamable-http", "--port", str(port), "--stateless"]


def tree_at(commit: str, into: Path) -> Path | None:
    """The package as it was at ``commit`` (``git archive`` of this checkout), extracted into
    ``into``; ``None`` without git or without that commit (a shallow clone, an sdist)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(HERE.parent), "archive", commit, "mcp_assistant_files"],
            capture_output=True, timeout=60, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def tree_command(tree: Path) -> list[str]:
    """``python -m mcp_assistant_files`` from ``tree``, run inside it: the working directory comes
    first on ``sys.path``, before this checkout's editable install (Linux: ``env -C``)."""
    return ["env", "-C", str(tree), f"PYTHONPATH={tree}", sys.executable, "-m", "mcp_assistant_files"]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time ``pid`` has used so far (Linux ``/proc``, 10 ms steps); NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_unavailable() -> str | None:
    """Why ``mcp-assistant-files serve`` cannot be run yet, or ``None`` when it can."""
    try:
        proc = subprocess.run(
            [*our_command(), "serve", "--help"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as err:
        return f"server not available ({type(err).__name__})"
    if proc.returncode != 0:
        return "server not available (`mcp-assistant-files serve` is not implemented yet)"
    return None


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (Linux ``/proc``); NaN elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def child_pids(marker: str) -> list[int]:
    """Processes whose parent is this one and whose command line contains ``marker`` (Linux)."""
    mine, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("PPid:"):
                    if int(line.split()[1]) == mine and marker in (entry / "cmdline").read_text():
                        found.append(int(entry.name))
                    break
        except OSError:
            continue
    return found


class HttpServerProcess:
    """A streamable-HTTP server child on 127.0.0.1; ready once ``GET /healthz`` answers 200."""

    def __init__(self, command: list[str], port: int, startup_timeout: float = 30.0) -> None:
        self.command, self.port, self.startup_timeout = command, port, startup_timeout
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  # closed in __exit__
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The MCP endpoint."""
        return f"http://127.0.0.1:{self.port}/mcp"

    @property
    def pid(self) -> int:
        """The child's process id."""
        assert self._proc is not None
        return self._proc.pid

    def __enter__(self) -> HttpServerProcess:
        self._proc = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited with {self._proc.returncode}: {self.log_tail()}")
            try:
                with urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (URLError, OSError):
                time.sleep(0.02)
        self.__exit__(None, None, None)
        raise RuntimeError("server did not answer /healthz in time")

    def log_tail(self) -> str:
        """The last 300 characters the child wrote to stderr."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-300:]

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._log.close()
