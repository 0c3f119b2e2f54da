"""The public test seams: retry pauses and poll waits are skipped and recorded apart, and the
client's clock moves on by each skipped wait (and by nothing else) while a seam is active."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from mcp_assistant_files import skip_poll_pauses, skip_retry_pauses
from mcp_assistant_files.client._pause import now, pause_async, pause_sync

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import FILE_ID, VS_ID, vs_file_json


def test_each_seam_records_its_own_kind_of_wait() -> None:
    with skip_retry_pauses() as retries, skip_poll_pauses() as polls:
        pause_sync(2.0, "retry")
        pause_sync(3.0, "poll")
        anyio.run(pause_async, 4.0, "poll")
    assert (retries, polls) == ([2.0], [3.0, 4.0])


def test_inside_a_seam_the_clock_moves_only_by_the_waits() -> None:
    with skip_poll_pauses():
        start = now()
        assert now() == start
        pause_sync(1.5, "poll")
        assert now() == start + 1.5
    assert now() >= start + 1.5  # and never goes back once the seam is closed


@pytest.mark.parametrize("kind", KINDS)
def test_a_poll_with_retries_uses_both_seams(kind: Kind) -> None:
    answers = iter(
        [
            httpx2.Response(503),
            httpx2.Response(
                200, json=vs_file_json(status="in_progress"), headers={"openai-poll-after-ms": "700"}
            ),
            httpx2.Response(200, json=vs_file_json()),
        ]
    )
    h = OpenAIHarness(kind, lambda request: next(answers))
    with skip_retry_pauses() as retries, skip_poll_pauses() as polls:
        h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID, max_wait_seconds=60)
    assert len(retries) == 1 and polls == [0.7]
