"""Bodies of the vector-store and Files APIs, a fake upstream that answers every route, and a
``multipart/form-data`` reader for checking uploads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx2

VS_ID = "vs_abc123"
FILE_ID = "file-abc123"
BATCH_ID = "vsfb_abc123"


def counts(in_progress: int = 0, completed: int = 1) -> dict[str, int]:
    return {
        "in_progress": in_progress,
        "completed": completed,
        "failed": 0,
        "cancelled": 0,
        "total": in_progress + completed,
    }


def vector_store_json(store_id: str = VS_ID, **extra: Any) -> dict[str, Any]:
    return {
        "id": store_id,
        "object": "vector_store",
        "created_at": 1698107661,
        "name": "kb",
        "usage_bytes": 123,
        "file_counts": counts(),
        "status": "completed",
        "last_active_at": 1698107661,
        "metadata": {"k": "v"},
        **extra,
    }


def vs_file_json(
    file_id: str = FILE_ID, status: str = "completed", vector_store_id: str = VS_ID, **extra: Any
) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": 1234,
        "created_at": 1698107661,
        "vector_store_id": vector_store_id,
        "status": status,
        "last_error": None,
        **extra,
    }


def batch_json(
    batch_id: str = BATCH_ID, in_progress: int = 0, status: str = "completed", **extra: Any
) -> dict[str, Any]:
    return {
        "id": batch_id,
        "object": "vector_store.files_batch",
        "created_at": 1698107661,
        "vector_store_id": VS_ID,
        "status": status,
        "file_counts": counts(in_progress),
        **extra,
    }


def file_object_json(file_id: str = FILE_ID, **extra: Any) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": 120000,
        "created_at": 1677610602,
        "filename": "notes.txt",
        "purpose": "assistants",
        "status": "processed",
        **extra,
    }


def list_json(items: list[dict[str, Any]], *, has_more: bool = False) -> dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
    }


def content_json() -> dict[str, Any]:
    return {
        "object": "vector_store.file_content.page",
        "data": [{"type": "text", "text": "hello"}, {"type": "text", "text": "world"}],
        "has_more": True,
        "next_page": "page-2",
    }


def deleted_json(object_id: str, kind: str) -> dict[str, Any]:
    return {"id": object_id, "object": kind, "deleted": True}


_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", r"/files", lambda m: file_object_json()),
    ("GET", r"/files", lambda m: list_json([file_object_json("file-a"), file_object_json("file-b")])),
    ("GET", r"/files/([^/]+)", lambda m: file_object_json(m[1])),
    ("DELETE", r"/files/([^/]+)", lambda m: deleted_json(m[1], "file")),
    ("POST", r"/vector_stores", lambda m: vector_store_json()),
    ("GET", r"/vector_stores", lambda m: list_json([vector_store_json("vs_a"), vector_store_json("vs_b")])),
    ("GET", r"/vector_stores/([^/]+)", lambda m: vector_store_json(m[1])),
    ("POST", r"/vector_stores/([^/]+)", lambda m: vector_store_json(m[1])),
    ("DELETE", r"/vector_stores/([^/]+)", lambda m: deleted_json(m[1], "vector_store.deleted")),
    ("POST", r"/vector_stores/[^/]+/files", lambda m: vs_file_json()),
    (
        "GET",
        r"/vector_stores/[^/]+/files",
        lambda m: list_json([vs_file_json("file-a"), vs_file_json("file-b")]),
    ),
    ("GET", r"/vector_stores/[^/]+/files/([^/]+)", lambda m: vs_file_json(m[1])),
    ("POST", r"/vector_stores/[^/]+/files/([^/]+)", lambda m: vs_file_json(m[1], attributes={"k": "v"})),
    (
        "DELETE",
        r"/vector_stores/[^/]+/files/([^/]+)",
        lambda m: deleted_json(m[1], "vector_store.file.deleted"),
    ),
    ("GET", r"/vector_stores/[^/]+/files/[^/]+/content", lambda m: content_json()),
    ("POST", r"/vector_stores/[^/]+/file_batches", lambda m: batch_json()),
    ("GET", r"/vector_stores/[^/]+/file_batches/([^/]+)", lambda m: batch_json(m[1])),
    (
        "POST",
        r"/vector_stores/[^/]+/file_batches/([^/]+)/cancel",
        lambda m: batch_json(m[1], status="cancelled"),
    ),
    (
        "GET",
        r"/vector_stores/[^/]+/file_batches/[^/]+/files",
        lambda m: list_json([vs_file_json("file-a"), vs_file_json("file-b")]),
    ),
]


def upstream(request: httpx2.Request) -> httpx2.Response:
    """A 200 with a valid body for every route of both APIs (``/v1`` prefix); file content as bytes.

    Routes match the raw path, one percent-encoded segment per id.
    """
    path = request.url.raw_path.decode("ascii").partition("?")[0].removeprefix("/v1")
    if request.method == "GET" and re.fullmatch(r"/files/[^/]+/content", path):
        return httpx2.Response(200, content=b"hello vector world\n", headers={"x-request-id": "req_1"})
    for method, pattern, body in _ROUTES:
        match = re.fullmatch(pattern, path)
        if method == request.method and match:
            return httpx2.Response(
                200,
                json=body([unquote(g) for g in (match[0], *match.groups())]),
                headers={"x-request-id": "req_1"},
            )
    return httpx2.Response(404, json={"error": {"message": f"no route {request.method} {path}"}})


@dataclass
class Part:
    """One part of a ``multipart/form-data`` body."""

    name: str
    filename: str | None
    headers: dict[str, str]
    data: bytes
    lines: list[str]
    """Every header line as sent, ``Content-Disposition`` first."""


def parse_multipart(request: httpx2.Request) -> list[Part]:
    """The parts of a recorded upload, checked to be well framed."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary="), content_type
    boundary = content_type.partition("boundary=")[2].encode()
    assert re.fullmatch(rb"[0-9a-f]{32}", boundary), boundary
    body = request.content
    assert body.endswith(b"--" + boundary + b"--\r\n")
    parts = []
    for chunk in body.split(b"--" + boundary)[1:-1]:
        assert chunk.startswith(b"\r\n") and chunk.endswith(b"\r\n")
        head, _, data = chunk[2:-2].partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        disposition = lines[0]
        name = re.search(r'; name="([^"]*)"', disposition)
        filename = re.search(r'; filename="([^"]*)"', disposition)
        assert name is not None
        headers = dict(line.split(": ", 1) for line in lines[1:])
        parts.append(Part(name[1], filename[1] if filename else None, headers, data, lines))
    return parts


def json_of(request: httpx2.Request) -> Any:
    return json.loads(request.content)
