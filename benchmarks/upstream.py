"""A stdlib keep-alive upstream speaking the assistant-files reads, run in its own process.

``python -m benchmarks.upstream --files N`` prints ``{"port": P}`` on one line, then serves
precomputed JSON on 127.0.0.1:P until stdin closes or it is terminated:

- ``GET /v1/assistants/asst_bench/files/{file_id}``: one ``assistant.file``
- ``GET /v1/assistants/asst_bench/files?limit=&order=&after=&before=``: a list page
  (``has_more`` is exact, ids are ``file-%08d``, ``created_at`` rises with the index)
- ``GET /_stats``: ``{"connections": accepted so far, "requests": answered so far}``
- ``GET /_delay?ms=N``: from now on, wait N ms before each assistant-files answer (a distant
  upstream; every connection has its own thread, so waits overlap as they would)

:class:`UpstreamProcess` starts and stops it from the benchmarks.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

ASSISTANT_ID = "asst_bench"
_FILES_PREFIX = f"/v1/assistants/{ASSISTANT_ID}/files"


def file_id(index: int) -> str:
    """The id of the ``index``-th attachment (0 is the oldest)."""
    return f"file-{index:08d}"


class _Data:
    def __init__(self, count: int) -> None:
        self.asc = [
            json.dumps(
                {"id": file_id(i), "object": "assistant.file", "created_at": 1_700_000_000 + i,
                 "assistant_id": ASSISTANT_ID},
                separators=(",", ":"),
            ).encode()
            for i in range(count)
        ]  # fmt: skip
        self.by_id = {file_id(i): body for i, body in enumerate(self.asc)}

    def page(self, query: dict[str, list[str]]) -> bytes | None:
        limit = max(1, min(100, int(query.get("limit", ["20"])[0])))
        order = query.get("order", ["desc"])[0]
        after, before = query.get("after", [None])[0], query.get("before", [None])[0]
        n = len(self.asc)
        ascending = order == "asc"

        def pos_of(i: int) -> int:
            """Position in the listing's order of index i; the mapping is its own inverse."""
            return i if ascending else n - 1 - i

        index_of = pos_of
        start, stop = 0, n
        for cursor, is_after in ((after, True), (before, False)):
            if cursor is None:
                continue
            if cursor not in self.by_id:
                return None
            pos = pos_of(int(cursor[5:]))
            if is_after:
                start = pos + 1
            else:
                stop = pos
        if before is not None and after is None:
            start = max(0, stop - limit)
        end = min(stop, start + limit)
        positions = range(start, end)
        data = [self.asc[index_of(p)] for p in positions]
        has_more = (end < stop) if before is None or after is not None else start > 0
        first = f'"{file_id(index_of(start))}"' if data else "null"
        last = f'"{file_id(index_of(end - 1))}"' if data else "null"
        return (
            b'{"object":"list","data":[' + b",".join(data) + b'],"first_id":' + first.encode()
            + b',"last_id":' + last.encode() + b',"has_more":' + (b"true" if has_more else b"false") + b"}"
        )  # fmt: skip


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 50 clients connecting at once must not overflow the backlog

    def __init__(self, data: _Data) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.data = data
        self.connections = 0
        self.requests = 0
        self.delay = 0.0  # seconds before each assistant-files answer

    def get_request(self) -> tuple[socket.socket, Any]:
        accepted = super().get_request()
        self.connections += 1  # only the accept loop's thread touches this
        return accepted


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive answer stalls on delayed ACK
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log line."""

    def do_GET(self) -> None:
        self.server.requests += 1
        url = urlsplit(self.path)
        data = self.server.data
        body: bytes | None = None
        if url.path.startswith(_FILES_PREFIX) and self.server.delay:
            time.sleep(self.server.delay)
        if url.path == _FILES_PREFIX:
            body = data.page(parse_qs(url.query))
        elif url.path.startswith(_FILES_PREFIX + "/"):
            body = data.by_id.get(url.path[len(_FILES_PREFIX) + 1 :])
        elif url.path == "/_delay":
            self.server.delay = int(parse_qs(url.query)["ms"][0]) / 1000
            body = b"{}"
        elif url.path == "/_stats":
            body = json.dumps(
                {"connections": self.server.connections, "requests": self.server.requests}
            ).encode()
        elif url.path == "/healthz":
            body = b"{}"
        if body is None:
            self._send(404, b'{"error":{"message":"No such object","type":"invalid_request_error"}}')
        else:
            self._send(200, body)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class UpstreamProcess:
    """Runs the upstream in a child process; ``base_url`` ends in ``/v1``."""

    def __init__(self, files: int) -> None:
        self.files = files
        self._proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> UpstreamProcess:
        root = Path(__file__).resolve().parent.parent
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.upstream", "--files", str(self.files)],
            cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the upstream process exited before reporting its port")
        self.port = int(json.loads(line)["port"])
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int:
        """The child's process id."""
        assert self._proc is not None
        return self._proc.pid

    def set_delay(self, ms: int) -> None:
        """Wait ``ms`` milliseconds before each assistant-files answer from now on (0: none)."""
        with urlopen(f"http://127.0.0.1:{self.port}/_delay?ms={ms}", timeout=10) as response:
            response.read()

    def stats(self) -> dict[str, int]:
        """Connections accepted and requests answered so far (the stats request adds one of each)."""
        with urlopen(f"http://127.0.0.1:{self.port}/_stats", timeout=10) as response:
            result: dict[str, int] = json.loads(response.read())
        return result


def main() -> None:
    """Serve until stdin closes (the parent died) or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    server = _Server(_Data(args.files))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write(json.dumps({"port": server.server_address[1]}) + "\n")
    sys.stdout.flush()
    sys.stdin.read()  # returns when the parent closes the pipe or exits
    server.shutdown()


if __name__ == "__main__":
    main()
