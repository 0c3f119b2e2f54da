"""The backend's JSON answer: Starlette's ``JSONResponse`` with its body encoded by pydantic-core.

The bytes are those of ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` up to the
spelling of some floats (``1e16`` for ``1e+16``), both valid JSON, and are made about three times
faster: a list page of 100 objects takes 0.05 ms instead of 0.15 ms (``benchmarks/``). Values
that JSON cannot hold never reach it: :func:`.routing.json_body` refuses ``NaN`` and lone
surrogates before anything is stored.
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from starlette import responses

__all__ = ["JSONResponse"]


class JSONResponse(responses.JSONResponse):
    """``application/json``, encoded by pydantic-core (see the module)."""

    def render(self, content: Any) -> bytes:
        return pydantic_core.to_json(content)
