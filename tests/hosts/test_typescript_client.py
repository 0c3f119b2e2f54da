"""A TypeScript SDK host (``tests/hosts/js/typescript_client.mjs``) over stdio, streamable HTTP and SSE.

The script compiles every tool schema with Ajv (2020-12, strict), walks 250 attachments by
cursor, calls every tool, validates every argument object and result against the tool's
schemas, and checks that an invalid cursor and an unknown argument are each refused with one
sentence; it reads a listing's first resource_link and completes each template's file_id. See
the script's header for the details.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Ingestor, Store
from mcp_assistant_files.backend.vector_store_validation import FileAttach

from ..transports.serving import clean_env, seed_db, spawn, stop_all
from .toolchain import bin_path, last_json_line, link_node_modules, node_env

JS = Path(__file__).with_name("js")
ATTACHMENTS = 250
PAGE_LIMIT = 20


def seed_vector_stores(db: Path, shared_file: str) -> str:
    """A vector store of 250 files (``shared_file``, attached to the assistant too, among them), and
    249 more stores: every listing has 250 items, but the Files API's (499: 250 + 249 uploads)."""
    with Store.open(db, max_files_per_assistant=0) as store:
        store_id: str = store.create_vector_store("typescript")["id"]
        store.attach_vector_store_file(store_id, FileAttach(shared_file))
        store.seed_vector_store_files(store_id, ATTACHMENTS - 1)
        Ingestor(store).process_pending()
        for n in range(ATTACHMENTS - 1):
            store.create_vector_store(f"store {n}")
    return store_id


def test_the_typescript_sdk_client_walks_validates_and_gets_one_sentence_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = bin_path("node")
    link_node_modules(JS)
    seeds = {name: seed_db(tmp_path / f"{name}.sqlite3", ATTACHMENTS) for name in ("stdio", "http", "sse")}
    stores = {name: seed_vector_stores(seed.db, seed.file_ids[0]) for name, seed in seeds.items()}
    http = spawn(tmp_path, "--db", str(seeds["http"].db))
    sse = spawn(tmp_path, "--db", str(seeds["sse"].db), transport="sse")
    try:
        http.wait_ready()
        sse.wait_ready()

        expected = {
            "list_assistant_files": ATTACHMENTS,
            "list_vector_stores": ATTACHMENTS,
            "list_vector_store_files": ATTACHMENTS,
            "list_files": 2 * ATTACHMENTS - 1,
        }

        def samples(name: str) -> dict[str, object]:
            return {
                "assistant_id": seeds[name].assistant_id,
                "file_id": seeds[name].file_ids[0],
                "vector_store_id": stores[name],
                "attributes": [
                    {"key": "source", "value": "typescript"},
                    {"key": "pages", "value": 3},
                    {"key": "draft", "value": False},
                ],
            }

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
            "expected": expected,
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
            f"{report['argumentsValidated']} argument objects and {report['resultsValidated']} results valid; {walks}; "
            f"{report['linksChecked']} resource links, {report['linksRead']} read; {report['templates']} templates, "
            "file_id completions: "
            + ", ".join(
                f"{t} {c['values']}{'+' if c['hasMore'] else ''}" for t, c in report["completions"].items()
            )
        )
        assert report["linksRead"] == 3 and report["templates"] == 3
        assert set(report["walks"]) == set(expected)
    lines += [f"  {what}: {text}" for what, text in result["transports"]["stdio"]["errors"].items()]
    with capsys.disabled():
        print("\n" + "\n".join(lines))  # noqa: T201 - kept in the output
