"""``python benchmarks/bare_backend.py ANSWERS.json PORT``: a bare Starlette app under uvicorn.

The baseline of the standalone-backend rows: for each ``path`` in ``ANSWERS.json`` (a JSON object
``{path: {"body": text, "content_type": text}}``) it answers ``GET path`` with exactly those bytes,
captured from our backend beforehand, and ``GET /healthz`` with 200. No store, no validation, no
middleware: what any Starlette endpoint under uvicorn's defaults costs for the same answer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(answers: dict[str, dict[str, str]]) -> Starlette:
    """The app answering each captured path with its captured bytes."""
    bodies = {path: (a["body"].encode(), a["content_type"]) for path, a in answers.items()}

    async def answer(request: Request) -> Response:
        body, content_type = bodies[request.url.path]
        return Response(body, media_type=content_type)

    async def healthz(request: Request) -> Response:
        return Response(b"ok")

    routes = [Route(path, answer, methods=["GET"]) for path in bodies]
    return Starlette(routes=[*routes, Route("/healthz", healthz, methods=["GET"])])


if __name__ == "__main__":
    app = build(json.loads(Path(sys.argv[1]).read_text()))
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
