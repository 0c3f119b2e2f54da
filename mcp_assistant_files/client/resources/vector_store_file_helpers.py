"""The poll and upload helpers of ``client.vector_stores.files`` (openai-python 3.57's).

* ``poll`` retrieves the file until it is no longer ``in_progress`` and returns it, failed or
  cancelled ones included (check ``status`` and ``last_error``); see ``_polling`` for the waits,
  ``max_wait_seconds`` and the client's ``total_timeout``.
* ``create_and_poll`` attaches the file (the extras go to that request only), then polls.
* ``upload`` uploads to the Files API (purpose ``assistants``, no ``OpenAI-Beta``) and attaches
  the File; ``upload_and_poll`` then polls. A failed attach leaves the uploaded File in place.

``max_wait_seconds`` is checked before any request; the client's ``total_timeout`` counts from
the helper's start, upload included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from .._params import Attributes, FileChunkingStrategyParam
from .._polling import PollPlan, poll_flow, run_poll_async, run_poll_sync, start_polling
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg
from .._uploads import FileTypes
from ..models import VectorStoreFile

if TYPE_CHECKING:
    from .._clients import AsyncOpenAIClient, OpenAIClient
    from .vector_store_files import AsyncVectorStoreFiles, VectorStoreFiles

__all__ = ["AsyncVectorStoreFileHelpers", "VectorStoreFileHelpers"]


def _done(file: VectorStoreFile) -> bool:
    return file.status != "in_progress"


def _plan(
    total_timeout: float | None,
    file_id: str,
    poll_interval_ms: int | NotGiven,
    max_wait_seconds: float | NotGiven,
    started: float | None = None,
) -> PollPlan:
    started = start_polling(poll_interval_ms, max_wait_seconds) if started is None else started
    return PollPlan(
        f"vector store file {file_id!r}", poll_interval_ms, max_wait_seconds, total_timeout, started
    )


class VectorStoreFileHelpers:
    """``poll``, ``create_and_poll``, ``upload`` and ``upload_and_poll`` of ``VectorStoreFiles``."""

    _client: OpenAIClient

    @property
    def _files(self) -> VectorStoreFiles:
        return cast("VectorStoreFiles", self)

    def poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Wait until the file is no longer ``in_progress``; return it (``TimeoutError`` past a limit)."""
        plan = _plan(self._client.total_timeout, file_id, poll_interval_ms, max_wait_seconds)
        return self._poll(file_id, vector_store_id, plan)

    def _poll(self, file_id: str, vector_store_id: str, plan: PollPlan) -> VectorStoreFile:
        retrieve = self._files.with_raw_response.retrieve
        return run_poll_sync(
            poll_flow(plan, _done),
            lambda: retrieve(file_id, vector_store_id=vector_store_id, extra_headers=plan.headers()),
        )

    def create_and_poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Attach File ``file_id`` and wait until it is processed (see ``poll``)."""
        plan = _plan(self._client.total_timeout, file_id, poll_interval_ms, max_wait_seconds)
        self._files.create(
            vector_store_id, file_id=file_id, attributes=attributes, chunking_strategy=chunking_strategy,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._poll(file_id, vector_store_id, plan)

    def upload(
        self,
        *,
        vector_store_id: str,
        file: FileTypes,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Upload ``file`` (purpose ``assistants``) and attach it; processing goes on after the answer."""
        uploaded = self._client.files.create(file=file, purpose="assistants")
        return self._files.create(vector_store_id, file_id=uploaded.id, chunking_strategy=chunking_strategy)

    def upload_and_poll(
        self,
        *,
        vector_store_id: str,
        file: FileTypes,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Upload ``file`` (purpose ``assistants``), attach it and wait until it is processed."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        uploaded = self._client.files.create(file=file, purpose="assistants")
        plan = _plan(self._client.total_timeout, uploaded.id, poll_interval_ms, max_wait_seconds, started)
        self._files.create(
            vector_store_id, file_id=uploaded.id, attributes=attributes, chunking_strategy=chunking_strategy
        )
        return self._poll(uploaded.id, vector_store_id, plan)


class AsyncVectorStoreFileHelpers:
    """The helpers of ``AsyncVectorStoreFiles``, twins of ``VectorStoreFileHelpers``."""

    _client: AsyncOpenAIClient

    @property
    def _files(self) -> AsyncVectorStoreFiles:
        return cast("AsyncVectorStoreFiles", self)

    async def poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Wait until the file is no longer ``in_progress``; return it (``TimeoutError`` past a limit)."""
        plan = _plan(self._client.total_timeout, file_id, poll_interval_ms, max_wait_seconds)
        return await self._poll(file_id, vector_store_id, plan)

    async def _poll(self, file_id: str, vector_store_id: str, plan: PollPlan) -> VectorStoreFile:
        retrieve = self._files.with_raw_response.retrieve
        return await run_poll_async(
            poll_flow(plan, _done),
            lambda: retrieve(file_id, vector_store_id=vector_store_id, extra_headers=plan.headers()),
        )

    async def create_and_poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Attach File ``file_id`` and wait until it is processed (see ``poll``)."""
        plan = _plan(self._client.total_timeout, file_id, poll_interval_ms, max_wait_seconds)
        await self._files.create(
            vector_store_id, file_id=file_id, attributes=attributes, chunking_strategy=chunking_strategy,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._poll(file_id, vector_store_id, plan)

    async def upload(
        self,
        *,
        vector_store_id: str,
        file: FileTypes,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Upload ``file`` (purpose ``assistants``) and attach it; processing goes on after the answer."""
        uploaded = await self._client.files.create(file=file, purpose="assistants")
        return await self._files.create(
            vector_store_id, file_id=uploaded.id, chunking_strategy=chunking_strategy
        )

    async def upload_and_poll(
        self,
        *,
        vector_store_id: str,
        file: FileTypes,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Upload ``file`` (purpose ``assistants``), attach it and wait until it is processed."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        uploaded = await self._client.files.create(file=file, purpose="assistants")
        plan = _plan(self._client.total_timeout, uploaded.id, poll_interval_ms, max_wait_seconds, started)
        await self._files.create(
            vector_store_id, file_id=uploaded.id, attributes=attributes, chunking_strategy=chunking_strategy
        )
        return await self._poll(uploaded.id, vector_store_id, plan)
