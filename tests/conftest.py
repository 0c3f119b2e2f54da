"""Shared fixtures and settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import settings

from mcp_assistant_files.client import skip_retry_pauses

# CI must be reproducible: the same examples on every run there (a red CI lands nothing).
# Locally, hypothesis keeps exploring new examples on each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def anyio_backend() -> str:
    """The MCP SDK runs on asyncio; so do our async tests."""
    return "asyncio"


@dataclass
class Pauses:
    """The pauses between attempts that clients skipped during a test (seconds, in order)."""

    delays: list[float]


@pytest.fixture
def sleeps() -> Iterator[Pauses]:
    """Retries happen at once, through the client's public seam; ``.delays`` records each pause."""
    with skip_retry_pauses() as delays:
        yield Pauses(delays)
