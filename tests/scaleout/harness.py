"""Two stateless replicas behind nginx (the shipped manifests/nginx.conf) over one upstream.

:func:`deployment` starts the standalone backend (250 attachments), two ``serve --stateless``
replicas with the flags and cursor secrets given, and nginx on a port chosen first (so a
replica's flags can name the public URL), and stops them all at the end. nginx's access log
records ``$status $uri $upstream_addr`` per request, so a test can see which replica answered what.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from mcp_assistant_files.backend import Store

__all__ = ["ATTACHMENTS", "NGINX", "Deployment", "deployment", "needs_nginx"]

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
ATTACHMENTS = 250

needs_nginx = [
    pytest.mark.slow,
    pytest.mark.skipif(
        NGINX is None and not os.environ.get("CI"), reason="nginx is not installed (.ci/run installs it)"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            if httpx2.get(url, timeout=1.0).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


@contextmanager
def running(
    args: list[str], health: str, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            wait_healthy(health, proc)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def nginx_config(tmp: Path, listen: int, replicas: tuple[int, int], access_log: Path) -> Path:
    conf = (ROOT / "manifests" / "nginx.conf").read_text(encoding="utf-8")
    conf = conf.replace("listen 8080", f"listen 127.0.0.1:{listen}")
    conf = conf.replace("127.0.0.1:8001", f"127.0.0.1:{replicas[0]}").replace(
        "127.0.0.1:8002", f"127.0.0.1:{replicas[1]}"
    )
    conf = conf.replace("server_name mcp.example.com;", "server_name mcp.example.com 127.0.0.1;")
    conf = re.sub(r"^pid .*;$", f"pid {tmp / 'nginx.pid'};", conf, flags=re.M)
    conf = conf.replace(
        "access_log /dev/stdout;",
        f"log_format upstream '$status $uri $upstream_addr';\n    access_log {access_log} upstream;",
    )
    conf = conf.replace("error_log /dev/stderr warn;", f"error_log {tmp / 'nginx-error.log'} warn;")
    conf = conf.replace(
        "worker_processes auto;", "worker_processes 1;\n" + ("user root;" if os.geteuid() == 0 else "")
    )
    temp = "\n".join(
        f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = conf.replace("http {", "http {\n" + temp, 1)
    path = tmp / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Deployment:
    """What a test reaches: the public ``url`` (nginx's ``/mcp``), the seeded assistant, the log."""

    url: str
    assistant_id: str
    file_ids: list[str]
    access_log: Path

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<nginx port>``."""
        return self.url.removesuffix("/mcp")

    def answered(self, path: str = "/mcp") -> list[tuple[str, str]]:
        """``(replica address, status)`` of each request for ``path`` nginx passed to a replica, in order."""
        lines = (line.split(maxsplit=2) for line in self.access_log.read_text().splitlines())
        return [
            (fields[2], fields[0])
            for fields in lines
            if len(fields) == 3 and fields[1] == path and fields[2] != "-"
        ]


@contextmanager
def deployment(
    tmp_path: Path, secrets: tuple[str, str], flags: Callable[[str], Sequence[str]] = lambda url: ()
) -> Iterator[Deployment]:
    """Backend + two replicas (cursor secrets ``secrets``, extra ``flags(public_url)``) + nginx."""
    assert NGINX is not None, "CI must have nginx: .ci/run installs it"
    db = tmp_path / "upstream.sqlite3"
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant(name="scale-out")["id"]
        file_ids = store.seed_attachments(assistant_id, ATTACHMENTS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    cli = [sys.executable, "-m", "mcp_assistant_files"]
    backend_port, nginx_port = free_port(), free_port()
    ports = (free_port(), free_port())
    upstream, url = f"http://127.0.0.1:{backend_port}", f"http://127.0.0.1:{nginx_port}/mcp"
    backend_args = [
        *cli,
        "backend",
        "--port",
        str(backend_port),
        "--db",
        str(db),
        "--max-files-per-assistant",
        "0",
    ]
    replica_args = [
        *cli,
        "serve",
        "--transport",
        "streamable-http",
        "--stateless",
        "--base-url",
        f"{upstream}/v1",
    ]
    replica_args += flags(url)
    with (
        running(backend_args, f"{upstream}/healthz", env, tmp_path / "backend.log"),
        running(
            [*replica_args, "--port", str(ports[0])],
            f"http://127.0.0.1:{ports[0]}/healthz",
            {**env, "MCP_ASSISTANT_FILES_CURSOR_SECRET": secrets[0]},
            tmp_path / "replica-1.log",
        ),
        running(
            [*replica_args, "--port", str(ports[1])],
            f"http://127.0.0.1:{ports[1]}/healthz",
            {**env, "MCP_ASSISTANT_FILES_CURSOR_SECRET": secrets[1]},
            tmp_path / "replica-2.log",
        ),
    ):
        access_log = tmp_path / "access.log"
        conf = nginx_config(tmp_path, nginx_port, ports, access_log)
        check = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        with running(
            [NGINX, "-c", str(conf), "-g", "daemon off;"],
            f"http://127.0.0.1:{nginx_port}/healthz",
            env,
            tmp_path / "nginx.log",
        ):
            yield Deployment(url, assistant_id, file_ids, access_log)
