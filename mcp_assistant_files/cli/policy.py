"""``serve``'s tool policy from its flags: which tools and families, read-only, the allowlisted
ids, and the folder ``upload_file`` may read from."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

from ..service.catalog import TOOL_NAMES, all_specs
from ..service.declaration import FAMILIES, ToolPolicy
from ..service.fields import ID_PATTERN, PATTERN_MEANINGS
from .access import UsageError

__all__ = ["tool_policy", "upload_root_of"]


def _names(flag: str, value: str | None, known: Sequence[str]) -> frozenset[str] | None:
    """The comma-separated names of ``flag``, each one of ``known``; ``None`` when not given."""
    if value is None:
        return None
    names = frozenset(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise UsageError(
            f"{flag} is empty: give comma-separated names from {', '.join(known)}, or leave {flag} out for all"
        )
    unknown = sorted(names - set(known))
    if unknown:
        raise UsageError(f"{flag}: unknown name(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return names


def _ids(flag: str, values: Sequence[str]) -> frozenset[str]:
    """The ids of an allowlist flag, each one the tools would accept (else no call could name it)."""
    for value in values:
        if not re.fullmatch(ID_PATTERN, value):
            raise UsageError(
                f"{flag} {value!r} is not an id the tools accept ({PATTERN_MEANINGS[ID_PATTERN]}): "
                "give the id as the upstream shows it"
            )
    return frozenset(values)


def tool_policy(args: argparse.Namespace) -> ToolPolicy:
    """The tools ``serve`` offers and the ids they may touch, from its flags (a bad value is a ``UsageError``)."""
    toolsets = _names("--toolsets", args.toolsets, FAMILIES)
    policy = ToolPolicy(
        read_only=args.read_only,
        tools=_names("--tools", args.tools, TOOL_NAMES),
        toolsets=frozenset(family for family in FAMILIES if toolsets is None or family in toolsets),
        allowed_assistants=_ids("--allow-assistant", args.allow_assistant),
        allowed_vector_stores=_ids("--allow-vector-store", args.allow_vector_store),
    )
    if not any(policy.allows(spec) for spec in all_specs()):
        raise UsageError("--toolsets, --tools and --read-only leave no tool to serve")
    return policy


def upload_root_of(value: str | None) -> Path | None:
    """``--upload-root`` as an absolute folder, or ``None`` when not given (``upload_file`` is then not offered)."""
    if value is None:
        return None
    root = Path(value).expanduser()
    if not root.is_dir():
        raise UsageError(f"--upload-root {value}: not a folder; give the folder upload_file may read from")
    return root.resolve()
