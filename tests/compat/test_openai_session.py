"""openai-python's newest release, unchanged, plays a whole files + vector-store session
against ``mcp-assistant-files backend`` running as a real process on a loopback port.

The client lives in its own venv (this suite's python does not have ``openai``), created once
and cached in ``.cache/openai-3.57.0`` (git-ignored); ``MCP_ASSISTANT_FILES_OPENAI_PYTHON`` may
name a python that already has ``openai==3.57.0`` instead. The session's transcript is printed
and kept in ``.cache/openai-3.57.0/last-session.txt``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.reliability.processes import free_port, running

OPENAI_VERSION = "3.57.0"
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / f"openai-{OPENAI_VERSION}"
SESSION = Path(__file__).with_name("openai_session.py")
PYTHON_ENV = "MCP_ASSISTANT_FILES_OPENAI_PYTHON"
HOW = (
    f"run `python -m venv {CACHE.relative_to(ROOT)} && {CACHE.relative_to(ROOT)}/bin/pip install "
    f"openai=={OPENAI_VERSION}` with network access, or set {PYTHON_ENV} to a python that has it"
)


def has_openai(python: Path) -> bool:
    if not python.exists():
        return False
    check = f"import openai, sys; sys.exit(openai.__version__ != {OPENAI_VERSION!r})"
    return subprocess.run([str(python), "-c", check], capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="session")
def openai_python() -> Path:
    """A python with ``openai==3.57.0``: the one named by the environment, else the cached venv."""
    named = os.environ.get(PYTHON_ENV)
    if named:
        if not has_openai(Path(named)):
            pytest.fail(f"{PYTHON_ENV}={named} has no openai=={OPENAI_VERSION}")
        return Path(named)
    python = CACHE / "bin" / "python"
    if not has_openai(python):
        venv.create(CACHE, with_pip=True, clear=True)
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", f"openai=={OPENAI_VERSION}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if install.returncode != 0:
            pytest.skip(f"openai=={OPENAI_VERSION} could not be installed (no network?): {HOW}. "
                        f"pip said: {install.stderr.strip()[-300:]}")  # fmt: skip
    return python


@pytest.mark.slow
def test_openai_3_57_runs_a_whole_session_against_the_standalone_backend(
    openai_python: Path, tmp_path: Path
) -> None:
    port = free_port()
    args = ["backend", "--port", str(port), "--db", str(tmp_path / "session.sqlite3")]
    with running(args, ready_url=f"http://127.0.0.1:{port}/healthz", log=tmp_path / "backend.log"):
        done = subprocess.run(
            [str(openai_python), str(SESSION), f"http://127.0.0.1:{port}/v1", "--deadline", "600"],
            capture_output=True,
            text=True,
            check=False,
            timeout=660,
            env={k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")},
        )
    transcript = done.stdout + (f"\n--- stderr ---\n{done.stderr}" if done.stderr else "")
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "last-session.txt").write_text(transcript, encoding="utf-8")
    sys.stdout.write(transcript)
    assert done.returncode == 0, (
        transcript + "\n--- backend log ---\n" + (tmp_path / "backend.log").read_text()
    )
    assert "RESULT: OK" in done.stdout
