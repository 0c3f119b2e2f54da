"""A file's content as downloaded by ``files.content()`` (openai-python's ``HttpxBinaryResponseContent``).

The body is read whole, so every method here is plain (sync) even on the async client. It is
not held to the client's JSON limit (``max_response_bytes``, 8 MiB) but to its own: the Files
API stores files of at most 512 MiB. For large files, stream instead:
``with client.files.with_streaming_response.content(file_id) as response:
response.stream_to_file(path)``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx2

from ._options import ResponseLimit

__all__ = ["FILE_CONTENT_LIMIT", "BinaryResponseContent", "parse_binary"]

FILE_CONTENT_LIMIT = ResponseLimit(512 * 1024 * 1024, "file the Files API stores (512 MiB at most)")
"""How much of a file's content ``files.content()`` reads at most."""


class BinaryResponseContent:
    """The content of a file: ``.content`` (bytes), ``.text``, ``.write_to_file(path)``, ``.response``."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    @property
    def content(self) -> bytes:
        """The bytes of the file."""
        return self.response.content

    @property
    def text(self) -> str:
        """The content decoded as text (the charset the response names, else guessed)."""
        return self.response.text

    @property
    def encoding(self) -> str | None:
        """The text encoding the response declares or httpx2 guessed."""
        return self.response.encoding

    def json(self, **kwargs: Any) -> Any:
        """The content decoded as JSON."""
        return self.response.json(**kwargs)

    def read(self) -> bytes:
        """The bytes of the file (already read)."""
        return self.response.content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The bytes in chunks of ``chunk_size`` (all at once by default)."""
        return self.response.iter_bytes(chunk_size)

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the content to ``file`` (a path), replacing what it held."""
        with open(file, mode="wb") as f:
            for data in self.response.iter_bytes():
                f.write(data)

    def close(self) -> None:
        """Release the connection (already released: the body was read whole)."""
        self.response.close()

    def __repr__(self) -> str:
        return f"<BinaryResponseContent [{len(self.content)} bytes] from {self.response.request.url}>"


def parse_binary(response: httpx2.Response, content: bytes) -> BinaryResponseContent:
    """The parser of ``files.content()``: the read response, as a ``BinaryResponseContent``."""
    return BinaryResponseContent(response)
