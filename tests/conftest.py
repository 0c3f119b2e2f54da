"""Shared fixtures and settings."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI must be reproducible: the same examples on every run there (a red CI lands nothing).
# Locally, hypothesis keeps exploring new examples on each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def anyio_backend() -> str:
    """The MCP SDK runs on asyncio; so do our async tests."""
    return "asyncio"
