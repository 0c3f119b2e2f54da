"""Reading files as text and cutting it into chunks (what ingestion records)."""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcp_assistant_files.backend.text import MAX_FILE_TOKENS, Unreadable, chunk_starts, decode, pages
from mcp_assistant_files.backend.vector_store_validation import Chunking


def parse(data: bytes, piece: int = 3) -> str:
    """Decode ``data`` handed over in pieces of ``piece`` bytes (multi-byte characters get split)."""
    return decode(lambda: (data[i : i + piece] for i in range(0, len(data), piece)), len(data)).text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("héllo wörld ✓\n".encode(), "héllo wörld ✓\n"),
        (codecs.BOM_UTF8 + "bom ✓".encode(), "bom ✓"),
        ("utf-16 ✓\r\n".encode("utf-16"), "utf-16 ✓\r\n"),
        ("utf-16-be ✓".encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), "utf-16-be ✓"),
        ("utf-32 ✓".encode("utf-32"), "utf-32 ✓"),
        ("café, naïve \u2013 \u201cquoted\u201d".encode("cp1252"), "café, naïve \u2013 \u201cquoted\u201d"),
        (b"tabs\tand\x0bvertical\x0cfeeds\r\n", "tabs\tand\x0bvertical\x0cfeeds\r\n"),
    ],
)
def test_text_encodings_are_read(data: bytes, text: str) -> None:
    assert parse(data) == text
    assert parse(data, piece=1 << 20) == text


def test_usage_is_the_texts_size_in_utf8() -> None:
    data = "é".encode("utf-16")
    assert decode(lambda: [data], len(data)).utf8_bytes == 2


@pytest.mark.parametrize(
    ("data", "code", "says"),
    [
        (b"", "invalid_file", "empty"),
        (b" \n\t \r\n", "invalid_file", "white space"),
        (bytes(range(256)), "unsupported_file", "binary"),
        (b"%PDF-1.7\n\x00\x00binary", "unsupported_file", "U+0000"),
        (b"text with an escape \x1b[0m", "unsupported_file", "U+001B"),
        (b"\x81\x8d undefined in cp1252", "unsupported_file", "not text"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "unsupported_file", "not text"),
    ],
)
def test_unreadable_files_fail_with_a_code_and_a_reason(data: bytes, code: str, says: str) -> None:
    with pytest.raises(Unreadable) as raised:
        parse(data)
    assert raised.value.code == code
    assert says in raised.value.message


def test_more_than_five_million_tokens_is_invalid_and_stops_reading() -> None:
    piece, read = b"word " * 200_000, []  # a million characters

    def pieces() -> Iterator[bytes]:
        for _ in range(30):
            read.append(1)
            yield piece

    with pytest.raises(Unreadable) as raised:
        decode(pieces, 30 * len(piece))
    assert raised.value.code == "invalid_file" and f"{MAX_FILE_TOKENS:,} tokens" in raised.value.message
    assert len(read) == 1 + 21, "the first piece (read for a byte-order mark), then up to the limit"


def test_auto_chunking_cuts_3200_character_windows_overlapping_by_1600() -> None:
    text = "x" * 10_000  # no white space: windows end at their full size
    assert chunk_starts(text, Chunking()) == [0, 1600, 3200, 4800, 6400, 8000]
    assert chunk_starts("short text", Chunking()) == [0]


@given(
    text=st.text(alphabet=st.sampled_from("ab \n"), max_size=3000),
    size=st.integers(100, 300),
    overlap_share=st.floats(0, 0.5),
)
def test_pages_are_the_text_cut_at_chunk_starts(text: str, size: int, overlap_share: float) -> None:
    chunking = Chunking(size, int(size * overlap_share))
    starts = chunk_starts(text, chunking)
    assert starts[0] == 0 and starts == sorted(set(starts)), "chunks start in order, each after the last"
    assert "".join(pages(text, chunking)) == text
    window = size * 4
    for start, following in itertools.pairwise(starts):
        assert following - start <= window, "no text falls between two chunks"
