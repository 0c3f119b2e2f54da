"""The poll and upload helpers of ``client.vector_stores.file_batches`` (openai-python 3.57's).

* ``poll`` retrieves the batch until no file of it is ``in_progress`` (``file_counts``; the
  batch's own ``status`` is not looked at, as in openai-python) and returns it.
* ``create_and_poll`` creates the batch (the extras go to that request only), then polls.
* ``upload_and_poll`` uploads every file to the Files API (purpose ``assistants``, at most
  ``max_concurrency`` at a time), then creates the batch of ``[*file_ids, *uploaded]`` and polls.

Deliberate differences from openai-python: every batch helper takes ``max_wait_seconds``
(keyword-only, unlimited by default; openai's batch poll can wait forever); the client's
``total_timeout`` bounds the waits as for files; ``upload_and_poll`` checks every file
argument before uploading any, keeps the uploaded ids in the order the files were given (openai
uses the order the uploads finished in), and, once every upload has ended, raises the first
failure in that order. Files uploaded before a failure are left in place, as in openai-python.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, cast

import anyio

from .._params import Attributes, FileBatchFileParam, FileChunkingStrategyParam, SequenceNotStr
from .._polling import PollPlan, poll_flow, run_poll_async, run_poll_sync, start_polling
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg
from .._uploads import FileTypes, file_part
from ..models import FileObject, VectorStoreFileBatch

if TYPE_CHECKING:
    from .._clients import AsyncOpenAIClient, OpenAIClient
    from .file_batches import AsyncFileBatches, FileBatches

__all__ = ["AsyncFileBatchHelpers", "FileBatchHelpers"]


def _done(batch: VectorStoreFileBatch) -> bool:
    return batch.file_counts.in_progress == 0


def _plan(
    total_timeout: float | None,
    batch_id: str,
    poll_interval_ms: int | NotGiven,
    max_wait_seconds: float | NotGiven,
    started: float,
) -> PollPlan:
    return PollPlan(
        f"vector store file batch {batch_id!r}", poll_interval_ms, max_wait_seconds, total_timeout, started
    )


def _checked(files: Iterable[FileTypes], max_concurrency: int) -> list[FileTypes]:
    """The files to upload, each checked (as ``files.create`` would) before any is sent."""
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
        raise ValueError(f"`max_concurrency` must be a whole number of at least 1, not {max_concurrency!r}")
    listed = list(files)
    for index, file in enumerate(listed):
        file_part(file, f"files[{index}]")
    return listed


def _uploaded_ids(outcomes: Sequence[FileObject | BaseException]) -> list[str]:
    """The ids of the uploads, in the order the files were given; the first failure raised instead."""
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return [cast(FileObject, outcome).id for outcome in outcomes]


def _upload_all(
    upload: Callable[[FileTypes], FileObject], files: list[FileTypes], max_concurrency: int
) -> list[str]:
    with ThreadPoolExecutor(max_workers=max_concurrency) as pool:
        futures = [pool.submit(upload, file) for file in files]
    return _uploaded_ids([future.exception() or future.result() for future in futures])


async def _upload_all_async(
    upload: Callable[[FileTypes], Awaitable[FileObject]], files: list[FileTypes], max_concurrency: int
) -> list[str]:
    limiter = anyio.CapacityLimiter(max_concurrency)
    outcomes: list[FileObject | BaseException] = [RuntimeError("not uploaded")] * len(files)

    async def one(index: int) -> None:
        async with limiter:
            try:
                outcomes[index] = await upload(files[index])
            except Exception as err:  # noqa: BLE001 - kept, and raised once every upload has ended
                outcomes[index] = err

    async with anyio.create_task_group() as group:
        for index in range(len(files)):
            group.start_soon(one, index)
    return _uploaded_ids(outcomes)


class FileBatchHelpers:
    """``poll``, ``create_and_poll`` and ``upload_and_poll`` of ``FileBatches``."""

    _client: OpenAIClient

    @property
    def _batches(self) -> FileBatches:
        return cast("FileBatches", self)

    def poll(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Wait until no file of the batch is ``in_progress``; return it (``TimeoutError`` past a limit)."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        return self._poll(
            batch_id,
            vector_store_id,
            _plan(self._client.total_timeout, batch_id, poll_interval_ms, max_wait_seconds, started),
        )

    def _poll(self, batch_id: str, vector_store_id: str, plan: PollPlan) -> VectorStoreFileBatch:
        retrieve = self._batches.with_raw_response.retrieve
        return run_poll_sync(
            poll_flow(plan, _done),
            lambda: retrieve(batch_id, vector_store_id=vector_store_id, extra_headers=plan.headers()),
        )

    def create_and_poll(
        self,
        vector_store_id: str,
        *,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        file_ids: SequenceNotStr[str] | NotGiven = NOT_GIVEN,
        files: Iterable[FileBatchFileParam] | NotGiven = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Create the batch and wait until no file of it is ``in_progress`` (see ``poll``)."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        batch = self._batches.create(
            vector_store_id, attributes=attributes, chunking_strategy=chunking_strategy, file_ids=file_ids,
            files=files, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return self._poll(
            batch.id,
            vector_store_id,
            _plan(self._client.total_timeout, batch.id, poll_interval_ms, max_wait_seconds, started),
        )

    def upload_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[FileTypes],
        max_concurrency: int = 5,
        file_ids: SequenceNotStr[str] = (),
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Upload ``files`` (``max_concurrency`` at once), batch them with ``file_ids``, and poll the batch."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        checked = _checked(files, max_concurrency)
        uploaded = _upload_all(
            lambda file: self._client.files.create(file=file, purpose="assistants"), checked, max_concurrency
        )
        batch = self._batches.create(
            vector_store_id, file_ids=[*file_ids, *uploaded], chunking_strategy=chunking_strategy
        )
        return self._poll(
            batch.id,
            vector_store_id,
            _plan(self._client.total_timeout, batch.id, poll_interval_ms, max_wait_seconds, started),
        )


class AsyncFileBatchHelpers:
    """The helpers of ``AsyncFileBatches``, twins of ``FileBatchHelpers``."""

    _client: AsyncOpenAIClient

    @property
    def _batches(self) -> AsyncFileBatches:
        return cast("AsyncFileBatches", self)

    async def poll(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Wait until no file of the batch is ``in_progress``; return it (``TimeoutError`` past a limit)."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        return await self._poll(
            batch_id,
            vector_store_id,
            _plan(self._client.total_timeout, batch_id, poll_interval_ms, max_wait_seconds, started),
        )

    async def _poll(self, batch_id: str, vector_store_id: str, plan: PollPlan) -> VectorStoreFileBatch:
        retrieve = self._batches.with_raw_response.retrieve
        return await run_poll_async(
            poll_flow(plan, _done),
            lambda: retrieve(batch_id, vector_store_id=vector_store_id, extra_headers=plan.headers()),
        )

    async def create_and_poll(
        self,
        vector_store_id: str,
        *,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        file_ids: SequenceNotStr[str] | NotGiven = NOT_GIVEN,
        files: Iterable[FileBatchFileParam] | NotGiven = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Create the batch and wait until no file of it is ``in_progress`` (see ``poll``)."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        batch = await self._batches.create(
            vector_store_id, attributes=attributes, chunking_strategy=chunking_strategy, file_ids=file_ids,
            files=files, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return await self._poll(
            batch.id,
            vector_store_id,
            _plan(self._client.total_timeout, batch.id, poll_interval_ms, max_wait_seconds, started),
        )

    async def upload_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[FileTypes],
        max_concurrency: int = 5,
        file_ids: SequenceNotStr[str] = (),
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        max_wait_seconds: float | NotGiven = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Upload ``files`` (``max_concurrency`` at once), batch them with ``file_ids``, and poll the batch."""
        started = start_polling(poll_interval_ms, max_wait_seconds)
        checked = _checked(files, max_concurrency)
        uploaded = await _upload_all_async(
            lambda file: self._client.files.create(file=file, purpose="assistants"), checked, max_concurrency
        )
        batch = await self._batches.create(
            vector_store_id, file_ids=[*file_ids, *uploaded], chunking_strategy=chunking_strategy
        )
        return await self._poll(
            batch.id,
            vector_store_id,
            _plan(self._client.total_timeout, batch.id, poll_interval_ms, max_wait_seconds, started),
        )
