"""Scale-out: two stateless replicas behind nginx (the shipped manifests/nginx.conf), one upstream.

Consecutive calls land on different replicas, and cursors issued by one are followed on the
other: every attachment is seen once. With different cursor secrets the walk fails with the
clear cursor error instead.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp_types import TextContent

from mcp_assistant_files.backend import Store

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = [
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
        f"log_format upstream '$upstream_addr';\n    access_log {access_log} upstream;",
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


async def walk(url: str, assistant_id: str) -> tuple[list[str], list[str]]:
    """Follow next_cursor through the balancer: (ids seen, error texts)."""
    seen: list[str] = []
    errors: list[str] = []
    async with Client(url) as client:
        args: dict[str, Any] = {"assistant_id": assistant_id, "limit": 20}
        cursor = None
        for _ in range(100):
            result = await client.call_tool(
                "list_assistant_files", {**args, **({"cursor": cursor} if cursor else {})}
            )
            if result.is_error:
                errors.append(" ".join(c.text for c in result.content if isinstance(c, TextContent)))
                return seen, errors
            assert result.structured_content is not None
            seen += [f["id"] for f in result.structured_content["files"]]
            cursor = result.structured_content.get("next_cursor")
            if cursor is None:
                break
    return seen, errors


@pytest.fixture
def deployment(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, str, list[str], Path]]:
    """Backend + two replicas (secrets from the test's parameter) + nginx; yields (url, assistant, ids, log)."""
    assert NGINX is not None, "CI must have nginx: .ci/run installs it"
    secrets: tuple[str, str] = request.param
    db = tmp_path / "upstream.sqlite3"
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant(name="scale-out")["id"]
        file_ids = store.seed_attachments(assistant_id, 250)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    cli = [sys.executable, "-m", "mcp_assistant_files"]
    backend_port, nginx_port = free_port(), free_port()
    ports = (free_port(), free_port())
    upstream = f"http://127.0.0.1:{backend_port}"
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
    with running(backend_args, f"{upstream}/healthz", env, tmp_path / "backend.log"):
        replica_args = [
            *cli,
            "serve",
            "--transport",
            "streamable-http",
            "--stateless",
            "--base-url",
            f"{upstream}/v1",
        ]
        with (
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
            check = subprocess.run(
                [NGINX, "-t", "-c", str(conf)], capture_output=True, text=True, check=False
            )
            assert check.returncode == 0, check.stderr
            with running(
                [NGINX, "-c", str(conf), "-g", "daemon off;"],
                f"http://127.0.0.1:{nginx_port}/healthz",
                env,
                tmp_path / "nginx.log",
            ):
                yield f"http://127.0.0.1:{nginx_port}/mcp", assistant_id, file_ids, access_log


@pytest.mark.parametrize(
    "deployment", [("one-shared-secret-for-both", "one-shared-secret-for-both")], indirect=True
)
def test_cursors_are_followed_across_replicas_and_every_attachment_is_seen_once(
    deployment: tuple[str, str, list[str], Path],
) -> None:
    url, assistant_id, file_ids, access_log = deployment
    seen, errors = anyio.run(walk, url, assistant_id)
    assert errors == []
    assert sorted(seen) == sorted(file_ids)
    assert len(seen) == len(set(seen)) == 250
    upstreams = [
        line.strip() for line in access_log.read_text().splitlines() if line.strip() not in ("", "-")
    ]
    assert len(set(upstreams)) == 2, upstreams
    # Round-robin: the 13 list calls alternate between the replicas.
    assert sum(a != b for a, b in itertools.pairwise(upstreams)) >= len(upstreams) // 2


@pytest.mark.parametrize(
    "deployment", [("secret-of-replica-one-xxxxxxxx", "secret-of-replica-two-yyyyyyyy")], indirect=True
)
def test_replicas_with_different_secrets_refuse_each_others_cursors_clearly(
    deployment: tuple[str, str, list[str], Path],
) -> None:
    url, assistant_id, _, _ = deployment
    seen, errors = anyio.run(walk, url, assistant_id)
    # Pages work while the cursor comes back to the replica that issued it; the first call that
    # lands on the other replica is refused (which call that is depends on the balancer's turn).
    assert 20 <= len(seen) < 250
    assert len(seen) % 20 == 0
    assert len(errors) == 1
    assert "without `cursor`" in errors[0]
    assert "secret" in errors[0]
