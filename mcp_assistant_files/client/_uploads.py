"""Upload bodies: a file argument checked once, then a ``multipart/form-data`` body that replays.

The body is laid out as openai-python 3.57 (through httpx2) lays it out: the form fields first,
in order (nested dicts become ``key[sub]``, lists ``key[]``, booleans ``true``/``false``,
``None`` is left out), then the file part, whose name is its file name (``upload`` for bytes
and unnamed file objects) and whose ``Content-Type`` is guessed from that name's extension.

What differs from openai-python, on purpose:

* A ``PathLike`` is streamed from disk (openai reads it whole into memory first), and async
  clients read every file in a worker thread, so a large upload never blocks the event loop.
* Every attempt sends the same bytes under the same boundary: a path is reopened, a seekable
  file object is rewound (to its start, as httpx2 does), and a file object that cannot seek
  (a pipe) is kept in memory as it is read, so a retry resends what the first attempt sent.
* The length is known up front (``Content-Length``) for everything but such a pipe.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeAlias

import anyio.to_thread
import httpx2

__all__ = ["FileContent", "FilePart", "FileTypes", "MultipartBody", "file_part", "form_fields"]

FileContent: TypeAlias = IO[bytes] | bytes | os.PathLike[str]
"""The bytes of a file: ``bytes``, an open binary file, or a path (``pathlib.Path``)."""
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent | str]
    | tuple[str | None, FileContent | str, str | None]
    | tuple[str | None, FileContent | str, str | None, Mapping[str, str]]
)
"""A file to upload: its content, or ``(filename, content[, content_type[, part_headers]])``."""

CHUNK_SIZE = 64 * 1024
_UPLOADS_DOC = "pass pathlib.Path(...) to upload a file by its path, or its bytes"
_ESCAPES = {'"': "%22", "\\": "\\\\", **{chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
_ESCAPE_RE = re.compile("|".join(re.escape(c) for c in _ESCAPES))


class _Source:
    """Where a file's bytes come from; ``chunks()`` reads them again on every call."""

    length: int | None
    blocking = True

    def chunks(self) -> Generator[bytes, None, None]:
        raise NotImplementedError


@dataclass
class _Bytes(_Source):
    data: bytes
    blocking = False

    def __post_init__(self) -> None:
        self.length = len(self.data)

    def chunks(self) -> Generator[bytes, None, None]:
        yield self.data


def _read_exactly(file: IO[bytes], length: int, name: str) -> Iterator[bytes]:
    remaining = length
    while remaining > 0:
        chunk = file.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise OSError(f"{name} became shorter while it was being uploaded ({length} bytes expected)")
        remaining -= len(chunk)
        yield chunk


@dataclass
class _Path(_Source):
    path: Path

    def __post_init__(self) -> None:
        self.length = self.path.stat().st_size  # a missing file fails here, before any request

    def chunks(self) -> Generator[bytes, None, None]:
        assert self.length is not None
        with self.path.open("rb") as file:
            yield from _read_exactly(file, self.length, str(self.path))


@dataclass
class _Seekable(_Source):
    file: IO[bytes]

    def __post_init__(self) -> None:
        self.length = self.file.seek(0, os.SEEK_END)

    def chunks(self) -> Generator[bytes, None, None]:
        assert self.length is not None
        self.file.seek(0)
        yield from _read_exactly(self.file, self.length, repr(self.file))


@dataclass
class _Stream(_Source):
    """A file object that cannot seek: what was read once is kept, so a retry can send it again."""

    file: IO[bytes]
    read: list[bytes] = field(default_factory=list)
    finished: bool = False

    def __post_init__(self) -> None:
        self.length = None

    def chunks(self) -> Generator[bytes, None, None]:
        yield from list(self.read)
        while not self.finished:
            chunk = self.file.read(CHUNK_SIZE)
            if not chunk:
                self.finished = True
                return
            self.read.append(chunk)
            yield chunk


def _source(content: object, key: str) -> _Source:
    if isinstance(content, bytes):
        return _Bytes(content)
    if isinstance(content, os.PathLike):
        return _Path(Path(content))
    if isinstance(content, io.TextIOBase):
        raise TypeError(f"`{key}` must be opened in binary mode ('rb'), not text mode")
    if isinstance(content, io.IOBase):
        return _Seekable(content) if content.seekable() else _Stream(content)  # type: ignore[arg-type]
    raise RuntimeError(
        f"Expected entry at `{key}` to be bytes, an io.IOBase instance, PathLike or a tuple but received "
        f"{type(content)} instead: {_UPLOADS_DOC}."
    )


@dataclass(frozen=True)
class FilePart:
    """The file part of a form: its field name, file name, part headers and bytes."""

    name: str
    filename: str | None
    headers: Mapping[str, str]
    source: _Source


def file_part(file: object, name: str = "file") -> FilePart:
    """Check a ``FileTypes`` argument (before any request is sent) and describe its part.

    A plain ``str`` is refused, as openai-python refuses it: it could be a path or the content.
    """
    content_type: str | None = None
    headers: Mapping[str, str] = {}
    if isinstance(file, tuple):
        if not 2 <= len(file) <= 4:
            raise TypeError(
                f"`{name}` as a tuple is (filename, content[, content_type[, headers]]), not {file!r}"
            )
        filename, content = file[0], file[1]
        content_type = file[2] if len(file) > 2 else None
        headers = file[3] if len(file) > 3 else {}
        source = _Bytes(content.encode()) if isinstance(content, str) else _source(content, name)
    else:
        source = _source(file, name)
        if isinstance(file, os.PathLike):
            filename = Path(file).name
        else:
            filename = Path(str(getattr(file, "name", "upload"))).name
    all_headers = dict(headers)
    if content_type is None and filename:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if content_type is not None and not any(k.lower() == "content-type" for k in all_headers):
        all_headers["Content-Type"] = content_type
    return FilePart(name, filename or None, all_headers, source)


def form_fields(data: Mapping[str, object]) -> list[tuple[str, str]]:
    """Form fields as openai-python flattens a body: ``a[b]`` for dicts, ``a[]`` for lists."""
    fields: list[tuple[str, str]] = []

    def add(key: str, value: object) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for sub, item in value.items():
                add(f"{key}[{sub}]", item)
        elif isinstance(value, list | tuple):
            for item in value:
                add(f"{key}[]", item)
        elif isinstance(value, bool):
            fields.append((key, "true" if value else "false"))
        else:
            fields.append((key, str(value)))

    for key, value in data.items():
        add(key, value)
    return fields


def _param(name: str, value: str) -> bytes:
    return f'{name}="{_ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value)}"'.encode()


class MultipartBody(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A ``multipart/form-data`` request body that sends the same bytes on every attempt."""

    def __init__(self, fields: list[tuple[str, str]], part: FilePart, boundary: str | None = None) -> None:
        self.boundary = boundary or os.urandom(16).hex()
        delimiter = f"--{self.boundary}\r\n".encode()
        head = [
            delimiter + b"Content-Disposition: form-data; " + _param("name", key) + b"\r\n\r\n" + value.encode()
            + b"\r\n"
            for key, value in fields
        ]  # fmt: skip
        disposition = b"Content-Disposition: form-data; " + _param("name", part.name)
        if part.filename:
            disposition += b"; " + _param("filename", part.filename)
        part_headers = b"".join(f"\r\n{k}: {v}".encode() for k, v in part.headers.items())
        self._head = b"".join(head) + delimiter + disposition + part_headers + b"\r\n\r\n"
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._source = part.source
        self.headers = {"Content-Type": f"multipart/form-data; boundary={self.boundary}"}
        if part.source.length is None:
            self.headers["Transfer-Encoding"] = "chunked"
        else:
            self.headers["Content-Length"] = str(len(self._head) + part.source.length + len(self._tail))

    def __iter__(self) -> Iterator[bytes]:
        yield self._head
        yield from self._source.chunks()
        yield self._tail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._head
        chunks = self._source.chunks()
        try:
            if not self._source.blocking:
                for chunk in chunks:
                    yield chunk
            else:
                while (chunk := await anyio.to_thread.run_sync(next, chunks, b"")) != b"":
                    yield chunk
        finally:
            chunks.close()
        yield self._tail
