"""One client keeps its connections alive under concurrency (real sockets on loopback)."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio
import pytest

from mcp_assistant_files import AsyncAssistantsClient

from .harness import file_json

CONCURRENCY = 50


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0
        self.lock = threading.Lock()
        self.gate = threading.Barrier(CONCURRENCY, timeout=5)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: CountingServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        body = json.dumps(file_json()).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[CountingServer]:
    srv = CountingServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_fifty_concurrent_calls_reuse_at_most_fifty_connections(server: CountingServer) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"

    async def go() -> None:
        async with AsyncAssistantsClient(base_url=url, max_retries=0) as client:
            for _ in range(4):  # four waves of 50 concurrent calls
                async with anyio.create_task_group() as tg:
                    for i in range(CONCURRENCY):
                        tg.start_soon(
                            functools.partial(client.files.retrieve, f"file-{i}", assistant_id="asst_1")
                        )

    anyio.run(go)
    # 200 calls; httpx2's default pool (20 idle) would have reopened ~30 per wave.
    assert server.connections <= CONCURRENCY
