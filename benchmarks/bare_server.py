"""The baseline: a bare ``MCPServer`` whose ``get_assistant_file`` returns a constant.

``python benchmarks/bare_server.py [--transport stdio|streamable-http] [--port N] [--stateless]
[--json-response] [--upstream URL]`` takes the same flags as ``mcp-assistant-files serve`` so both run alike; on
HTTP it answers ``GET /healthz`` too. :func:`build_bare` gives the server for in-memory use.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from pydantic import BaseModel, Field


class AttachedFile(BaseModel):
    """The same result shape as ours, so both pay for structured output alike."""

    id: str = Field(description="The file's id.")
    assistant_id: str = Field(description="The assistant it is attached to.")
    created_at: int = Field(description="When it was attached.")


ANSWER = {"id": "file-00000007", "assistant_id": "asst_bench", "created_at": 1_700_000_007}


def build_bare(upstream: str | None = None) -> Any:
    """The bare server (typed ``Any`` so importing this module does not import ``mcp``).

    With ``upstream`` (a base URL ending in ``/v1``) the tool makes a raw ``httpx2`` GET, with
    httpx2's default pool, and returns the decoded JSON instead of the constant: the baseline that
    pays for the upstream call like ours does, but with no package code in the way.
    """
    import json

    import httpx2
    from mcp.server.mcpserver import MCPServer
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response

    server = MCPServer("bare", log_level="WARNING")
    # httpx2's defaults (pool of 100, 20 kept alive): what a plain tool gets without thinking.
    http = httpx2.AsyncClient(base_url=upstream or "http://127.0.0.1:9/v1")

    @server.tool()
    async def get_assistant_file(assistant_id: str, file_id: str) -> AttachedFile:
        """Return a constant attachment (or the upstream's, with ``--upstream``)."""
        if upstream is None:
            return AttachedFile(**ANSWER)
        response = await http.get(f"/assistants/{assistant_id}/files/{file_id}")
        response.raise_for_status()
        found: dict[str, Any] = json.loads(response.content)
        return AttachedFile(
            id=found["id"], assistant_id=found["assistant_id"], created_at=found["created_at"]
        )

    @server.custom_route("/healthz", methods=["GET"])  # type: ignore[untyped-decorator]
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return server


def main() -> None:
    """Serve on the transport the flags name."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transport", choices=["stdio", "streamable-http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stateless", action="store_true")
    parser.add_argument("--json-response", action="store_true")
    parser.add_argument("--upstream", help="make a raw httpx2 GET to this base URL per call")
    args = parser.parse_args()
    # Before MCPServer(): its basicConfig is then a no-op, and stdout stays the stdio channel.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = build_bare(args.upstream)
    if args.transport == "stdio":
        server.run()
    else:
        server.run(
            "streamable-http", host=args.host, port=args.port, stateless_http=args.stateless,
            json_response=args.json_response,
        )  # fmt: skip


if __name__ == "__main__":
    main()
