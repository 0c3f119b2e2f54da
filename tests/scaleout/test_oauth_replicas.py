"""OAuth behind nginx: two stateless replicas configured alike (the same ``--auth-issuer``, the
public URL as ``--auth-audience``) accept the same tokens and share nothing else: each finds and
fetches the issuer's keys itself, and each picks up a rotation itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_assistant_files.service.catalog import all_specs

from ..oauth.authority import Authority, running_authority
from ..oauth.clients import oauth_client
from ..oauth.conftest import oauth_flags
from ..transports.clients import text_of
from ..transports.wire import INITIALIZE, MCP_HEADERS, MODERN, call_body, call_headers
from .harness import Deployment, deployment, needs_nginx

pytestmark = [*needs_nginx, pytest.mark.anyio]

SECRET = "one-shared-cursor-secret-for-both"
READ_TOOLS = {spec.name for spec in all_specs() if spec.hints.read_only}
ROUNDS = 4  # requests in a row: round-robin sends two to each replica


@pytest.fixture(name="deployed")
def oauth_deployment(tmp_path: Path) -> Iterator[tuple[Deployment, Authority]]:
    """The stand-in issuer, and the harness's replicas trusting it for nginx's public URL."""
    with (
        running_authority() as authority,
        deployment(tmp_path, (SECRET, SECRET), lambda url: oauth_flags(authority.issuer, url)) as deployed,
    ):
        yield deployed, authority


async def walk(deployed: Deployment, authority: Authority) -> list[str]:
    """Every attachment, page by page, with the SDK's client authorizing itself through nginx."""
    seen: list[str] = []
    cursor = ""
    async with oauth_client(deployed.url, authority.issuer) as client:
        for _ in range(100):
            result = await client.call_tool(
                "list_assistant_files", {"assistant_id": deployed.assistant_id, "limit": 20, "cursor": cursor}
            )
            assert not result.is_error, text_of(result)
            assert result.structured_content is not None
            seen += [f["id"] for f in result.structured_content["files"]]
            cursor = result.structured_content.get("next_cursor") or ""
            if not cursor:
                break
    return seen


async def test_one_token_from_discovery_through_nginx_works_on_both_replicas(
    deployed: tuple[Deployment, Authority],
) -> None:
    deployment, authority = deployed
    with anyio.fail_after(60):
        seen = await walk(deployment, authority)
    assert sorted(seen) == sorted(deployment.file_ids)
    assert authority.tokens_issued == 1  # one token, used on both replicas
    answered = deployment.answered()
    assert {replica for replica, status in answered if status == "200"} == {
        replica for replica, _ in answered
    }
    assert len({replica for replica, _ in answered}) == 2
    assert [status for _, status in answered].count("401") == 1  # the first request, before discovery
    metadata = deployment.answered("/.well-known/oauth-protected-resource/mcp")
    assert metadata and {status for _, status in metadata} == {"200"}
    assert authority.jwks_fetches == 2  # each replica fetched the keys for itself


async def test_both_replicas_refuse_a_write_without_its_scope_and_pick_up_a_rotation(
    deployed: tuple[Deployment, Authority],
) -> None:
    deployment, authority = deployed
    reader = authority.token(deployment.url, scopes=["files:read"])
    detach = {"assistant_id": deployment.assistant_id, "file_id": deployment.file_ids[0]}
    async with httpx2.AsyncClient(timeout=15.0) as http:

        async def post(token: str, body: object, headers: dict[str, str]) -> httpx2.Response:
            return await http.post(
                deployment.url, headers={**headers, "Authorization": f"Bearer {token}"}, json=body
            )

        with anyio.fail_after(60):
            refused = [
                await post(
                    reader,
                    call_body(n, "detach_assistant_file", detach, protocol=MODERN),
                    call_headers("detach_assistant_file", protocol=MODERN),
                )
                for n in range(ROUNDS)
            ]
            fetched = authority.jwks_fetches
            authority.rotate()
            rotated = [
                await post(authority.token(deployment.url), INITIALIZE, MCP_HEADERS) for _ in range(ROUNDS)
            ]
    metadata_url = f"{deployment.base}/.well-known/oauth-protected-resource/mcp"
    for response in refused:
        assert response.status_code == 403
        challenge = response.headers["www-authenticate"]
        assert 'error="insufficient_scope"' in challenge and 'scope="files:write"' in challenge
        assert f'resource_metadata="{metadata_url}"' in challenge
    assert [response.status_code for response in rotated] == [200] * ROUNDS
    assert authority.jwks_fetches == fetched + 2  # each replica, once, on the new kid
    answered = deployment.answered()
    assert {replica for replica, status in answered if status == "403"} == {
        replica for replica, status in answered if status == "200"
    }
    assert len({replica for replica, _ in answered}) == 2
