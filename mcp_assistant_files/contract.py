"""Facts of the REST contracts that the client, the service and the backend all rely on.

One home for each: the sort orders, the page sizes, the upload purposes, the vector-store
limits. Changing one here changes it everywhere (request defaults, tool schemas, backend
validation).
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, get_args

__all__ = [
    "DEFAULT_CHUNK_OVERLAP_TOKENS",
    "DEFAULT_FILES_PAGE_LIMIT",
    "DEFAULT_MAX_CHUNK_SIZE_TOKENS",
    "DEFAULT_ORDER",
    "DEFAULT_PAGE_LIMIT",
    "FILE_PURPOSES",
    "MAX_ATTRIBUTES",
    "MAX_ATTRIBUTE_KEY_CHARS",
    "MAX_ATTRIBUTE_VALUE_CHARS",
    "MAX_BATCH_FILES",
    "MAX_CHUNK_SIZE_TOKENS",
    "MAX_FILES_PAGE_LIMIT",
    "MAX_FILES_PER_VECTOR_STORE",
    "MAX_METADATA_KEY_CHARS",
    "MAX_METADATA_PAIRS",
    "MAX_METADATA_VALUE_CHARS",
    "MAX_PAGE_LIMIT",
    "MAX_VECTOR_STORE_CREATE_FILES",
    "MIN_CHUNK_SIZE_TOKENS",
    "VECTOR_STORE_FILE_PURPOSES",
    "VECTOR_STORE_FILE_STATUSES",
    "FilePurpose",
    "Order",
    "VectorStoreFileStatus",
]

Order: TypeAlias = Literal["asc", "desc"]
"""Sort order of a listing by creation (attachment) time."""

DEFAULT_ORDER: Final[Order] = "desc"
DEFAULT_PAGE_LIMIT: Final = 20
MAX_PAGE_LIMIT: Final = 100

FilePurpose: TypeAlias = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
"""Purposes ``POST /v1/files`` accepts; only ``assistants`` files may be attached to an assistant."""

FILE_PURPOSES: Final = frozenset(get_args(FilePurpose))
"""The values of ``FilePurpose``, for checks at run time."""

DEFAULT_FILES_PAGE_LIMIT: Final = 10_000
MAX_FILES_PAGE_LIMIT: Final = 10_000
"""``GET /v1/files`` pages are larger: 1 to 10,000 files, 10,000 by default."""

MAX_METADATA_PAIRS: Final = 16
MAX_METADATA_KEY_CHARS: Final = 64
MAX_METADATA_VALUE_CHARS: Final = 512
"""``metadata`` of assistants and vector stores: string keys and string values."""

# -- vector stores --------------------------------------------------------------------------------

VectorStoreFileStatus: TypeAlias = Literal["in_progress", "completed", "failed", "cancelled"]
VECTOR_STORE_FILE_STATUSES: Final[tuple[VectorStoreFileStatus, ...]] = (
    "in_progress",
    "completed",
    "failed",
    "cancelled",
)
"""A vector-store file's status; also the values of the listings' ``filter``."""

VECTOR_STORE_FILE_PURPOSES: Final = frozenset({"assistants", "user_data"})
"""Purposes of the files a vector store accepts (documents, not training or batch data)."""

MAX_ATTRIBUTES: Final = 16
MAX_ATTRIBUTE_KEY_CHARS: Final = 64
MAX_ATTRIBUTE_VALUE_CHARS: Final = 512
"""A vector-store file's ``attributes``: string keys; string, number or boolean values."""

MIN_CHUNK_SIZE_TOKENS: Final = 100
MAX_CHUNK_SIZE_TOKENS: Final = 4096
DEFAULT_MAX_CHUNK_SIZE_TOKENS: Final = 800
DEFAULT_CHUNK_OVERLAP_TOKENS: Final = 400
"""Static chunking: chunks of 100-4,096 tokens, overlapping by at most half; ``auto`` is 800/400."""

MAX_VECTOR_STORE_CREATE_FILES: Final = 500
MAX_BATCH_FILES: Final = 2000
MAX_FILES_PER_VECTOR_STORE: Final = 10_000
"""``file_ids`` of a new vector store, files of one batch, and files one vector store holds."""
