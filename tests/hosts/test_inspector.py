"""MCP Inspector's CLI lists the tools with ``--strict`` (schema portability) and finds nothing.

``--strict`` reports every construct some host rejects or silently drops (type arrays such as
``["string", "null"]``, untyped or boolean schemas, remote ``$ref`` ...) on stderr, and puts
them in the JSON envelope's ``schemaFindings``; errors exit 6. Both protocol eras are listed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mcp_assistant_files.service.catalog import all_specs

from ..transports.serving import CLEAN_ENV
from .toolchain import bin_path, node_env

PROGRAM = Path(sys.executable).with_name("mcp-assistant-files")


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_inspector_strict_tools_list_has_no_finding(
    era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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
    done = subprocess.run(
        [
            str(inspector),
            "--cli",
            str(PROGRAM),
            "serve",
            "--db",
            str(tmp_path / "db.sqlite3"),
            "--upload-root",
            str(tmp_path),
            "--method",
            "tools/list",
            "--strict",
            "--format",
            "json",
            "--protocol-era",
            era,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
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
