"""What the host tests need besides Python: the CI's Node 22 toolchain, and a way to say it is missing.

The toolchain (Node 22, the MCP conformance suite, the Inspector, the TypeScript SDK, Ajv) is
installed into ``.ci/node/`` by ``. .ci/node.sh && ci_node_install`` from the committed lock.
Without it these tests skip with that command; under CI (``CI`` set), where ``.ci/run``
installs it first, a missing tool is a failure instead, so CI never passes by skipping them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, NoReturn

import pytest

__all__ = [
    "NODE_BIN",
    "ROOT",
    "bin_path",
    "last_json_line",
    "link_node_modules",
    "node_env",
    "unavailable",
]

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".ci" / "node" / "node_modules"
NODE_BIN = NODE_MODULES / ".bin"
INSTALL_HINT = "install it with `. .ci/node.sh && ci_node_install` (Node 22 and the MCP tools, from npm)"


def unavailable(reason: str) -> NoReturn:
    """Skip the test (fail it under CI, which must run it) because ``reason``."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


def bin_path(name: str) -> Path:
    """The toolchain's ``name`` (``node``, ``conformance``, ``inspector``), or skip saying how to install it."""
    path = NODE_BIN / name
    if not path.exists():
        unavailable(f"the Node 22 toolchain is not installed ({path} is missing): {INSTALL_HINT}")
    if name == "node":
        version = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=False, timeout=30
        ).stdout.strip()
        if not version.startswith("v22."):
            unavailable(f"{path} is Node {version or '?'}, not 22: {INSTALL_HINT}")
    return path


def node_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment with the toolchain's Node 22 first on PATH (its tools run on ``env node``)."""
    env = dict(os.environ)
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return env


def link_node_modules(folder: Path) -> None:
    """Let ESM scripts in ``folder`` import the toolchain's packages (NODE_PATH does not apply to ESM)."""
    link = folder / "node_modules"
    if link.is_symlink() and link.resolve() == NODE_MODULES.resolve():
        return
    if link.is_symlink():
        link.unlink()
    link.symlink_to(NODE_MODULES, target_is_directory=True)


def last_json_line(output: str) -> Any:
    """The last line of ``output`` that is a JSON object (scripts end with their summary)."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON summary in the output:\n{output[-3000:]}")
