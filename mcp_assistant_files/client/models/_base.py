"""What every object of the upstream contracts shares: extra fields kept, required ones checked."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["Deletion", "ListResponse", "PageResponse", "UpstreamModel"]


class UpstreamModel(BaseModel):
    """An object as the upstream sent it.

    Extra fields are kept (an upstream may add some, as openai-python's models keep them), but a
    missing or mistyped required field is refused, so a malformed answer surfaces as
    ``APIResponseValidationError`` instead of a half-filled object.

    Each model is built on its first use (``defer_build``), not when the module is imported:
    a server or a script pays only for the objects it handles. pydantic (2.14 and later) builds
    a deferred model once, under a lock, however many threads first use it.
    """

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)


class Deletion(UpstreamModel):
    """What every answer to a deletion holds (each kind adds its ``object``)."""

    id: str
    deleted: bool


ItemT = TypeVar("ItemT", bound=UpstreamModel)


class ListResponse(UpstreamModel, Generic[ItemT]):
    """One page of a listing, as sent on the wire (``first_id``/``last_id`` are null when empty)."""

    object: Literal["list"]
    data: list[ItemT]
    first_id: str | None
    last_id: str | None
    has_more: bool


class PageResponse(UpstreamModel, Generic[ItemT]):
    """A list that is not paginated (openai-python's ``SyncPage``), as sent on the wire.

    ``has_more`` and ``next_page`` are read when sent, but no next page is ever fetched.
    """

    object: str
    data: list[ItemT]
    has_more: bool | None = None
    next_page: str | None = None
