"""The catalogue of every tool family, in the order tools are listed."""

from __future__ import annotations

from .assistant_files import AssistantFilesTools
from .declaration import ToolFamily, ToolSpec
from .files import FilesTools
from .vector_store_files import VectorStoreFilesTools

__all__ = ["FAMILY_CLASSES", "READ_ONLY_TOOLS", "TOOL_NAMES", "all_specs"]

FAMILY_CLASSES: tuple[type[ToolFamily], ...] = (AssistantFilesTools, VectorStoreFilesTools, FilesTools)


def all_specs() -> tuple[ToolSpec, ...]:
    """Every tool's declaration, family by family."""
    return tuple(spec for family in FAMILY_CLASSES for spec in family.specs())


TOOL_NAMES: tuple[str, ...] = tuple(spec.name for spec in all_specs())
READ_ONLY_TOOLS: tuple[str, ...] = tuple(spec.name for spec in all_specs() if spec.hints.read_only)
