"""The tool definitions the server publishes: reviewed JSON files in ``definitions/``, one a tool.

Generating a tool's schemas from its pydantic models (an argument model and two JSON schemas,
flattened) costs ~3 ms a tool: a third of the server's start-up beyond the SDK's own. So the
server publishes the schemas generated once and reviewed, and builds a tool's argument model
on its first call (``sdk.StrictTool``). Each file holds the whole definition as ``tools/list``
shows it, so a change is reviewed as a diff.

``tests/server/test_tool_definitions.py`` fails when a file differs from what the models generate
now or from what the server lists; ``UPDATE_TOOLSNAPS=1 python -m pytest tests/server`` rewrites
the files after a reviewed change. A file missing or unreadable (a damaged installation) costs
only speed: the tool's schemas are generated as before, with one warning naming the file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFINITIONS", "PublishedSchemas", "published_schemas"]

logger = logging.getLogger(__name__)

DEFINITIONS = Path(__file__).with_name("definitions")
"""One ``<tool name>.json`` a tool: its definition as listed (``_meta`` aside)."""


@dataclass(frozen=True, slots=True)
class PublishedSchemas:
    """A tool's published input and output schemas."""

    input: dict[str, Any]
    output: dict[str, Any]


def published_schemas(name: str) -> PublishedSchemas | None:
    """The published schemas of the tool called ``name``; ``None`` for a tool without a usable file."""
    path = DEFINITIONS / f"{name}.json"
    try:
        definition = json.loads(path.read_bytes())
        schemas = PublishedSchemas(input=definition["inputSchema"], output=definition["outputSchema"])
        if not isinstance(schemas.input, dict) or not isinstance(schemas.output, dict):
            raise TypeError("inputSchema and outputSchema must be JSON objects")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, LookupError, TypeError) as err:
        logger.warning(
            "%s is unreadable (%s: %s): generating the tool's schemas instead; reinstall the package",
            path, type(err).__name__, err,
        )  # fmt: skip
        return None
    return schemas
