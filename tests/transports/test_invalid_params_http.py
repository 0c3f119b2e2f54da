"""Over streamable HTTP (2026-07-28), params that break the schema get the sentence of
``server/invalid_params.py``, on the JSON path for reads and on the SDK's streaming endpoint."""

from __future__ import annotations

import json

import httpx2
import pytest

from .conftest import Fleet
from .wire import MODERN, call_body, call_headers

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("tool", ["list_assistant_files", "attach_assistant_file"])  # a read, a write
async def test_double_encoded_arguments_get_the_sentence(fleet: Fleet, tool: str) -> None:
    served = fleet.ready("streamable-http")
    body = call_body(3, tool, {}, protocol=MODERN)
    body["params"]["arguments"] = json.dumps({"assistant_id": "asst_1", "file_id": "file-1"})
    async with httpx2.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{served.base}/mcp", headers=call_headers(tool, protocol=MODERN), json=body
        )
    assert response.status_code == 400, response.text
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 3,
        "error": {
            "code": -32602,
            "message": "Invalid params for tools/call: `params.arguments` must be an object, not a string "
            "(it holds JSON text: send the object itself). Fix the request and send it again.",
        },
    }
