"""Scale-out all the way down: two backend processes on one PostgreSQL behind nginx, two MCP
replicas in front of them behind nginx too.

A walk of 500 attachments by cursor through the replicas, while a third process attaches and
detaches other files, survives ``kill -9`` of one backend in the middle: nginx sends the
remaining pages to the other backend, and every attachment is seen exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp_types import TextContent

from mcp_assistant_files.backend import Store
from tests.backend.test_concurrency import CHURN
from tests.stores import KINDS, database

from .harness import NGINX, free_port, nginx_config, running

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        NGINX is None and not os.environ.get("CI"), reason="nginx is not installed (.ci/run installs it)"
    ),
    *KINDS[1].marks,
]

WALKED = 500
PAGE = 20
KILL_AFTER_PAGES = 8


def backends_config(conf: Path, listen: int, backends: tuple[int, int]) -> None:
    """Add to ``conf`` a plain balancer on ``listen`` for the two backends (retrying on the other)."""
    block = f"""
    upstream backends {{
        server 127.0.0.1:{backends[0]} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{backends[1]} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{listen};
        location / {{
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # The backend answers only hosts it allows: pass the client's (127.0.0.1:PORT), not "backends".
            proxy_set_header Host $http_host;
            # A backend that died: its requests go to the other one (POSTs too, if never sent).
            proxy_next_upstream error timeout http_502;
        }}
    }}
"""
    text = conf.read_text(encoding="utf-8").rstrip()
    assert text.endswith("}")
    conf.write_text(text[:-1] + block + "}\n", encoding="utf-8")


async def walk(url: str, assistant_id: str, on_page: Any) -> tuple[list[str], list[str]]:
    """Follow next_cursor through the balancer; ``on_page(n)`` after each page. (ids, errors)."""
    seen: list[str] = []
    errors: list[str] = []
    async with Client(url) as client:
        cursor = None
        for number in range(1, 100):
            args = {"assistant_id": assistant_id, "limit": PAGE, "order": "asc"}
            result = await client.call_tool(
                "list_assistant_files", {**args, **({"cursor": cursor} if cursor else {})}
            )
            if result.is_error:
                errors.append(" ".join(c.text for c in result.content if isinstance(c, TextContent)))
                break
            assert result.structured_content is not None
            seen += [f["id"] for f in result.structured_content["files"]]
            on_page(number)
            cursor = result.structured_content.get("next_cursor")
            if cursor is None:
                break
    return seen, errors


def test_a_walk_through_replicas_survives_kill_9_of_one_backend_during_churn(tmp_path: Path) -> None:
    assert NGINX is not None, "CI must have nginx: .ci/run installs it"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    env["MCP_ASSISTANT_FILES_CURSOR_SECRET"] = "one-secret-for-every-replica"
    cli = [sys.executable, "-m", "mcp_assistant_files"]
    with database("postgres") as url:
        with Store.open(url, max_files_per_assistant=0) as store:
            assistant_id = store.create_assistant(name="scale-out")["id"]
            file_ids = store.seed_attachments(assistant_id, WALKED)
            churned = [store.create_file("c", b"x", "assistants")["id"] for _ in range(10)]
        backend_ports = (free_port(), free_port())
        replica_ports = (free_port(), free_port())
        front, back = free_port(), free_port()
        conf = nginx_config(tmp_path, front, replica_ports, tmp_path / "access.log")
        backends_config(conf, back, backend_ports)
        backend = [*cli, "backend", "--db", url, "--max-files-per-assistant", "0", "--port"]
        replica = [
            *cli,
            "serve",
            "--transport",
            "streamable-http",
            "--stateless",
            "--base-url",
            f"http://127.0.0.1:{back}/v1",
        ]
        with (
            running(
                [*backend, str(backend_ports[0])],
                f"http://127.0.0.1:{backend_ports[0]}/healthz",
                env,
                tmp_path / "b1.log",
            ) as doomed,
            running(
                [*backend, str(backend_ports[1])],
                f"http://127.0.0.1:{backend_ports[1]}/healthz",
                env,
                tmp_path / "b2.log",
            ),
            running(
                [NGINX, "-c", str(conf), "-g", "daemon off;"],
                f"http://127.0.0.1:{back}/healthz",
                env,
                tmp_path / "nginx.log",
            ),
            running(
                [*replica, "--port", str(replica_ports[0])],
                f"http://127.0.0.1:{replica_ports[0]}/healthz",
                env,
                tmp_path / "r1.log",
            ),
            running(
                [*replica, "--port", str(replica_ports[1])],
                f"http://127.0.0.1:{replica_ports[1]}/healthz",
                env,
                tmp_path / "r2.log",
            ),
        ):
            churn = subprocess.Popen(
                [sys.executable, "-c", CHURN, url, assistant_id, "1000", *churned], env=env
            )

            def on_page(number: int) -> None:
                if number == KILL_AFTER_PAGES:
                    doomed.send_signal(signal.SIGKILL)
                    doomed.wait(timeout=10)

            try:
                seen, errors = anyio.run(walk, f"http://127.0.0.1:{front}/mcp", assistant_id, on_page)
            finally:
                churn.kill()
                churn.wait(timeout=10)
            assert doomed.returncode == -signal.SIGKILL
    assert errors == []
    walked = [file_id for file_id in seen if file_id not in churned]
    assert walked == file_ids, "every attachment once, in order, none lost or repeated"
    assert len(seen) == len(set(seen))
    killed = f"backend 1 killed after page {KILL_AFTER_PAGES}"
    print(f"\nscale-out on PostgreSQL: {len(walked)} attachments walked once each; {killed}")  # noqa: T201
