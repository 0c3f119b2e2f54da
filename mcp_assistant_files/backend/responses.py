"""The backend's JSON answer: Starlette's ``JSONResponse`` with its body encoded by orjson.

The bytes are those of ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` up to the
spelling of some floats, both valid JSON, and are made several times
faster for a list page of objects (``benchmarks/``: ``standalone_list100``; orjson measured
2.5x faster than pydantic-core's ``to_json`` on that page, which was itself faster than
``json.dumps``). Values JSON cannot hold never reach it (:func:`.routing.json_body` refuses
``NaN`` and lone surrogates before anything is stored); one that did would be written as
``null``, never as invalid JSON. What orjson declines (nesting deeper than 255 levels, which a
stored tool's JSON schema may reach; an integer beyond 64 bits) is encoded by ``json.dumps``.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette import responses

__all__ = ["JSONResponse"]


class JSONResponse(responses.JSONResponse):
    """``application/json``, encoded by orjson (see the module)."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except orjson.JSONEncodeError:
            return super().render(content)
