"""HTTP security as served: Host/Origin checks, the bearer token, the bind-address guard, cursor secret."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import httpx2
import pytest

from .clients import connect, text_of
from .conftest import AUTH_TOKEN, CURSOR_SECRET, HTTP_FLAVOURS, Fleet, transport_of
from .serving import free_port, run_to_exit, seed_db
from .wire import opened

pytestmark = pytest.mark.anyio

TOKEN_ENV = "MCP_ASSISTANT_FILES_AUTH_TOKEN"
SECRET_WARNING = "MCP_ASSISTANT_FILES_CURSOR_SECRET is not set"


# -- DNS rebinding ------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["streamable-http", "sse"])
async def test_foreign_host_header_is_refused_with_421(flavour: str, fleet: Fleet) -> None:
    served = fleet.ready(flavour)
    with anyio.fail_after(10):
        async with opened(served, transport_of(flavour), {"Host": "evil.example"}) as response:
            assert response.status_code == 421
        async with opened(served, transport_of(flavour), {}) as control:
            assert control.status_code == 200


@pytest.mark.parametrize("flavour", ["streamable-http", "sse"])
async def test_foreign_origin_is_refused_with_403(flavour: str, fleet: Fleet) -> None:
    served = fleet.ready(flavour)
    with anyio.fail_after(10):
        async with opened(served, transport_of(flavour), {"Origin": "http://evil.example"}) as response:
            assert response.status_code == 403
        async with opened(served, transport_of(flavour), {"Origin": served.base}) as control:
            assert control.status_code == 200


async def test_allowed_host_flag_accepts_that_host_with_any_port(
    fleet: Fleet,
) -> None:
    served, seeded = fleet.ready("allowed-host"), fleet.seeds["allowed-host"]
    with anyio.fail_after(10):
        async with opened(served, "streamable-http", {"Host": f"myhost.test:{served.port}"}) as response:
            assert response.status_code == 200
        async with opened(served, "streamable-http", {"Host": "evil.example"}) as refused:
            assert refused.status_code == 421
        async with connect(
            served, "streamable-http", headers={"Host": f"myhost.test:{served.port}"}
        ) as client:
            result = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert not result.is_error, text_of(result)


# -- bearer token -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": AUTH_TOKEN}],
    ids=["no-token", "wrong-token", "token-without-bearer"],
)
async def test_token_server_refuses_requests_without_the_right_bearer_token(
    headers: dict[str, str], fleet: Fleet
) -> None:
    served = fleet.ready("token")
    with anyio.fail_after(10):
        async with opened(served, "streamable-http", headers) as response:
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Bearer")
            body = json.loads(await response.aread())
    assert TOKEN_ENV in body["message"]


async def test_token_server_serves_a_client_sending_the_token(
    fleet: Fleet,
) -> None:
    served, seeded = fleet.ready("token"), fleet.seeds["token"]
    with anyio.fail_after(15):
        async with connect(
            served, "streamable-http", headers={"Authorization": f"Bearer {AUTH_TOKEN}"}
        ) as client:
            result = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None and len(result.structured_content["files"]) == 5


async def test_token_server_answers_healthz_without_a_token(
    fleet: Fleet,
) -> None:
    served = fleet.ready("token")
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.get(f"{served.base}/healthz")
    assert response.status_code == 200
    assert AUTH_TOKEN not in served.stderr


# -- bind address -------------------------------------------------------------------------------


def test_binding_all_interfaces_without_a_token_exits_2_naming_both_remedies(tmp_path: Path) -> None:
    seeded = seed_db(tmp_path / "db.sqlite3", 1)
    port = str(free_port())
    done = run_to_exit(
        "--transport", "streamable-http", "--host", "0.0.0.0", "--port", port, "--db", str(seeded.db)
    )
    assert done.returncode == 2, done.stderr
    assert TOKEN_ENV in done.stderr and "--insecure-no-auth" in done.stderr
    assert "0.0.0.0" in done.stderr
    assert done.stdout == ""


async def test_insecure_no_auth_binds_all_interfaces_but_still_checks_the_host_header(
    fleet: Fleet,
) -> None:
    served, seeded = fleet.ready("open-bind"), fleet.seeds["open-bind"]
    with anyio.fail_after(15):
        async with connect(served, "streamable-http") as client:
            result = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
        async with opened(served, "streamable-http", {"Host": "evil.example"}) as refused:
            assert refused.status_code == 421
    assert not result.is_error, text_of(result)


# -- cursor secret ------------------------------------------------------------------------------


def test_http_without_cursor_secret_warns_about_the_random_secret(
    fleet: Fleet,
) -> None:
    for flavour in HTTP_FLAVOURS:
        assert SECRET_WARNING in fleet.ready(flavour).stderr


def test_http_with_cursor_secret_does_not_warn(fleet: Fleet) -> None:
    served = fleet.ready("allowed-host")
    assert "upstream is" in served.stderr
    assert SECRET_WARNING not in served.stderr
    assert CURSOR_SECRET not in served.stderr
