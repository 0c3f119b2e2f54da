"""One stand-in authorization server and the ``serve`` processes that trust it, started at once.

Servers (all on 127.0.0.1, ``--auth-issuer`` the stand-in, ``--auth-audience`` their own URL):

- ``main``: stateful streamable HTTP, ``--log-level DEBUG`` (the most a log can say), the static
  token set too, ``--allowed-origin`` ``ALLOWED_ORIGIN``;
- ``sse``: SSE (audience ``.../sse``);
- ``small-table``: ``--max-sessions 2``;
- ``custom``: ``--auth-jwks-url``, read scope ``mcp:read``, the files family's write scope
  ``uploads:write`` and ``--upload-root`` ``uploads`` (so ``upload_file`` is served);
- ``issuer-down``: an issuer on a closed port.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..transports.serving import Seeded, Served, closed_port, free_port, seed_db, spawn, stop_all
from .authority import CERTS, Authority, running_authority

STATIC_TOKEN = "oauth-fleet-static-token-0123456789"
ALLOWED_ORIGIN = "https://app.example.test"
CURSOR_SECRET = "oauth-fleet-cursor-secret-0123456789"


def oauth_flags(issuer: str, audience: str) -> tuple[str, ...]:
    """The flags that make ``serve`` trust ``issuer``'s tokens for ``audience``."""
    return ("--auth-issuer", issuer, "--auth-audience", audience)


@dataclass
class OAuthFleet:
    """The stand-in authority and the servers trusting it (see the module's docstring)."""

    authority: Authority
    servers: dict[str, Served] = field(default_factory=dict)
    seeds: dict[str, Seeded] = field(default_factory=dict)
    audiences: dict[str, str] = field(default_factory=dict)
    uploads: Path = Path()

    def ready(self, name: str) -> Served:
        """The server ``name``, once it answers ``/healthz``."""
        served = self.servers[name]
        served.wait_ready()
        return served

    def token(self, name: str, **claims: Any) -> str:
        """A good access token for server ``name`` (``claims`` as :meth:`Authority.token` takes them)."""
        return self.authority.token(self.audiences[name], **claims)


@pytest.fixture(scope="session")
def oauth_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OAuthFleet]:
    """Start the stand-in and every server (without waiting); stop them all at the end."""
    tmp = tmp_path_factory.mktemp("oauth")
    uploads = tmp / "uploads"
    uploads.mkdir()
    (uploads / "notes.txt").write_text("notes")
    with running_authority() as authority, closed_port() as gone:
        fleet = OAuthFleet(authority, uploads=uploads)

        def start(
            name: str, *flags: str, transport: str = "streamable-http", env: dict[str, str] | None = None
        ) -> None:
            port = free_port()
            path = "/sse" if transport == "sse" else "/mcp"
            fleet.audiences[name] = f"http://127.0.0.1:{port}{path}"
            fleet.seeds[name] = seed_db(tmp / f"{name}.sqlite3", 5)
            issuer = authority.issuer if name != "issuer-down" else f"http://127.0.0.1:{gone}/realms/gone"
            fleet.servers[name] = spawn(
                tmp,
                "--db",
                str(fleet.seeds[name].db),
                *oauth_flags(issuer, fleet.audiences[name]),
                *flags,
                transport=transport,
                port=port,
                env={"MCP_ASSISTANT_FILES_CURSOR_SECRET": CURSOR_SECRET, **(env or {})},
            )

        try:
            start(
                "main",
                "--log-level",
                "DEBUG",
                "--allowed-origin",
                ALLOWED_ORIGIN,
                env={"MCP_ASSISTANT_FILES_AUTH_TOKEN": STATIC_TOKEN},
            )
            start("sse", transport="sse")
            start("small-table", "--max-sessions", "2")
            start(
                "custom",
                "--auth-jwks-url",
                f"{authority.issuer}{CERTS}",
                "--auth-read-scope",
                "mcp:read",
                "--auth-write-scope",
                "files=uploads:write",
                "--upload-root",
                str(uploads),
            )
            start("issuer-down")
            yield fleet
        finally:
            stop_all(list(fleet.servers.values()))
