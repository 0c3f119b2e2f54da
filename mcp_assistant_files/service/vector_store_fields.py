"""The vector-store tools' argument fields (as in :mod:`.fields`): each one's type, limits and description."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..contract import MAX_ATTRIBUTES, Order, VectorStoreFileStatus
from .declaration import ToolFailure
from .fields import cursor_field, id_field, limit_field, order_field
from .vector_store_models import Attribute, Attributes

__all__ = [
    "ATTRIBUTES_HELP",
    "FileCursor",
    "FileId",
    "FileLimit",
    "FileOrder",
    "Filter",
    "NewAttributes",
    "StoreCursor",
    "StoreLimit",
    "StoreOrder",
    "VectorStoreId",
    "Wait",
    "as_map",
]

VectorStoreId = Annotated[str, id_field("The vector store's id, such as vs_abc123.")]
FileId = Annotated[str, id_field("The file's id, such as file-abc123 (upload it first: upload_file).")]
StoreLimit = Annotated[int, limit_field("vector stores")]
FileLimit = Annotated[int, limit_field("files")]
StoreOrder = Annotated[Order, order_field("creation time")]
FileOrder = Annotated[Order, order_field("attachment time")]
StoreCursor = Annotated[str | None, cursor_field("list_vector_stores", "order")]
FileCursor = Annotated[
    str | None, cursor_field("list_vector_store_files", "vector_store_id, order and filter")
]
Filter = Annotated[
    Literal["", VectorStoreFileStatus] | None,
    Field(
        description='Only files in this status: in_progress, completed, failed or cancelled. Omit (or send "") '
        "for all."
    ),
]
NewAttributes = Annotated[
    list[Attribute] | None,
    Field(
        description="Up to 16 attributes for search filters, as key-value pairs: "
        '[{"key": "author", "value": "Ann"}, {"key": "year", "value": 2024}]. Keys are unique. Omit (or send []) '
        "for none on a new attachment; a file already attached keeps its own.",
        max_length=MAX_ATTRIBUTES,
    ),
]
Wait = Annotated[
    bool,
    Field(
        description="Wait (up to about 40 seconds) until the file is processed, reporting progress; false returns at once."
    ),
]

ATTRIBUTES_HELP = (
    "The new attributes, replacing the old ones: up to 16 key-value pairs such as "
    '[{"key": "author", "value": "Ann"}]; an empty list clears them.'
)


def as_map(attributes: list[Attribute]) -> Attributes:
    """The attributes as the API takes them (an object); a key given twice is refused."""
    mapping: Attributes = {}
    for attribute in attributes:
        if attribute.key in mapping:
            raise ToolFailure(
                f"attributes names {attribute.key!r} twice: give each key once (the list replaces all attributes)."
            )
        mapping[attribute.key] = attribute.value
    return mapping
