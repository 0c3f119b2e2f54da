"""Reading an uploaded file as text, and cutting text into chunks: what ingestion does.

Decoding (the contract is silent; these are the decisions):

* UTF-8, with or without a byte-order mark; UTF-16 and UTF-32 when a byte-order mark says so.
* Other bytes are read as Windows-1252 (a superset of Latin-1's printable characters) when
  that decodes them all, so legacy Western text is accepted rather than refused.
* Control characters other than tab, line feed, vertical tab, form feed and carriage return
  mean binary content: ``unsupported_file``. So do bytes no encoding above accepts.
* An empty file, a file of white space only, or one over 5,000,000 tokens (OpenAI's limit per
  file) is ``invalid_file``.

Tokens are counted as OpenAI's rule of thumb has it, four characters to a token, so chunks are
character windows of ``4 * max_chunk_size_tokens`` overlapping by ``4 * chunk_overlap_tokens``,
each ending at white space where there is some in its second half. :func:`pages` cuts the text
at chunk starts: one page per chunk, the overlap left out, so the pages join into the text.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from .vector_store_validation import Chunking

__all__ = [
    "CHARS_PER_TOKEN",
    "MAX_FILE_TOKENS",
    "ParsedText",
    "Unreadable",
    "chunk_starts",
    "decode",
    "pages",
]

CHARS_PER_TOKEN = 4
MAX_FILE_TOKENS = 5_000_000
_MAX_CHARS = MAX_FILE_TOKENS * CHARS_PER_TOKEN
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_READABLE = "Attach plain text: UTF-8, UTF-16 or UTF-32 with a byte-order mark, or Windows-1252."


@dataclass(frozen=True)
class ParsedText:
    """A file's text and its size in UTF-8 bytes (the ``usage_bytes`` it costs)."""

    text: str
    utf8_bytes: int


class Unreadable(Exception):
    """The file cannot be ingested; ``code`` is the vector-store file's ``last_error.code``."""

    def __init__(
        self, code: Literal["unsupported_file", "invalid_file", "server_error"], message: str
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def decode(read: Callable[[], Iterable[bytes]], size: int) -> ParsedText:
    """The text of a file of ``size`` bytes that ``read()`` yields in pieces (it may be called twice).

    Raises :class:`Unreadable` when the bytes are not text (see the module's decisions).
    """
    if size == 0:
        raise Unreadable("invalid_file", "The file is empty. Attach a file with some text in it.")
    head = b""
    for piece in read():  # enough of the start to see a byte-order mark
        head += piece
        if len(head) >= 4:
            break
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    candidates = [encoding] if encoding else ["utf-8", "cp1252"]
    for index, name in enumerate(candidates):
        try:
            parsed = _decode_as(name, read())
        except UnicodeDecodeError as err:
            if index + 1 < len(candidates):
                continue
            raise Unreadable(
                "unsupported_file",
                f"The file is not text (it is not valid {name}: {err.reason}). {_READABLE}",
            ) from err
        if not parsed.text.strip():
            raise Unreadable(
                "invalid_file", "The file holds only white space. Attach a file with some text in it."
            )
        return parsed
    raise AssertionError("unreachable")  # pragma: no cover


def _decode_as(encoding: str, pieces: Iterable[bytes]) -> ParsedText:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    parts: list[str] = []
    chars = utf8_bytes = 0
    for piece in itertools.chain(pieces, [b""]):
        part = decoder.decode(piece, final=not piece)
        control = _CONTROL.search(part)
        if control:
            raise Unreadable(
                "unsupported_file",
                f"The file looks binary: it holds the control character U+{ord(control.group()):04X}. {_READABLE}",
            )
        chars += len(part)
        if chars > _MAX_CHARS:
            raise Unreadable(
                "invalid_file",
                f"The file has more than {MAX_FILE_TOKENS:,} tokens (about {_MAX_CHARS:,} characters), "
                "the limit for one file. Split it into smaller files.",
            )
        utf8_bytes += len(part.encode("utf-8"))
        parts.append(part)
    return ParsedText("".join(parts), utf8_bytes)


def _after_space(text: str, low: int, high: int, *, last: bool) -> int | None:
    """The index just after the first (or ``last``) white space in ``text[low:high]``, if any."""
    indexes = range(high - 1, low - 1, -1) if last else range(low, high)
    return next((index + 1 for index in indexes if text[index].isspace()), None)


def chunk_starts(text: str, chunking: Chunking) -> list[int]:
    """Where each chunk of ``text`` starts; each chunk ends where its window does.

    A window ends after the last white space in its second half (else at its full size), and
    the next one starts ``overlap`` characters earlier, moved on to the next word.
    """
    size = chunking.max_chunk_size_tokens * CHARS_PER_TOKEN
    overlap = chunking.chunk_overlap_tokens * CHARS_PER_TOKEN
    starts = [0]
    while starts[-1] + size < len(text):
        start = starts[-1]
        end = _after_space(text, start + size // 2, start + size, last=True) or start + size
        following = max(end - overlap, start + 1)
        starts.append(_after_space(text, following - 1, end - 1, last=False) or following)
    return starts


def pages(text: str, chunking: Chunking) -> Iterator[str]:
    """``text`` cut at each chunk's start: the chunks without their overlaps, in order."""
    starts = chunk_starts(text, chunking)
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        yield text[start:end]
