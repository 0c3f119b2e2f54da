"""The vector-store tools: list stores, and list, get, attach, update and detach their files.

A vector store holds "the files an assistant searches" (the Responses API's ``file_search`` and
v2 assistants read from it); OpenAI, Azure OpenAI, Llama Stack and the local backend serve it.
Attaching starts processing upstream: with ``wait`` the tool polls until the file is ready,
failed or cancelled, within the tool-call budget, reporting progress; when the budget runs out
it returns the current status and says how to check again. The arguments are declared in
:mod:`.vector_store_fields`, the sentences for a file's status in :mod:`.vector_store_status`,
the upstream calls (errors, the allowlist, waiting) in :mod:`.vector_store_calls`. This module
never imports ``mcp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from pydantic import Field

from ..client import NOT_GIVEN
from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, MAX_ATTRIBUTES, VectorStoreFileStatus
from .cursors import Listing
from .declaration import Hints, ToolFamily, tool
from .messages import Subject
from .paging import page_of
from .resources import VECTOR_STORE_FILE
from .vector_store_calls import WAIT_BUDGET, NotAttached, VectorStoreCalls, given, more
from .vector_store_fields import (
    ATTRIBUTES_HELP,
    FileCursor,
    FileId,
    FileLimit,
    FileOrder,
    Filter,
    NewAttributes,
    StoreCursor,
    StoreLimit,
    StoreOrder,
    VectorStoreId,
    Wait,
    as_map,
)
from .vector_store_models import (
    Attribute,
    DetachedVectorStoreFile,
    VectorStoreFileListing,
    VectorStoreFileResult,
    VectorStoreFileView,
    VectorStoreListing,
    VectorStoreView,
)
from .vector_store_status import status_step

__all__ = ["WAIT_BUDGET", "VectorStoreFilesTools"]

READ = Hints(read_only=True)
WRITE = Hints(read_only=False)
DETACH = Hints(read_only=False, destructive=True)


@dataclass
class VectorStoreFilesTools(VectorStoreCalls, ToolFamily):
    """The vector-store tools over one upstream client (an ``AsyncOpenAIClient``); their upstream
    calls, settings, completions and resource read are :class:`~.vector_store_calls.VectorStoreCalls`'."""

    family = "vector-store-files"
    instructions = (
        "- Vector stores hold the files file search reads: list_vector_stores, then list_vector_store_files "
        "(filter by status to find failed files); attach_vector_store_file waits until the file is processed "
        "and says why one failed; update_vector_store_file_attributes and detach_vector_store_file (keeps the file)."
    )

    resource = VECTOR_STORE_FILE

    @tool(
        "list_vector_stores",
        title="List vector stores",
        description="List the vector stores (collections of files for file search), one page at a time, newest "
        "first by default, with each one's file counts and status. Pass next_cursor back as `cursor` to page.",
        hints=READ,
    )
    async def list_vector_stores(
        self,
        limit: StoreLimit = DEFAULT_PAGE_LIMIT,
        order: StoreOrder = DEFAULT_ORDER,
        cursor: StoreCursor = None,
    ) -> VectorStoreListing:
        """One page of vector stores (with ``--allow-vector-store``, only those)."""

        async def fetch(after: str | None, before: str | None) -> Any:
            listing = partial(
                self.client.vector_stores.list,
                limit=limit,
                order=order,
                after=given(after),
                before=given(before),
            )
            return await self._upstream(listing, Subject("list_vector_stores", "vector-store"), "list", None)

        listing = Listing("list_vector_stores", "vector-stores")
        if self.policy.allowed_vector_stores:
            paged = await self._allowed_stores(listing, order=order, limit=limit, cursor=cursor)
        else:
            paged = await page_of(
                self.codec, listing, order=order, cursor=cursor, fetch=fetch, id_of=lambda item: item.id
            )
        stores = [VectorStoreView.of(s) for s in paged.items]
        return VectorStoreListing(
            order=order,
            vector_stores=stores,
            has_more=paged.next_cursor is not None,
            next_cursor=paged.next_cursor,
            previous_cursor=paged.previous_cursor,
            next_step=more(
                paged.next_cursor,
                f"call list_vector_stores with order={order!r}, limit={limit} and cursor set to next_cursor",
                "That is the end of the list: list_vector_store_files lists a store's files."
                if stores
                else "There are no vector stores here.",
            ),
        )

    @tool(
        "list_vector_store_files",
        title="List vector store files",
        description="List the files of a vector store with their processing status, one page at a time (newest "
        "first by default), optionally only those in one status. Pass next_cursor back as `cursor` to page.",
        hints=READ,
    )
    async def list_files(
        self,
        vector_store_id: VectorStoreId,
        limit: FileLimit = DEFAULT_PAGE_LIMIT,
        order: FileOrder = DEFAULT_ORDER,
        filter: Filter = None,
        cursor: FileCursor = None,
    ) -> VectorStoreFileListing:
        """One page of the vector store's files."""
        subject = self._subject(vector_store_id)
        status: VectorStoreFileStatus | None = filter or None

        async def fetch(after: str | None, before: str | None) -> Any:
            listing = partial(
                self.client.vector_stores.files.list,
                vector_store_id,
                limit=limit,
                order=order,
                filter=given(status),
                after=given(after),
                before=given(before),
            )
            return await self._upstream(listing, subject, "list", None)

        paged = await page_of(
            self.codec,
            Listing(
                "list_vector_store_files",
                f"vector-store-files\x00{vector_store_id}\x00{status or ''}",
                "another vector store's (or another filter's) file listing",
                " for this vector store and filter",
            ),
            order=order,
            cursor=cursor,
            fetch=fetch,
            id_of=lambda item: item.id,
        )
        files = [VectorStoreFileView.of(f) for f in paged.items]
        which = f" {status}" if status else ""
        again = (
            f"call list_vector_store_files with vector_store_id={vector_store_id!r}, order={order!r}, "
            f"limit={limit}{f', filter={status!r}' if status else ''} and cursor set to next_cursor"
        )
        return VectorStoreFileListing(
            vector_store_id=vector_store_id,
            order=order,
            filter=status,
            files=files,
            has_more=paged.next_cursor is not None,
            next_cursor=paged.next_cursor,
            previous_cursor=paged.previous_cursor,
            next_step=more(
                paged.next_cursor,
                again,
                f"No{which} files in vector store {vector_store_id}"
                + ("" if paged.previous_cursor or status else ": attach one with attach_vector_store_file")
                + "."
                if not files
                else "",
            ),
        )

    @tool(
        "get_vector_store_file",
        title="Get vector store file",
        description="Get one file of a vector store with its processing status (and why it failed, if it did).",
        hints=READ,
    )
    async def get_file(self, vector_store_id: VectorStoreId, file_id: FileId) -> VectorStoreFileResult:
        """One vector store file."""
        found = await self._upstream(
            partial(self.client.vector_stores.files.retrieve, file_id, vector_store_id=vector_store_id),
            self._subject(vector_store_id),
            "get",
            file_id,
        )
        view = VectorStoreFileView.of(found)
        return VectorStoreFileResult(**view.model_dump(), next_step=status_step(view))

    @tool(
        "attach_vector_store_file",
        title="Attach file to vector store",
        description="Attach an uploaded file to a vector store, so file search can find it, optionally with "
        "attributes. With wait (the default) the call returns once the file is processed (or failed), reporting "
        "progress. Attaching a file that is already attached returns it, its attributes kept unless given.",
        hints=WRITE,
    )
    async def attach_file(
        self,
        vector_store_id: VectorStoreId,
        file_id: FileId,
        attributes: NewAttributes = None,
        wait: Wait = True,
    ) -> VectorStoreFileResult:
        """Attach a file, and with ``wait`` follow its processing within the budget."""
        started = self.clock()
        subject = self._subject(vector_store_id)
        attached = await self._upstream(
            partial(
                self.client.vector_stores.files.create,
                vector_store_id,
                file_id=file_id,
                # None or [] (what a strict host sends for "no attributes"): leave them as they are.
                attributes=as_map(attributes) if attributes else NOT_GIVEN,
            ),
            subject,
            "attach",
            file_id,
        )
        view = VectorStoreFileView.of(attached)
        if wait:
            view = await self._wait(view, subject, started)
        return VectorStoreFileResult(**view.model_dump(), next_step=status_step(view, waited=wait))

    @tool(
        "update_vector_store_file_attributes",
        title="Update vector store file attributes",
        description="Replace the attributes of a file in a vector store (an empty object clears them).",
        hints=Hints(read_only=False, destructive=True),
    )
    async def update_attributes(
        self,
        vector_store_id: VectorStoreId,
        file_id: FileId,
        attributes: Annotated[list[Attribute], Field(description=ATTRIBUTES_HELP, max_length=MAX_ATTRIBUTES)],
    ) -> VectorStoreFileResult:
        """Replace the file's attributes."""
        updated = await self._upstream(
            partial(
                self.client.vector_stores.files.update,
                file_id,
                vector_store_id=vector_store_id,
                attributes=as_map(attributes),
            ),
            self._subject(vector_store_id),
            "update",
            file_id,
        )
        view = VectorStoreFileView.of(updated)
        return VectorStoreFileResult(
            **view.model_dump(),
            next_step=f"File {view.id} now has {len(view.attributes or {})} attribute(s); "
            "file search can filter on them.",
        )

    @tool(
        "detach_vector_store_file",
        title="Detach file from vector store",
        description="Detach a file from a vector store. The file itself is not deleted and can be attached again. "
        "Detaching a file that is not attached changes nothing and says so.",
        hints=DETACH,
    )
    async def detach_file(self, vector_store_id: VectorStoreId, file_id: FileId) -> DetachedVectorStoreFile:
        """Detach a file; one that is not attached (or no longer, after a retry) is a success."""
        subject = self._subject(vector_store_id)
        try:
            deleted = await self._upstream(
                partial(self.client.vector_stores.files.delete, file_id, vector_store_id=vector_store_id),
                subject,
                "detach",
                file_id,
                missing_ok=True,
            )
        except NotAttached:
            return DetachedVectorStoreFile(
                id=file_id,
                vector_store_id=vector_store_id,
                deleted=True,
                already_detached=True,
                next_step=f"File {file_id} was not attached to vector store {vector_store_id}: nothing to detach "
                "(the file itself is kept).",
            )
        return DetachedVectorStoreFile(
            id=deleted.id,
            vector_store_id=vector_store_id,
            deleted=deleted.deleted,
            already_detached=False,
            next_step=f"Detached file {deleted.id} from vector store {vector_store_id} (the file itself is kept); "
            "attach_vector_store_file attaches it again."
            if deleted.deleted
            else f"The upstream did not detach file {deleted.id}: call detach_vector_store_file again.",
        )
