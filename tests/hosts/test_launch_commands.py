"""Every way the README and the host configs start the server works, run exactly as written.

The README's "Use it from a host" lines (``uvx --from`` a checkout, ``uvx --from`` a wheel, the
PyPI form) and its JSON snippets, and each host config in ``manifests/``, are started with
``uvx`` as a host would: ``/path/to/mcp-assistant-files`` (the README's placeholder) is this
checkout, its ``dist/`` wheel is one built here, ``${workspaceFolder}`` (VS Code, Cursor) is
the checkout, an ``${input:...}`` left empty is "". Nothing is on PyPI yet, so the PyPI form
runs the copy ``uv tool install`` put in an isolated tool folder, offline, proving it never
reaches for PyPI. Each start must answer ``initialize`` and list the tools over stdio.

``uvx`` still installs the dependencies (``mcp`` ...) from PyPI into its cache: without PyPI
these tests skip (and fail under CI, which has it).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import pytest

from mcp_assistant_files import __version__
from mcp_assistant_files.service.catalog import all_specs

from ..transports.clients import tool_names_over_stdio
from ..transports.serving import CLEAN_ENV
from .toolchain import ROOT, unavailable

PROGRAM = "mcp-assistant-files"
PLACEHOLDER = "/path/to/mcp-assistant-files"
WHEEL = f"mcp_assistant_files-{__version__}-py3-none-any.whl"
HOST_CONFIGS = {
    "claude_desktop_config.json": "mcpServers",
    "cursor-mcp.json": "mcpServers",
    "vscode-mcp.json": "servers",
}


@dataclass(frozen=True)
class Launch:
    """One command line a host would run, and the environment its config gives the server."""

    where: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def from_pypi(self) -> bool:
        return "--from" not in self.argv


def readme_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Use it from a host", 1)[1].split("\n## ", 1)[0]


def config_launches(config: dict[str, object], key: str, where: str) -> Iterator[Launch]:
    servers = config[key]
    assert isinstance(servers, dict)
    for entry in servers.values():
        yield Launch(where, (entry["command"], *entry["args"]), dict(entry.get("env", {})))


def launches() -> list[Launch]:
    """Every command line the README shows and every host config in manifests/."""
    found = []
    section = readme_section()
    for command in re.findall(r"(?m)^\|[^|\n]*\| `(uvx [^`]+)` \|", section):  # the table's rows
        found.append(Launch(f"README `{command}`", tuple(shlex.split(command))))
    for block in re.findall(r"```json\n(.*?)```", section, re.S):
        found += config_launches(json.loads(block), "mcpServers", "README JSON snippet")
    for name, key in HOST_CONFIGS.items():
        config = json.loads((ROOT / "manifests" / name).read_text(encoding="utf-8"))
        found += config_launches(config, key, f"manifests/{name}")
    return found


def test_the_readme_shows_the_checkout_the_wheel_and_the_pypi_forms() -> None:
    commands = [" ".join(launch.argv) for launch in launches() if launch.where.startswith("README `")]
    assert commands == [
        f"uvx --from {PLACEHOLDER} {PROGRAM} serve",
        f"uvx --from {PLACEHOLDER}/dist/{WHEEL} {PROGRAM} serve",
        f"uvx {PROGRAM} serve",
    ]
    assert "after the first release" in readme_section()


@pytest.fixture(scope="module")
def uvx(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """``uvx``, a wheel built from this checkout, and an environment where the wheel is a uv tool."""
    found = Path(sys.executable).with_name("uvx")
    uvx_path = found if found.exists() else Path(shutil.which("uvx") or "uvx")
    if not uvx_path.exists():
        unavailable("uvx is not installed: pip install -e '.[test]' installs it")
    tmp = tmp_path_factory.mktemp("launch")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = tmp / "dist" / WHEEL
    assert wheel.exists(), f"the wheel is not named {WHEEL}: update the README"
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    env |= {"UV_TOOL_DIR": str(tmp / "tools"), "UV_TOOL_BIN_DIR": str(tmp / "tools-bin")}
    env["PATH"] = f"{uvx_path.parent}{os.pathsep}{env.get('PATH', '')}"
    probe = subprocess.run(
        [str(uvx_path), "--from", str(wheel), PROGRAM, "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if probe.returncode != 0:
        unavailable(
            f"uvx could not install the dependencies from PyPI (no network?): {probe.stderr.strip()[-300:]}"
        )
    offline = {**env, "UV_OFFLINE": "1"}
    before = subprocess.run(
        [str(uvx_path), PROGRAM, "--version"], capture_output=True, env=offline, timeout=120, check=False
    )
    assert before.returncode != 0, "the PyPI form ran before anything was installed: the test proves nothing"
    subprocess.run(
        [str(uvx_path.with_name("uv")), "tool", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        env=env,
        timeout=600,
    )
    return uvx_path, wheel, env


@pytest.mark.parametrize("launch", launches(), ids=lambda launch: f"{launch.where}: {' '.join(launch.argv)}")
def test_each_launch_line_starts_the_server_and_lists_the_tools(
    launch: Launch, uvx: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    uvx_path, wheel, base_env = uvx
    assert launch.argv[0] == "uvx", launch

    def as_run(token: str) -> str:
        token = token.replace(f"{PLACEHOLDER}/dist/{WHEEL}", str(wheel))
        return token.replace(PLACEHOLDER, str(ROOT)).replace("${workspaceFolder}", str(ROOT))

    args = [as_run(token) for token in launch.argv[1:]]
    env = {**base_env, **{k: re.sub(r"\$\{[^}]*\}", "", v) for k, v in launch.env.items()}}
    env["MCP_ASSISTANT_FILES_DB"] = str(tmp_path / "assistant-files.sqlite3")
    if launch.from_pypi:
        env["UV_OFFLINE"] = "1"  # the installed tool, never PyPI (where nothing is published yet)
    names = anyio.run(tool_names_over_stdio, str(uvx_path), args, env)
    assert names == {spec.name for spec in all_specs()} - {"upload_file"}  # offered only with --upload-root
