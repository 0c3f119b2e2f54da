"""The vector-store half of ``mcp-assistant-files demo``: what an agent does with the files an
assistant searches today (a vector store), through the same stdio session as the v1 half."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..backend import Ingestor, Store

if TYPE_CHECKING:
    from .demo import DemoAgent

__all__ = ["VectorStoreDemo", "seed_vector_store"]

TEXT = "# Handbook\n\nVector stores hold the files an assistant searches.\n" * 40
BINARY = bytes(range(256)) * 16


def seed_vector_store(db: Path, uploads: Path, files: int) -> str:
    """A vector store of ``files`` processed files, and two files to upload in the upload folder."""
    with Store.open(db, max_files_per_assistant=0) as store:
        store_id: str = store.create_vector_store("Demo docs")["id"]
        store.seed_vector_store_files(store_id, files, data=b"seeded notes\n", filename="notes.md")
        Ingestor(store).process_pending()
    uploads.mkdir()
    (uploads / "handbook.md").write_text(TEXT, encoding="utf-8")
    (uploads / "diagram.bin").write_bytes(BINARY)
    return store_id


class VectorStoreDemo:
    """Steps 1-4 of the demo: list stores, upload and attach with progress, a failure, a walk."""

    def __init__(self, agent: DemoAgent, store_id: str, files: int, limit: int) -> None:
        self.agent, self.store_id, self.files, self.limit = agent, store_id, files, limit

    async def run(self, say: Any) -> None:
        agent, store_id = self.agent, self.store_id
        say("1. Vector stores hold the files an assistant searches; list them:")
        await agent.call("list_vector_stores", {})
        say()

        say("2. Upload a file from the upload folder and attach it, waiting for processing:")
        uploaded = await agent.call("upload_file", {"path": "handbook.md"})
        file_id = (uploaded.structured_content or {})["id"]
        attach = {
            "vector_store_id": store_id,
            "file_id": file_id,
            "attributes": [{"key": "team", "value": "docs"}],
        }
        attached = await agent.call("attach_vector_store_file", attach, progress=True)
        if (attached.structured_content or {}).get("status") != "completed":
            raise RuntimeError(f"the handbook was not processed: {attached.structured_content}")
        say()

        say("3. A file that cannot be processed is explained:")
        blob = await agent.call("upload_file", {"path": "diagram.bin"})
        blob_id = (blob.structured_content or {})["id"]
        failed = await agent.call(
            "attach_vector_store_file", {"vector_store_id": store_id, "file_id": blob_id}
        )
        if (failed.structured_content or {}).get("status") != "failed":
            raise RuntimeError("the binary file did not fail to process")
        await agent.call("list_vector_store_files", {"vector_store_id": store_id, "filter": "failed"})
        say()

        say("4. Walk the processed files by cursor (filter completed):")
        args: dict[str, Any] = {"vector_store_id": store_id, "filter": "completed", "limit": self.limit}
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(1000):  # bounded: a cursor that never ends would be a bug, not a long walk
            page = await agent.call(
                "list_vector_store_files", {**args, **({"cursor": cursor} if cursor else {})}
            )
            content = page.structured_content or {}
            seen += [f["id"] for f in content["files"]]
            cursor = content.get("next_cursor")
            if not cursor:
                break
        expected = self.files + 1  # the seeded files and the handbook
        if len(seen) != expected or len(set(seen)) != expected:
            raise RuntimeError(
                f"the walk saw {len(seen)} files ({len(set(seen))} distinct), expected {expected}"
            )
        say(f"  Every one of the {expected} processed files seen exactly once.\n")
        if sys.stderr.isatty():
            sys.stderr.flush()
