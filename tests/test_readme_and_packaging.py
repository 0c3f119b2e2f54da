"""The README documents every flag and variable; the package builds and installs cleanly."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mcp_assistant_files import __version__
from mcp_assistant_files.cli import build_parser
from mcp_assistant_files.service.catalog import all_specs
from mcp_assistant_files.service.declaration import Hints
from mcp_assistant_files.service.resources import RESOURCES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def all_flags() -> set[str]:
    parser = build_parser()
    flags = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command in sub.choices.values():
        flags |= {o for a in command._actions for o in a.option_strings if o.startswith("--")}
        for nested in (a for a in command._actions if isinstance(a, argparse._SubParsersAction)):
            for leaf in nested.choices.values():
                flags |= {o for a in leaf._actions for o in a.option_strings if o.startswith("--")}
    return flags - {"--help"}


def test_every_flag_is_in_the_readme() -> None:
    missing = sorted(
        flag for flag in all_flags() if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", README)
    )
    assert not missing, f"document these flags in README.md: {missing}"


def test_every_environment_variable_is_in_the_readme() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "mcp_assistant_files").rglob("*.py"))
    variables = set(re.findall(r"\b((?:OPENAI|MCP_ASSISTANT_FILES)_[A-Z_]+)\b", code))
    assert variables >= {
        "OPENAI_API_KEY",
        "MCP_ASSISTANT_FILES_CURSOR_SECRET",
        "MCP_ASSISTANT_FILES_AUTH_TOKEN",
    }
    missing = sorted(v for v in variables if v not in README)
    assert not missing, f"document these variables in README.md: {missing}"


def test_readme_starts_with_the_demo_and_the_test_command() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert block[0].endswith("mcp-assistant-files demo")
    assert block[1].endswith("python -m pytest")
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_version_has_one_source() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert "__version__" in (ROOT / "mcp_assistant_files" / "_version.py").read_text(encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "mcp_assistant_files", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"mcp-assistant-files {__version__}"


@pytest.mark.slow
def test_the_wheel_holds_the_package_and_nothing_else(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mcp_assistant_files-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"mcp_assistant_files", f"mcp_assistant_files-{__version__}.dist-info"}
    assert "mcp_assistant_files/py.typed" in names
    assert not any("test" in n.split("/")[-1] for n in names if n.endswith(".py") and "testing.py" not in n)


def test_help_for_every_command_works() -> None:
    for args in (
        [],
        ["serve"],
        ["backend"],
        ["demo"],
        ["assistants"],
        ["files"],
        ["files", "upload"],
        ["vector-stores"],
        ["vector-stores", "create"],
    ):
        out = subprocess.run(
            [sys.executable, "-m", "mcp_assistant_files", *args, "--help"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "usage: mcp-assistant-files" in out.stdout


def _documented_tools() -> list[tuple[str, str]]:
    """(name, hints) of each row of the README's tool tables, in order."""
    rows = re.findall(
        r"(?m)^\| `([a-z_]+)` \|.*\| ([a-z, -]+) \|$", README.split("## Tools", 1)[1].split("\n## ")[0]
    )
    return [(name, hints.strip()) for name, hints in rows]


def test_the_readme_tool_table_is_the_tool_registry() -> None:
    def described(hints: Hints) -> str:
        if hints.read_only:
            return "read-only"
        effects = [("destructive", hints.destructive), ("idempotent", hints.idempotent)]
        effects.append(("not idempotent", not hints.idempotent))
        return ", ".join(word for word, on in effects if on)

    assert _documented_tools() == [(spec.name, described(spec.hints)) for spec in all_specs()]


def test_the_readme_resource_table_is_the_resource_declarations() -> None:
    section = README.split("## Resources and completions", 1)[1].split("\n## ")[0]
    rows = re.findall(r"(?m)^\| `([a-z_]+)` \| `([^`]+)` \|", section)
    assert rows == [(spec.name, spec.uri_template) for spec in RESOURCES]
