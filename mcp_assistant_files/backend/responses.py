"""The backend's JSON answer: Starlette's ``JSONResponse`` with its body encoded by pydantic-core.

The bytes are those of ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` up to the
spelling of some floats (``1e16`` for ``1e+16``), both valid JSON, and are made several times
faster for a list page of objects (``benchmarks/``: ``standalone_list100``). Values JSON cannot
hold never reach it (:func:`.routing.json_body` refuses ``NaN`` and lone surrogates before
anything is stored); one that did would be written as ``null``, never as invalid JSON.
pydantic-core stops at about 250 levels of nesting, which a stored tool's JSON schema may
exceed: such an answer is encoded by ``json.dumps``, as before.
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from starlette import responses

__all__ = ["JSONResponse"]


class JSONResponse(responses.JSONResponse):
    """``application/json``, encoded by pydantic-core (see the module)."""

    def render(self, content: Any) -> bytes:
        try:
            return pydantic_core.to_json(content, inf_nan_mode="null")
        except pydantic_core.PydanticSerializationError:
            return super().render(content)
