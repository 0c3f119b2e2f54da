"""The shapes of request arguments (openai-python 3.57's ``*Param`` TypedDicts), for type checkers.

Nothing here is checked at run time: as openai-python, the client sends what it is given and
lets the API judge it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import (
    Literal,
    NotRequired,
    Protocol,
    Required,
    SupportsIndex,
    TypeAlias,
    TypedDict,
    TypeVar,
    overload,
)

__all__ = [
    "Attributes",
    "AutoFileChunkingStrategyParam",
    "FileBatchFileParam",
    "FileChunkingStrategyParam",
    "FileExpiresAfterParam",
    "Metadata",
    "SequenceNotStr",
    "StaticFileChunkingStrategyObjectParam",
    "StaticFileChunkingStrategyParam",
    "VectorStoreExpiresAfterParam",
]

Attributes: TypeAlias = dict[str, str | float | bool]
"""A vector store file's attributes: up to 16 keys (64 characters) with string, number or bool values."""
Metadata: TypeAlias = dict[str, str]
"""Up to 16 string keys (64 characters) with string values (512 characters)."""

_T_co = TypeVar("_T_co", covariant=True)


class SequenceNotStr(Protocol[_T_co]):
    """A sequence that is not a ``str`` (a list or tuple of ids), as openai-python types ``file_ids``."""

    @overload
    def __getitem__(self, index: SupportsIndex, /) -> _T_co: ...
    @overload
    def __getitem__(self, index: slice, /) -> Sequence[_T_co]: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T_co]: ...
    def index(self, value: object, start: int = 0, stop: int = ..., /) -> int: ...
    def count(self, value: object, /) -> int: ...
    def __reversed__(self) -> Iterator[_T_co]: ...


class AutoFileChunkingStrategyParam(TypedDict):
    """``{"type": "auto"}``: 800-token chunks overlapping by 400."""

    type: Required[Literal["auto"]]


class StaticFileChunkingStrategyParam(TypedDict):
    """Chunk size (100-4096 tokens) and overlap (at most half the size)."""

    max_chunk_size_tokens: Required[int]
    chunk_overlap_tokens: Required[int]


class StaticFileChunkingStrategyObjectParam(TypedDict):
    """``{"type": "static", "static": {...}}``."""

    type: Required[Literal["static"]]
    static: Required[StaticFileChunkingStrategyParam]


FileChunkingStrategyParam: TypeAlias = AutoFileChunkingStrategyParam | StaticFileChunkingStrategyObjectParam
"""How to split files into chunks (``auto`` when left out)."""


class VectorStoreExpiresAfterParam(TypedDict):
    """A vector store expires ``days`` (1-365) after it was last active."""

    anchor: Required[Literal["last_active_at"]]
    days: Required[int]


class FileExpiresAfterParam(TypedDict):
    """A file expires ``seconds`` (3600-2592000) after it was created."""

    anchor: Required[Literal["created_at"]]
    seconds: Required[int]


class FileBatchFileParam(TypedDict, total=False):
    """One file of a batch, with its own attributes and chunking strategy."""

    file_id: Required[str]
    attributes: NotRequired[Attributes | None]
    chunking_strategy: NotRequired[FileChunkingStrategyParam]
