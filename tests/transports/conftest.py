"""Every HTTP server the transport tests talk to, started at once.

Each ``serve`` process spends ~1.5 s importing before it listens; started one module at a time
they cost most of the suite's run time. The ``fleet`` spawns them all when first asked for and
each test waits only for the servers it uses (``fleet.ready(name)``).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.testing import serve_in_thread

from .serving import Seeded, Served, closed_port, seed_db, spawn, stop_all
from .upstreams import listening_socket, port_of

# name -> (transport, extra serve flags): the HTTP flavours every basic test runs on.
HTTP_FLAVOURS = {
    "streamable-http": ("streamable-http", ()),
    "stateless": ("streamable-http", ("--stateless",)),
    "json-response": ("streamable-http", ("--json-response",)),
    "sse": ("sse", ()),
}
# name -> (transport, extra serve flags): servers whose upstream is a socket a test serves itself.
HANGUP_FLAVOURS = {
    "hangup-stateful": ("streamable-http", ()),
    "hangup-json": ("streamable-http", ("--json-response",)),
    "hangup-stateless": ("streamable-http", ("--stateless",)),
    "hangup-stateless-json": ("streamable-http", ("--stateless", "--json-response")),
    "hangup-sse": ("sse", ()),
}
AUTH_TOKEN = "transport-test-token-0123456789abcdef"
ALLOWED_ORIGIN = "https://app.example.test"
CURSOR_SECRET = "transport-test-cursor-secret-0123456789"


def transport_of(flavour: str) -> str:
    """``sse`` or ``streamable-http``."""
    return HTTP_FLAVOURS[flavour][0]


@dataclass
class Fleet:
    """The running servers, their databases, and the loopback stand-ins some of them use.

    Servers (all on 127.0.0.1 unless said otherwise; databases seeded with one assistant):

    - each of ``HTTP_FLAVOURS``: default flags, 60 attachments, no cursor secret;
    - ``allowed-host``: ``--allowed-host myhost.test``, ``MCP_ASSISTANT_FILES_CURSOR_SECRET`` set;
    - ``token``: ``MCP_ASSISTANT_FILES_AUTH_TOKEN`` set; ``open-bind``: ``--host 0.0.0.0 --insecure-no-auth``;
    - ``read-only``, ``one-tool`` (``--tools list_assistant_files``), ``allowlist``
      (``--allow-assistant`` the seeded assistant; ``others["allowlist"]`` is a second one);
    - ``silent-upstream``: ``--base-url`` at ``silent_socket``, which nobody answers until a test does;
      ``unreachable``: ``--base-url`` ``unreachable_url`` (a closed port); both ``--max-retries 0``;
    - ``sse-local``: SSE, ``--log-level INFO``, 30 attachments and ``spare``, an unattached file;
    - ``sse-proxied``: SSE whose ``--base-url`` is ``proxy_socket``, for a proxy to ``backend_port``;
    - each of ``HANGUP_FLAVOURS``: ``--base-url`` at ``upstream_sockets[name]``, which a test serves;
    - ``slow-headers``: ``--header-timeout 1``; ``few-connections``: ``--max-connections 20``
      (``--header-timeout 600``);
    - ``small-table``: ``--max-sessions 4``; ``short-idle``: ``--session-idle-timeout 1``;
    - ``cors``: ``--allowed-origin`` ``ALLOWED_ORIGIN`` and ``MCP_ASSISTANT_FILES_AUTH_TOKEN`` set.
    """

    servers: dict[str, Served] = field(default_factory=dict)
    seeds: dict[str, Seeded] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)
    spare: str = ""
    silent_socket: socket.socket | None = None
    unreachable_url: str = ""
    proxy_socket: socket.socket | None = None
    backend_port: int = 0
    upstream_sockets: dict[str, socket.socket] = field(default_factory=dict)

    def ready(self, name: str) -> Served:
        """The server ``name``, once it answers ``/healthz``."""
        served = self.servers[name]
        served.wait_ready()
        return served


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """Spawn every server (without waiting); stop them all at the end of the session."""
    tmp = tmp_path_factory.mktemp("fleet")
    f = Fleet()

    def seeded(name: str, count: int) -> Seeded:
        f.seeds[name] = seed_db(tmp / f"{name}.sqlite3", count)
        return f.seeds[name]

    with ExitStack() as stack:
        stack.callback(lambda: stop_all(list(f.servers.values())))
        f.silent_socket = stack.enter_context(listening_socket())
        f.proxy_socket = stack.enter_context(listening_socket())
        backend = seeded("backend", 30)
        backend_url = stack.enter_context(serve_in_thread(backend.db, max_files_per_assistant=0))
        f.backend_port = int(backend_url.rsplit(":", 1)[1].split("/")[0])
        f.unreachable_url = f"http://127.0.0.1:{stack.enter_context(closed_port())}/v1"

        def start(
            name: str,
            *flags: str,
            count: int = 5,
            db: bool = True,
            transport: str = "streamable-http",
            env: Mapping[str, str] | None = None,
            host: str = "127.0.0.1",
        ) -> None:
            db_flags = ("--db", str(seeded(name, count).db)) if db else ()
            f.servers[name] = spawn(tmp, *db_flags, *flags, transport=transport, env=env, host=host)

        for name, (transport, flags) in HTTP_FLAVOURS.items():
            start(name, *flags, count=60, transport=transport)
        start(
            "allowed-host",
            "--allowed-host",
            "myhost.test",
            env={"MCP_ASSISTANT_FILES_CURSOR_SECRET": CURSOR_SECRET},
        )
        start("token", env={"MCP_ASSISTANT_FILES_AUTH_TOKEN": AUTH_TOKEN})
        start("open-bind", "--insecure-no-auth", host="0.0.0.0")
        start("read-only", "--read-only", count=3)
        start("one-tool", "--tools", "list_assistant_files", count=3)
        allowlist = seeded("allowlist", 3)
        with Store.open(allowlist.db, max_files_per_assistant=0) as store:
            f.others["allowlist"] = store.create_assistant()["id"]
        f.servers["allowlist"] = spawn(
            tmp, "--db", str(allowlist.db), "--allow-assistant", allowlist.assistant_id
        )
        silent_url = f"http://127.0.0.1:{port_of(f.silent_socket)}/v1"
        start("silent-upstream", "--base-url", silent_url, "--max-retries", "0", db=False)
        start("unreachable", "--base-url", f.unreachable_url, "--max-retries", "0", db=False)
        local = seeded("sse-local", 30)
        with Store.open(local.db, max_files_per_assistant=0) as store:
            f.spare = store.create_file("spare.txt", b"x", "assistants")["id"]
        f.servers["sse-local"] = spawn(tmp, "--db", str(local.db), "--log-level", "INFO", transport="sse")
        proxy_url = f"http://127.0.0.1:{port_of(f.proxy_socket)}/v1"
        start("sse-proxied", "--base-url", proxy_url, db=False, transport="sse")
        start("slow-headers", "--header-timeout", "1")
        start("few-connections", "--max-connections", "20", "--header-timeout", "600")
        start("small-table", "--max-sessions", "4")
        start("short-idle", "--session-idle-timeout", "1")
        start("cors", "--allowed-origin", ALLOWED_ORIGIN, env={"MCP_ASSISTANT_FILES_AUTH_TOKEN": AUTH_TOKEN})
        for name, (transport, flags) in HANGUP_FLAVOURS.items():
            sock = f.upstream_sockets[name] = stack.enter_context(listening_socket())
            start(
                name,
                "--base-url",
                f"http://127.0.0.1:{port_of(sock)}/v1",
                *flags,
                db=False,
                transport=transport,
            )
        yield f


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    """A fresh database with one assistant and 60 attachments."""
    return seed_db(tmp_path / "seeded.sqlite3")
