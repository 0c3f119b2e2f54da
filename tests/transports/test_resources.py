"""Resources over real transports: templates, a read through a list result's link, a completion, errors.

The same server process a host would start (``serve``), on each HTTP flavour (stateful and
stateless streamable HTTP, JSON responses, SSE), both protocol revisions.
"""

from __future__ import annotations

import json

import anyio
import pytest
from mcp import MCPError
from mcp_types import INTERNAL_ERROR, ResourceLink, ResourceTemplateReference, TextResourceContents

from mcp_assistant_files.service.resources import ASSISTANT_FILE, RESOURCES

from .clients import MODES, connect
from .conftest import HTTP_FLAVOURS, Fleet, transport_of

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("flavour", list(HTTP_FLAVOURS))
async def test_a_listed_file_reads_through_its_link_and_its_id_completes(
    flavour: str, mode: str, fleet: Fleet
) -> None:
    served, seeded = fleet.ready(flavour), fleet.seeds[flavour]
    with anyio.fail_after(20):
        async with connect(served, transport_of(flavour), mode) as client:
            capabilities = client.server_capabilities
            templates = (await client.list_resource_templates()).resource_templates
            listed = await client.call_tool(
                "list_assistant_files", {"assistant_id": seeded.assistant_id, "limit": 3}
            )
            links = [c for c in listed.content if isinstance(c, ResourceLink)]
            read = await client.read_resource(str(links[0].uri))
            completed = await client.complete(
                ResourceTemplateReference(uri=ASSISTANT_FILE.uri_template),
                {"name": "file_id", "value": ""},
                {"assistant_id": seeded.assistant_id},
            )
    assert (
        capabilities is not None
        and capabilities.resources is not None
        and capabilities.completions is not None
    )
    assert [t.uri_template for t in templates] == [spec.uri_template for spec in RESOURCES]
    assert listed.structured_content is not None
    assert [link.name for link in links] == [f["id"] for f in listed.structured_content["files"]]
    [contents] = read.contents
    assert isinstance(contents, TextResourceContents) and contents.mime_type == "application/json"
    assert json.loads(contents.text) == listed.structured_content["files"][0]
    assert sorted(completed.completion.values) == sorted(seeded.file_ids)
    assert completed.completion.total == 60 and not completed.completion.has_more


async def test_only_the_served_family_has_a_template(fleet: Fleet) -> None:
    served = fleet.ready("one-tool")
    with anyio.fail_after(15):
        async with connect(served, "streamable-http") as client:
            templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == [ASSISTANT_FILE.uri_template]


async def test_an_unreachable_upstream_reads_as_internal_error_saying_what_to_check(fleet: Fleet) -> None:
    served = fleet.ready("unreachable")
    with anyio.fail_after(15):
        async with connect(served, "streamable-http") as client:
            with pytest.raises(MCPError) as caught:
                await client.read_resource(ASSISTANT_FILE.uri(assistant_id="asst_1", file_id="file-1"))
    assert caught.value.error.code == INTERNAL_ERROR
    assert caught.value.error.message.startswith("Could not connect to the upstream at http://127.0.0.1:")
    assert "check that it is running" in caught.value.error.message
