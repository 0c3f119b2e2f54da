"""Facts of the REST contracts that the client, the service and the backend all rely on.

One home for each: the sort orders, the page sizes, the upload purposes. Changing one here
changes it everywhere (request defaults, tool schemas, backend validation).
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, get_args

__all__ = ["DEFAULT_ORDER", "DEFAULT_PAGE_LIMIT", "FILE_PURPOSES", "MAX_PAGE_LIMIT", "FilePurpose", "Order"]

Order: TypeAlias = Literal["asc", "desc"]
"""Sort order of a listing by creation (attachment) time."""

DEFAULT_ORDER: Final[Order] = "desc"
DEFAULT_PAGE_LIMIT: Final = 20
MAX_PAGE_LIMIT: Final = 100

FilePurpose: TypeAlias = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
"""Purposes ``POST /v1/files`` accepts; only ``assistants`` files may be attached."""

FILE_PURPOSES: Final = frozenset(get_args(FilePurpose))
"""The values of ``FilePurpose``, for checks at run time."""
