"""Scale-out: two stateless replicas behind nginx (the shipped manifests/nginx.conf), one upstream.

Consecutive calls land on different replicas, and cursors issued by one are followed on the
other: every attachment is seen once. With different cursor secrets the walk fails with the
clear cursor error instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp_types import TextContent

from .harness import ATTACHMENTS, Deployment, deployment, needs_nginx

pytestmark = needs_nginx


async def walk(url: str, assistant_id: str) -> tuple[list[str], list[str]]:
    """Follow next_cursor through the balancer: (ids seen, error texts)."""
    seen: list[str] = []
    errors: list[str] = []
    async with Client(url) as client:
        args: dict[str, Any] = {"assistant_id": assistant_id, "limit": 20}
        cursor = None
        for _ in range(100):
            result = await client.call_tool(
                "list_assistant_files", {**args, **({"cursor": cursor} if cursor else {})}
            )
            if result.is_error:
                errors.append(" ".join(c.text for c in result.content if isinstance(c, TextContent)))
                return seen, errors
            assert result.structured_content is not None
            seen += [f["id"] for f in result.structured_content["files"]]
            cursor = result.structured_content.get("next_cursor")
            if cursor is None:
                break
    return seen, errors


@pytest.fixture(name="deployment")
def deployed(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """The harness's deployment, with the cursor secrets of the test's parameter."""
    with deployment(tmp_path, request.param) as deployed:
        yield deployed


@pytest.mark.parametrize(
    "deployment", [("one-shared-secret-for-both", "one-shared-secret-for-both")], indirect=True
)
def test_cursors_are_followed_across_replicas_and_every_attachment_is_seen_once(
    deployment: Deployment,
) -> None:
    seen, errors = anyio.run(walk, deployment.url, deployment.assistant_id)
    assert errors == []
    assert sorted(seen) == sorted(deployment.file_ids)
    assert len(seen) == len(set(seen)) == ATTACHMENTS
    upstreams = [replica for replica, _ in deployment.answered()]
    assert len(set(upstreams)) == 2, upstreams
    # Round-robin: the 13 list calls alternate between the replicas.
    assert sum(a != b for a, b in itertools.pairwise(upstreams)) >= len(upstreams) // 2


@pytest.mark.parametrize(
    "deployment", [("secret-of-replica-one-xxxxxxxx", "secret-of-replica-two-yyyyyyyy")], indirect=True
)
def test_replicas_with_different_secrets_refuse_each_others_cursors_clearly(
    deployment: Deployment,
) -> None:
    seen, errors = anyio.run(walk, deployment.url, deployment.assistant_id)
    # Pages work while the cursor comes back to the replica that issued it; the first call that
    # lands on the other replica is refused (which call that is depends on the balancer's turn).
    assert 20 <= len(seen) < ATTACHMENTS
    assert len(seen) % 20 == 0
    assert len(errors) == 1
    assert "without `cursor`" in errors[0]
    assert "secret" in errors[0]
