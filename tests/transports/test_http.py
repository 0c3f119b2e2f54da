"""``serve`` over streamable HTTP (stateful, ``--stateless``, ``--json-response``) and SSE.

Every flavour is tried in both protocol modes: the SDK client speaks 2026-07-28 over SSE too
(``auto`` probes ``server/discover``), so nothing here is legacy-only.
"""

from __future__ import annotations

import anyio
import httpx2
import pytest

from .clients import MODES, PROTOCOL, TOOL_NAMES, connect, text_of, walk
from .conftest import HTTP_FLAVOURS, Fleet, transport_of

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("flavour", list(HTTP_FLAVOURS))
async def test_http_flavour_lists_tools_walks_every_attachment_and_gets_one(
    flavour: str, mode: str, fleet: Fleet
) -> None:
    served, seeded = fleet.ready(flavour), fleet.seeds[flavour]
    newest = seeded.file_ids[-1]
    with anyio.fail_after(20):
        async with connect(served, transport_of(flavour), mode) as client:
            assert client.protocol_version == PROTOCOL[mode]
            assert client.instructions and "next_cursor" in client.instructions
            tools = await client.list_tools()
            seen, pages = await walk(client, seeded.assistant_id, limit=25)
            got = await client.call_tool(
                "get_assistant_file", {"assistant_id": seeded.assistant_id, "file_id": newest}
            )
    assert {t.name for t in tools.tools} == TOOL_NAMES
    assert len(seen) == len(set(seen)) == 60 and set(seen) == set(seeded.file_ids)
    assert pages == 3
    assert not got.is_error, text_of(got)
    assert got.structured_content is not None
    assert (got.structured_content["id"], got.structured_content["assistant_id"]) == (
        newest,
        seeded.assistant_id,
    )


@pytest.mark.parametrize("flavour", list(HTTP_FLAVOURS))
async def test_healthz_answers_200_json(flavour: str, fleet: Fleet) -> None:
    served = fleet.ready(flavour)
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.get(f"{served.base}/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == "ok"
