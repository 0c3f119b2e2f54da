"""MCP Inspector's CLI lists the tools with ``--strict`` (schema portability) and finds nothing.

``--strict`` reports every construct some host rejects or silently drops (type arrays such as
``["string", "null"]``, untyped or boolean schemas, remote ``$ref`` ...) on stderr, and puts
them in the JSON envelope's ``schemaFindings``; errors exit 6. Both protocol eras are listed.
(``--strict`` applies to ``tools/list`` only.) The Inspector also lists the files, and reads
the first one through its ``resource_link``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.service.catalog import all_specs

from ..transports.serving import CLEAN_ENV
from .toolchain import bin_path, node_env

PROGRAM = Path(sys.executable).with_name("mcp-assistant-files")


def inspect(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``inspector --cli`` against ``serve`` on ``tmp_path``'s database, with ``args``."""
    inspector = bin_path("inspector")
    bin_path("node")
    env = node_env(
        {
            "MCP_CATALOG_PATH": str(tmp_path / "catalog.json"),
            "MCP_CLIENT_CONFIG_PATH": str(tmp_path / "client.json"),
        }
    )
    for name in CLEAN_ENV:
        env.pop(name, None)
    return subprocess.run(
        [
            str(inspector),
            "--cli",
            str(PROGRAM),
            "serve",
            "--db",
            str(tmp_path / "db.sqlite3"),
            "--upload-root",
            str(tmp_path),
            *args,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_inspector_strict_tools_list_has_no_finding(
    era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = inspect(tmp_path, "--method", "tools/list", "--strict", "--protocol-era", era)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    envelope = json.loads(done.stdout)
    tools = envelope["result"]["tools"]
    assert sorted(t["name"] for t in tools) == sorted(spec.name for spec in all_specs())
    assert "schemaFindings" not in envelope, json.dumps(envelope["schemaFindings"], indent=2)
    assert not [line for line in done.stderr.splitlines() if line.startswith(("Warning:", "Error:"))], output
    assert "Schema portability" not in done.stderr, output
    with capsys.disabled():
        print(  # noqa: T201 - kept in the output
            f"\nInspector {era} era: tools/list --strict exit {done.returncode}, {len(tools)} tools, "
            "0 schema findings (0 errors, 0 warnings)"
        )


def test_inspector_reads_a_listed_file_through_its_resource_link(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3", max_files_per_assistant=0) as store:
        store.seed_attachments(store.create_assistant()["id"], 2)
    listed = inspect(tmp_path, "--method", "tools/call", "--tool-name", "list_files")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    result = json.loads(listed.stdout)["result"]
    links = [c for c in result["content"] if c["type"] == "resource_link"]
    assert [link["name"] for link in links] == [f["id"] for f in result["structuredContent"]["files"]]
    read = inspect(tmp_path, "--method", "resources/read", "--uri", links[0]["uri"])
    assert read.returncode == 0, read.stdout + read.stderr
    [contents] = json.loads(read.stdout)["result"]["contents"]
    assert contents["mimeType"] == "application/json"
    assert json.loads(contents["text"]) == result["structuredContent"]["files"][0]
