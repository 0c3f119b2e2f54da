"""``client.beta.assistants.files``: the v1 assistant files, where openai-python 1.20 kept them.

``Beta`` and ``BetaAssistants`` only lead to the resource (no other beta API is here); use
``client.beta.assistants.files.with_raw_response`` for the raw variants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .assistant_files import AsyncFiles, Files

if TYPE_CHECKING:
    from .._clients import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncBeta", "AsyncBetaAssistants", "Beta", "BetaAssistants"]


class BetaAssistants:
    """``client.beta.assistants`` of ``OpenAIClient``: ``.files`` sends ``OpenAI-Beta: assistants=v1``."""

    def __init__(self, client: SyncAPIClient) -> None:
        self.files = Files(client)


class Beta:
    """``client.beta`` of ``OpenAIClient``."""

    def __init__(self, client: SyncAPIClient) -> None:
        self.assistants = BetaAssistants(client)


class AsyncBetaAssistants:
    """``client.beta.assistants`` of ``AsyncOpenAIClient``."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self.files = AsyncFiles(client)


class AsyncBeta:
    """``client.beta`` of ``AsyncOpenAIClient``."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self.assistants = AsyncBetaAssistants(client)
