"""A vector-store file's status in words: whether it is settled, and the agent's next step."""

from __future__ import annotations

from .vector_store_models import VectorStoreFileView

__all__ = ["TERMINAL", "status_step"]

TERMINAL = frozenset({"completed", "failed", "cancelled"})
"""The statuses a file's processing ends in."""


def status_step(view: VectorStoreFileView, *, waited: bool = False) -> str:
    """The next step for a file in its current status."""
    where = f"vector_store_id={view.vector_store_id!r}, file_id={view.id!r}"
    if view.status == "completed":
        return f"File {view.id} is processed and searchable in vector store {view.vector_store_id}."
    if view.status == "failed":
        why = f" ({view.last_error.code}: {view.last_error.message.rstrip('.')})" if view.last_error else ""
        return (
            f"File {view.id} could not be processed{why}: upload it again in a supported format (text, "
            "Markdown, PDF, ...) and attach the new file, or detach this one with detach_vector_store_file."
        )
    if view.status == "cancelled":
        return f"Processing of file {view.id} was cancelled: attach it again to retry."
    if waited:
        return (
            f"File {view.id} is still being processed: call get_vector_store_file with {where} in a while "
            "to check again."
        )
    return f"File {view.id} is being processed: call get_vector_store_file with {where} to check its status."
