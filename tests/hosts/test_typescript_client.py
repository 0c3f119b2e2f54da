"""A TypeScript SDK host (``tests/hosts/js/typescript_client.mjs``) over stdio, streamable HTTP and SSE.

The script compiles every tool schema with Ajv (2020-12, strict), walks 250 attachments by
cursor, calls every tool, validates every argument object and result against the tool's
schemas, and checks that an invalid cursor and an unknown argument are each refused with one
sentence. See the script's header for the details.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..transports.serving import clean_env, seed_db, spawn, stop_all
from .toolchain import bin_path, last_json_line, link_node_modules, node_env

JS = Path(__file__).with_name("js")
ATTACHMENTS = 250
PAGE_LIMIT = 20


def test_the_typescript_sdk_client_walks_validates_and_gets_one_sentence_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = bin_path("node")
    link_node_modules(JS)
    seeds = {name: seed_db(tmp_path / f"{name}.sqlite3", ATTACHMENTS) for name in ("stdio", "http", "sse")}
    http = spawn(tmp_path, "--db", str(seeds["http"].db))
    sse = spawn(tmp_path, "--db", str(seeds["sse"].db), transport="sse")
    try:
        http.wait_ready()
        sse.wait_ready()

        def samples(name: str) -> dict[str, str]:
            return {"assistant_id": seeds[name].assistant_id, "file_id": seeds[name].file_ids[0]}

        config = {
            "transports": {
                "stdio": {
                    "command": sys.executable,
                    "args": ["-m", "mcp_assistant_files", "serve", "--db", str(seeds["stdio"].db)],
                    "env": clean_env(),
                    "samples": samples("stdio"),
                },
                "streamable-http": {"url": f"{http.base}/mcp", "samples": samples("http")},
                "sse": {"url": f"{sse.base}/sse", "samples": samples("sse")},
            },
            "expected": ATTACHMENTS,
            "pageLimit": PAGE_LIMIT,
        }
        path = tmp_path / "config.json"
        path.write_text(json.dumps(config))
        done = subprocess.run(
            [str(node), str(JS / "typescript_client.mjs"), str(path)],
            capture_output=True,
            text=True,
            env=node_env(),
            timeout=300,
            check=False,
        )
    finally:
        stop_all([http, sse])
    output = done.stdout + done.stderr
    result = last_json_line(done.stdout)
    assert done.returncode == 0 and not result["failures"], output
    lines = []
    for name, report in result["transports"].items():
        walks = ", ".join(
            f"{t} {w['unique']} items in {w['pages']} pages" for t, w in report["walks"].items()
        )
        lines.append(
            f"TypeScript SDK over {name}: {report['tools']} tools, {report['schemasCompiled']} schemas compiled, "
            f"{report['argumentsValidated']} argument objects and {report['resultsValidated']} results valid; {walks}"
        )
        assert report["walks"] and all(w["unique"] == ATTACHMENTS for w in report["walks"].values())
    lines += [f"  {what}: {text}" for what, text in result["transports"]["stdio"]["errors"].items()]
    with capsys.disabled():
        print("\n" + "\n".join(lines))  # noqa: T201 - kept in the output
