"""No token passthrough: whatever token a client authenticates with, the upstream sees only the
server's own key. The upstream is the standalone backend requiring that key, reached through a
proxy that keeps every byte the server sends it."""

from __future__ import annotations

import re
from pathlib import Path

import anyio
import pytest

from ..reliability.processes import running
from ..transports.clients import connect, text_of
from ..transports.serving import free_port, seed_db, spawn
from ..transports.upstreams import CountingProxy, listening_socket, port_of, serving
from .authority import running_authority
from .conftest import oauth_flags

pytestmark = pytest.mark.anyio

SERVER_KEY = "sk-the-servers-own-upstream-key-0123"
STATIC_TOKEN = "static-token-of-the-passthrough-test-0123"
AUTHORIZATION = re.compile(rb"^authorization: ?(.*?)\r$", re.IGNORECASE | re.MULTILINE)


async def test_the_upstream_sees_the_servers_key_and_never_a_clients_token(tmp_path: Path) -> None:
    seeded = seed_db(tmp_path / "upstream.sqlite3", 3)
    keys = tmp_path / "backend-keys"
    keys.write_text(f"{SERVER_KEY}\n")
    backend_port, port = free_port(), free_port()
    audience = f"http://127.0.0.1:{port}/mcp"
    sock = listening_socket()
    proxy = CountingProxy(backend_port)
    backend = ["backend", "--port", str(backend_port), "--db", str(seeded.db), "--api-key-file", str(keys)]
    with (
        sock,
        running_authority() as authority,
        running(backend, ready_url=f"http://127.0.0.1:{backend_port}/healthz", log=tmp_path / "backend.log"),
    ):
        served = spawn(
            tmp_path,
            "--base-url",
            f"http://127.0.0.1:{port_of(sock)}/v1",
            *oauth_flags(authority.issuer, audience),
            port=port,
            env={"OPENAI_API_KEY": SERVER_KEY, "MCP_ASSISTANT_FILES_AUTH_TOKEN": STATIC_TOKEN},
        )
        tokens = (authority.token(audience), STATIC_TOKEN)
        try:
            served.wait_ready()
            with anyio.fail_after(30):
                async with serving(sock, proxy.handle):
                    for token, file_id in zip(tokens, seeded.file_ids, strict=False):
                        auth = {"Authorization": f"Bearer {token}"}
                        async with connect(served, "streamable-http", headers=auth) as client:
                            listed = await client.call_tool(
                                "list_assistant_files", {"assistant_id": seeded.assistant_id}
                            )
                            detached = await client.call_tool(
                                "detach_assistant_file",
                                {"assistant_id": seeded.assistant_id, "file_id": file_id},
                            )
                        assert not listed.is_error, text_of(listed)
                        assert not detached.is_error, text_of(detached)
        finally:
            served.stop()
    sent = bytes(proxy.forwarded)
    assert sent.count(b"/v1/assistants/") >= 4  # two lists and two detaches reached the upstream
    assert set(AUTHORIZATION.findall(sent)) == {f"Bearer {SERVER_KEY}".encode()}
    for token in tokens:
        assert token.encode() not in sent
        assert token.rsplit(".", 1)[-1].encode() not in sent  # not even a JWT's signature
