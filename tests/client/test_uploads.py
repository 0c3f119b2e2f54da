"""Uploads: every form a file may take, the body httpx2 itself would build, and retries that
resend exactly what the first attempt sent."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from mcp_assistant_files import InternalServerError
from mcp_assistant_files.client._uploads import MultipartBody, file_part, form_fields
from tests.conftest import Pauses

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import parse_multipart, upstream

NOTES = b"hello vector world\n"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(NOTES)
    return path


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


@pytest.fixture
def opened() -> Iterator[list[Any]]:
    """Files a test opens, closed when it ends."""
    files: list[Any] = []
    yield files
    for file in files:
        file.close()


def pipe_with(data: bytes, opened: list[Any]) -> Any:
    """A binary file object that cannot seek (a pipe) holding ``data``."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    opened.append(open(read_end, "rb"))  # noqa: SIM115 - closed by the fixture
    return opened[-1]


def forms(notes: Path, opened: list[Any]) -> dict[str, tuple[Any, str | None, str | None, bytes]]:
    """name -> (file argument, part filename, part Content-Type, part bytes)."""
    opened.append(notes.open("rb"))
    return {
        "bytes": (b"hello", "upload", "application/octet-stream", b"hello"),
        "BytesIO": (io.BytesIO(b"abc"), "upload", "application/octet-stream", b"abc"),
        "open file": (opened[-1], "notes.txt", "text/plain", NOTES),
        "Path": (notes, "notes.txt", "text/plain", NOTES),
        "(name, bytes)": (("notes.txt", b"hi"), "notes.txt", "text/plain", b"hi"),
        "(name, bytes, type)": (
            ("x.bin", b"\x00", "application/x-mine"),
            "x.bin",
            "application/x-mine",
            b"\x00",
        ),
        "(None, bytes, type)": ((None, b"hi", "text/plain"), None, "text/plain", b"hi"),
        "(name, Path)": (("renamed.txt", notes), "renamed.txt", "text/plain", NOTES),
        "(name, str)": (("a.txt", "h\u00e9llo"), "a.txt", "text/plain", "h\u00e9llo".encode()),
        "(name, pipe)": (
            ("piped.bin", pipe_with(b"piped", opened)),
            "piped.bin",
            "application/octet-stream",
            b"piped",
        ),
    }


FORM_NAMES = [
    "bytes",
    "BytesIO",
    "open file",
    "Path",
    "(name, bytes)",
    "(name, bytes, type)",
    "(None, bytes, type)",
    "(name, Path)",
    "(name, str)",
    "(name, pipe)",
]


@pytest.mark.parametrize("form", FORM_NAMES)
def test_each_file_form_becomes_the_file_part_after_the_purpose(
    kind: Kind, form: str, notes: Path, opened: list[Any]
) -> None:
    file, filename, content_type, data = forms(notes, opened)[form]
    h = OpenAIHarness(kind, upstream)

    h.call("files.create", file=file, purpose="assistants")

    purpose, part = parse_multipart(h.last)
    assert (purpose.name, purpose.data, purpose.lines) == (
        "purpose",
        b"assistants",
        ['Content-Disposition: form-data; name="purpose"'],
    )
    assert (part.name, part.filename, part.headers.get("Content-Type"), part.data) == (
        "file",
        filename,
        content_type,
        data,
    )
    assert "openai-beta" not in h.last.headers
    if form == "(name, pipe)":
        assert h.last.headers["transfer-encoding"] == "chunked"
    else:
        assert int(h.last.headers["content-length"]) == len(h.last.content)


@pytest.mark.parametrize("form", [f for f in FORM_NAMES if f not in ("(name, pipe)",)])
def test_the_body_is_byte_for_byte_what_httpx2_builds(form: str, notes: Path, opened: list[Any]) -> None:
    file, *_ = forms(notes, opened)[form]
    # openai-python hands httpx2 a path as (its name, its bytes); the rest as given.
    if isinstance(file, Path):
        as_httpx: Any = (file.name, file.read_bytes())
    elif isinstance(file, tuple) and isinstance(file[1], Path):
        as_httpx = (file[0], file[1].read_bytes(), *file[2:])
    else:
        as_httpx = file
    fields = [
        ("purpose", "batch"),
        ("expires_after[anchor]", "created_at"),
        ("expires_after[seconds]", "3600"),
    ]
    ours = MultipartBody(fields, file_part(file), boundary="0123456789abcdef0123456789abcdef")
    if hasattr(file, "seek"):
        file.seek(0)
    theirs = httpx2.Request(
        "POST",
        "http://x/v1/files",
        data=dict(fields),
        files={"file": as_httpx},
        headers={"Content-Type": "multipart/form-data; boundary=0123456789abcdef0123456789abcdef"},
    )
    assert b"".join(ours) == theirs.read()
    assert ours.headers["Content-Length"] == theirs.headers["Content-Length"]


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("notes.txt", "text/plain"),
        ("data.json", "application/json"),
        ("report.pdf", "application/pdf"),
        ("blob.bin", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
        ("odd.zz-unknown", "application/octet-stream"),
    ],
)
def test_the_content_type_is_guessed_from_the_file_name(filename: str, content_type: str) -> None:
    assert file_part((filename, b"x")).headers["Content-Type"] == content_type


def test_an_empty_file_name_sends_no_file_name_and_no_type() -> None:
    part = file_part(("", b"x"))
    assert (part.filename, dict(part.headers)) == (None, {})


def test_form_fields_are_flattened_as_openai_does() -> None:
    fields = form_fields(
        {"purpose": "batch", "l": [1, 2], "b": True, "n": None, "d": {"x": {"y": 1}}, "f": 1.5}
    )
    assert fields == [
        ("purpose", "batch"),
        ("l[]", "1"),
        ("l[]", "2"),
        ("b", "true"),
        ("d[x][y]", "1"),
        ("f", "1.5"),
    ]


def test_expires_after_and_extra_body_are_form_fields_before_the_file(kind: Kind) -> None:
    h = OpenAIHarness(kind, upstream)
    h.call(
        "files.create",
        file=("a.txt", b"x"),
        purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 3600},
        extra_body={"tag": "t"},
    )
    parts = parse_multipart(h.last)
    assert [(p.name, p.data) for p in parts] == [
        ("purpose", b"batch"),
        ("expires_after[anchor]", b"created_at"),
        ("expires_after[seconds]", b"3600"),
        ("tag", b"t"),
        ("file", b"x"),
    ]


@pytest.mark.parametrize(
    ("file", "error", "match"),
    [
        ("notes.txt", RuntimeError, r"received <class 'str'> instead: pass pathlib\.Path"),
        (42, RuntimeError, "received <class 'int'>"),
        (io.StringIO("text"), TypeError, "binary mode"),
        (("a.txt",), TypeError, r"\(filename, content\[, content_type\[, headers\]\]\)"),
        (("a.txt", b"x", "text/plain", {}, "extra"), TypeError, "as a tuple"),
        (("a.txt", 42), RuntimeError, "received <class 'int'>"),
    ],
)
def test_a_file_argument_that_is_not_a_file_is_refused_before_any_request(
    kind: Kind, file: Any, error: type[Exception], match: str
) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(error, match=match):
        h.call("files.create", file=file, purpose="assistants")
    assert h.requests == []


def test_a_missing_path_is_refused_before_any_request(kind: Kind, tmp_path: Path) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(FileNotFoundError):
        h.call("files.create", file=tmp_path / "missing.txt", purpose="assistants")
    assert h.requests == []


def test_a_file_opened_as_text_is_refused(kind: Kind, notes: Path) -> None:
    h = OpenAIHarness(kind, upstream)
    with notes.open() as text, pytest.raises(TypeError, match="binary mode"):
        h.call("files.create", file=text, purpose="assistants")


@pytest.mark.parametrize("form", FORM_NAMES)
def test_a_retried_upload_sends_the_same_body_again(
    kind: Kind, form: str, notes: Path, opened: list[Any], sleeps: Pauses
) -> None:
    file, *_ = forms(notes, opened)[form]
    answers = iter([httpx2.Response(503), httpx2.Response(502)])
    h = OpenAIHarness(kind, lambda request: next(answers, None) or upstream(request))

    h.call("files.create", file=file, purpose="assistants")

    assert len(h.requests) == 3 and len(sleeps.delays) == 2
    assert h.requests[0].content == h.requests[1].content == h.requests[2].content
    assert len({r.headers["content-type"] for r in h.requests}) == 1
    assert [r.headers.get("x-retry-count") for r in h.requests] == [None, "1", "2"]


def test_a_failed_upload_raises_after_its_retries(kind: Kind, sleeps: Pauses) -> None:
    h = OpenAIHarness(kind, lambda request: httpx2.Response(500, json={"error": {"message": "boom"}}))
    with pytest.raises(InternalServerError, match="boom"):
        h.call("files.create", file=b"x", purpose="assistants")
    assert len(h.requests) == 3


class RecordingFile(io.BytesIO):
    """A seekable binary file that records the size of each read and the thread it ran in."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads: list[tuple[int, int]] = []

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.reads.append((len(chunk), threading.get_ident()))
        return chunk


def test_a_large_file_is_read_in_chunks_as_it_is_sent() -> None:
    data = os.urandom(300 * 1024)
    file = RecordingFile(data)
    body = MultipartBody([("purpose", "assistants")], file_part(("big.bin", file)))

    chunks = list(body)

    assert max(len(c) for c in chunks[1:-1]) <= 64 * 1024 and len(chunks) > 4
    assert b"".join(chunks[1:-1]) == data
    assert len(b"".join(chunks)) == int(body.headers["Content-Length"])


def test_the_async_body_reads_the_file_in_worker_threads() -> None:
    file = RecordingFile(os.urandom(200 * 1024))
    body = MultipartBody([], file_part(("big.bin", file)))

    async def read_all() -> tuple[bytes, int]:
        return b"".join([chunk async for chunk in body]), threading.get_ident()

    content, loop_thread = anyio.run(read_all)

    assert content == b"".join(body)
    assert file.reads and all(thread != loop_thread for _, thread in file.reads[: len(file.reads) // 2])


def test_a_path_that_shrinks_while_it_is_uploaded_is_an_error_not_a_short_body(notes: Path) -> None:
    body = MultipartBody([], file_part(notes))
    notes.write_bytes(b"short")
    with pytest.raises(OSError, match="became shorter"):
        b"".join(body)


def test_a_path_is_reopened_and_closed_for_each_attempt(notes: Path) -> None:
    body = MultipartBody([], file_part(notes))
    first = b"".join(body)
    notes.unlink()
    with pytest.raises(FileNotFoundError):
        b"".join(body)
    assert NOTES in first
