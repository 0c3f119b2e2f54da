"""Start-up: every OAuth misconfiguration is one line on stderr and exit status 2; an issuer that
does not answer is not one (the server starts, and says 401 or 503 as fits)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from mcp_assistant_files.cli.access import Access
from mcp_assistant_files.server.oauth import ResourceServer
from mcp_assistant_files.service.catalog import all_specs
from mcp_assistant_files.service.scopes import ScopeMap

from ..transports.serving import free_port, run_to_exit, seed_db, spawn
from ..transports.wire import INITIALIZE, MCP_HEADERS
from .conftest import OAuthFleet

pytestmark = pytest.mark.anyio

ISSUER = "https://login.example.com/realms/main"
AUDIENCE = "https://mcp.example.com/mcp"
MISCONFIGURED = {
    "audience-missing": (["--auth-issuer", ISSUER], "--auth-audience"),
    "audience-without-issuer": (["--auth-audience", AUDIENCE], "--auth-issuer"),
    "scope-without-issuer": (["--auth-read-scope", "x"], "--auth-issuer"),
    "issuer-not-a-url": (
        ["--auth-issuer", "login.example.com", "--auth-audience", AUDIENCE],
        "--auth-issuer",
    ),
    "issuer-bad-port": (["--auth-issuer", "https://h:99999/x", "--auth-audience", AUDIENCE], "--auth-issuer"),
    "issuer-plain-http": (
        ["--auth-issuer", "http://login.example.com", "--auth-audience", AUDIENCE],
        "https",
    ),
    "issuer-with-query": (["--auth-issuer", f"{ISSUER}?x=1", "--auth-audience", AUDIENCE], "query"),
    "audience-with-fragment": (
        ["--auth-issuer", ISSUER, "--auth-audience", f"{AUDIENCE}#a"],
        "--auth-audience",
    ),
    "jwks-with-password": (
        ["--auth-issuer", ISSUER, "--auth-audience", AUDIENCE, "--auth-jwks-url", "https://u:p@h/keys"],
        "--auth-jwks-url",
    ),
    "scope-with-space": (
        ["--auth-issuer", ISSUER, "--auth-audience", AUDIENCE, "--auth-read-scope", "a b"],
        "scope",
    ),
    "scope-twice": (
        [
            "--auth-issuer",
            ISSUER,
            "--auth-audience",
            AUDIENCE,
            "--auth-write-scope",
            "a",
            "--auth-write-scope",
            "b",
        ],
        "twice",
    ),
}


@pytest.mark.parametrize("case", MISCONFIGURED)
def test_an_oauth_misconfiguration_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    flags, named = MISCONFIGURED[case]
    done = run_to_exit(
        "--transport", "streamable-http", "--port", str(free_port()), "--db", str(tmp_path / "db"), *flags
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("mcp-assistant-files: error: ")
    assert named in done.stderr
    assert done.stdout == ""


def test_oauth_on_stdio_is_refused(tmp_path: Path) -> None:
    done = run_to_exit("--db", str(tmp_path / "db"), "--auth-issuer", ISSUER, "--auth-audience", AUDIENCE)
    assert done.returncode == 2
    assert "--transport streamable-http" in done.stderr


def test_oauth_is_authentication_enough_to_bind_all_interfaces(tmp_path: Path) -> None:
    seeded = seed_db(tmp_path / "db.sqlite3", 1)
    served = spawn(
        tmp_path, "--db", str(seeded.db), "--auth-issuer", ISSUER, "--auth-audience", AUDIENCE, host="0.0.0.0"
    )
    try:
        served.wait_ready()
    finally:
        assert served.stop() == 0
    assert f"OAuth: access tokens of {ISSUER} for {AUDIENCE}, scopes files:read files:write" in served.stderr


async def test_an_unreachable_issuer_gives_401_without_a_token_and_503_with_one(
    oauth_fleet: OAuthFleet,
) -> None:
    served = oauth_fleet.ready("issuer-down")
    token = oauth_fleet.token("issuer-down")
    async with httpx2.AsyncClient(timeout=15.0) as http:
        health = await http.get(f"{served.base}/healthz")
        metadata = await http.get(f"{served.base}/.well-known/oauth-protected-resource/mcp")
        anonymous = await http.post(f"{served.base}/mcp", headers=MCP_HEADERS, json=INITIALIZE)
        with_token = await http.post(
            f"{served.base}/mcp", headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"}, json=INITIALIZE
        )
    assert health.status_code == 200 and metadata.status_code == 200
    assert anonymous.status_code == 401 and "resource_metadata=" in anonymous.headers["www-authenticate"]
    assert with_token.status_code == 503
    assert with_token.headers["retry-after"] == "5"
    assert with_token.json()["error"] == "temporarily_unavailable"
    assert "could not fetch the signing keys" in served.stderr


def test_the_readme_scope_table_is_what_the_server_requires() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"(?m)^\| `([a-z]+:[a-z]+)` \| ((?:`[a-z_]+`(?:, )?)+) \|", readme)
    documented = {tool: scope for scope, tools in rows for tool in re.findall(r"`([a-z_]+)`", tools)}
    assert documented == ScopeMap().needs(all_specs())


def test_a_server_without_oauth_never_loads_the_jose_library() -> None:
    # Start-up time is what a stdio host waits for: JWT work loads only with --auth-issuer.
    probe = "import sys, mcp_assistant_files.cli.commands; print(sorted(m for m in sys.modules if m.split('.')[0] == 'jwt'))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_only_the_scopes_of_served_tools_are_advertised() -> None:
    oauth = ResourceServer.checked(issuer=ISSUER, audience=AUDIENCE, needs={})
    access = Access(oauth=oauth, scopes=ScopeMap.parse(write=["files=uploads:write"]))
    every = access.resource_server(all_specs())
    read_only = access.resource_server(spec for spec in all_specs() if spec.hints.read_only)
    assert every is not None and read_only is not None
    assert every.scopes_supported == ["files:read", "files:write", "uploads:write"]
    assert read_only.scopes_supported == ["files:read"]  # as with --read-only
