"""How the vector-store tools reach the upstream, and what they share besides their tools.

:class:`VectorStoreCalls` holds the upstream client and the tools' settings, and makes every
upstream call for :class:`~.vector_store_files.VectorStoreFilesTools` (which declares the tools):
an upstream error becomes a ``ToolFailure`` with its sentence; a vector store outside
``--allow-vector-store`` is refused before any call; an attach waits for processing within the
budget, at the pace the upstream asks for; the allowlisted store listing; completions; and the
``vector-store-files://`` resource read. This module never imports ``mcp``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio

from ..client import NOT_GIVEN, AssistantFilesError, NotFoundError
from ..contract import MAX_PAGE_LIMIT, Order
from .allowed_listing import allowed_page, fetch_each
from .cursors import CursorCodec, Listing
from .declaration import ToolFailure, ToolPolicy
from .messages import Subject, describe_error, is_missing_attachment, is_request_error
from .paging import Paged
from .progress import report_progress
from .resources import NO_SUGGESTIONS, Suggestions, suggest
from .vector_store_models import VectorStoreFileView
from .vector_store_status import TERMINAL

__all__ = ["WAIT_BUDGET", "NotAttached", "VectorStoreCalls", "given", "more"]

WAIT_BUDGET = 40.0
"""Seconds an attach waits for processing: inside the 45-s tool-call budget and a host's ~60 s."""
_DEFAULT_POLL_MS = 1000

T = TypeVar("T")


@dataclass
class VectorStoreCalls:
    """The vector-store tools' upstream client and settings, and the calls they make with them."""

    client: Any
    codec: CursorCodec
    policy: ToolPolicy = field(default_factory=ToolPolicy)
    upstream_label: str = ""
    wait_budget: float = WAIT_BUDGET
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    clock: Callable[[], float] = time.monotonic

    async def read_file(self, vector_store_id: str, file_id: str) -> VectorStoreFileView:
        """One vector store file, for the ``vector-store-files://`` resource."""
        found = await self._upstream(
            partial(self.client.vector_stores.files.retrieve, file_id, vector_store_id=vector_store_id),
            self._subject(vector_store_id),
            "get",
            file_id,
        )
        return VectorStoreFileView.of(found)

    async def _allowed_stores(
        self, listing: Listing, *, order: Order, limit: int, cursor: str | None
    ) -> Paged[Any]:
        """A page of the ``--allow-vector-store`` stores, each fetched by id (never an empty page with more)."""
        subject = Subject("list_vector_stores", "vector-store")

        async def held(vector_store_id: str) -> Any:
            try:
                return await self.client.vector_stores.retrieve(vector_store_id)
            except NotFoundError:
                return None  # an allowed id the upstream does not hold is simply not listed

        async def retrieve(vector_store_id: str) -> Any:
            return await self._upstream(partial(held, vector_store_id), subject, "list", None)

        async def follower(vector_store_id: str) -> Any:
            listing = partial(self.client.vector_stores.list, limit=1, order=order, after=vector_store_id)
            page = await self._upstream(listing, subject, "list", None)
            return page.data[0] if page.data else None

        stores = await fetch_each(sorted(self.policy.allowed_vector_stores), retrieve)
        return await allowed_page(
            self.codec, listing, order=order, limit=limit, cursor=cursor, items=stores, follower=follower
        )

    async def complete(self, variable: str, prefix: str, known: Mapping[str, str]) -> Suggestions:
        """Vector store ids (within ``--allow-vector-store``) and a store's file ids, from the upstream."""
        if variable == "vector_store_id":
            allowed = self.policy.allowed_vector_stores

            async def stores(after: str | None) -> Any:
                listing = partial(self.client.vector_stores.list, limit=MAX_PAGE_LIMIT, after=given(after))
                return await self._upstream(
                    listing, Subject("list_vector_stores", "vector-store"), "list", None
                )

            return await suggest(
                stores, prefix, lambda item: item.id, keep=lambda i: not allowed or i in allowed
            )
        vector_store_id = known.get("vector_store_id")
        if variable != "file_id" or not vector_store_id:
            return NO_SUGGESTIONS
        subject = self._subject(vector_store_id)

        async def files(after: str | None) -> Any:
            listing = partial(
                self.client.vector_stores.files.list,
                vector_store_id,
                limit=MAX_PAGE_LIMIT,
                after=given(after),
            )
            return await self._upstream(listing, subject, "list", None)

        return await suggest(files, prefix, lambda item: item.id)

    async def _wait(self, view: VectorStoreFileView, subject: Subject, started: float) -> VectorStoreFileView:
        """Poll until the file is processed or the budget is spent, reporting progress after each look.

        The first look follows the attach at once; then the upstream's ``openai-poll-after-ms``
        sets the pace (1 s without it), as openai-python's poll does.
        """
        interval = 0.0
        while True:
            elapsed = self.clock() - started
            await report_progress(
                round(min(elapsed, self.wait_budget), 1),
                self.wait_budget,
                f"file {view.id}: {view.status.replace('_', ' ')}",
            )
            if view.status in TERMINAL or elapsed + interval > self.wait_budget:
                return view
            if interval:
                await self.sleep(interval)
            found, pace = await self._upstream(
                partial(self._retrieve_with_pace, view.id, view.vector_store_id), subject, "get", view.id
            )
            view = VectorStoreFileView.of(found)
            interval = pace if pace is not None else _DEFAULT_POLL_MS / 1000

    async def _retrieve_with_pace(self, file_id: str, vector_store_id: str) -> tuple[Any, float | None]:
        """The file, and the pace the upstream asks for (``openai-poll-after-ms``, 50 ms to 5 s)."""
        raw = await self.client.vector_stores.files.with_raw_response.retrieve(
            file_id, vector_store_id=vector_store_id
        )
        pace = raw.headers.get("openai-poll-after-ms", "")
        return await raw.parse(), (min(max(int(pace), 50), 5000) / 1000 if pace.isdigit() else None)

    def _subject(self, vector_store_id: str) -> Subject:
        allowed = self.policy.allowed_vector_stores
        if allowed and vector_store_id not in allowed:
            names = ", ".join(sorted(allowed))
            raise ToolFailure(
                f"Vector store {vector_store_id!r} is not one this server may use (--allow-vector-store): "
                f"use one of {names}."
            )
        return Subject.vector_store(vector_store_id)

    async def _upstream(
        self,
        call: Callable[[], Awaitable[T]],
        subject: Subject,
        action: str,
        file_id: str | None,
        *,
        missing_ok: bool = False,
    ) -> T:
        """The upstream call's result, or a ``ToolFailure`` with the sentence for its error."""
        try:
            return await call()
        except (AssistantFilesError, ValueError) as err:
            if missing_ok and file_id and is_missing_attachment(err, subject=subject, file_id=file_id):
                raise NotAttached from None
            raise ToolFailure(
                describe_error(err, subject=subject, file_id=file_id, action=action,
                               upstream=self.upstream_label, retries=self.client.max_retries),
                invalid_request=is_request_error(err),
            ) from None  # fmt: skip


class NotAttached(Exception):
    """The upstream says the file is not attached (for an idempotent detach, a success)."""


def given(value: T | None) -> Any:
    return NOT_GIVEN if value is None else value


def more(next_cursor: str | None, again: str, otherwise: str) -> str:
    if next_cursor:
        return f"More remain: {again}."
    return otherwise or "That is the end of the list."
