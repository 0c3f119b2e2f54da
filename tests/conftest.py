"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """The MCP SDK runs on asyncio; so do our async tests."""
    return "asyncio"
