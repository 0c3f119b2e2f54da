"""Small shared types: the ``NOT_GIVEN`` sentinel and the aliases of the public signatures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias, final

import httpx2

from ..contract import Order

__all__ = ["NOT_GIVEN", "Body", "Headers", "NotGiven", "Order", "Query", "TimeoutArg"]


@final
class NotGiven:
    """The type of ``NOT_GIVEN``: an argument that was left out, and so is not sent.

    Distinct from ``None``, which for ``timeout`` means "no timeout".
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Headers: TypeAlias = Mapping[str, str]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = Mapping[str, Any]
TimeoutArg: TypeAlias = float | httpx2.Timeout | None
