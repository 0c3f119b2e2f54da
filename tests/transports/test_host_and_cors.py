"""``Host`` is checked before anything else (no redirect ever names a foreign host), loopback
names are accepted without a port, and browsers on an allowed origin get CORS; others get none."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from .conftest import ALLOWED_ORIGIN, AUTH_TOKEN, Fleet, transport_of
from .wire import INITIALIZE, MCP_HEADERS, opened

pytestmark = pytest.mark.anyio

BROWSER_HEADERS = "authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id"
BEARER = {"Authorization": f"Bearer {AUTH_TOKEN}"}


def cors_headers(response: httpx2.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def preflight(origin: str, **headers: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": BROWSER_HEADERS,
        **headers,
    }


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST"])
@pytest.mark.parametrize("flavour", ["streamable-http", "sse"])
async def test_a_loopback_host_without_a_port_is_accepted(host: str, flavour: str, fleet: Fleet) -> None:
    served = fleet.ready(flavour)
    with anyio.fail_after(10):
        async with opened(served, transport_of(flavour), {"Host": host}) as response:
            assert response.status_code == 200


@pytest.mark.parametrize(("host", "status"), [("evil.example", 421), ("127.0.0.1", 404)])
async def test_a_trailing_slash_is_never_redirected(host: str, status: int, fleet: Fleet) -> None:
    served = fleet.ready("streamable-http")
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.post(
            f"{served.base}/mcp/", headers={**MCP_HEADERS, "Host": host}, json=INITIALIZE
        )
    assert response.status_code == status
    assert "location" not in response.headers


async def test_a_preflight_from_an_allowed_origin_is_answered_without_a_token(fleet: Fleet) -> None:
    served = fleet.ready("cors")  # --allowed-origin ALLOWED_ORIGIN, bearer token required
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.options(f"{served.base}/mcp", headers=preflight(ALLOWED_ORIGIN))
    assert response.status_code == 204
    cors = cors_headers(response)
    assert cors["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert {"GET", "POST", "DELETE"} <= {m.strip() for m in cors["access-control-allow-methods"].split(",")}
    allowed = {h.strip().lower() for h in cors["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in BROWSER_HEADERS.split(",")} <= allowed
    assert "access-control-allow-credentials" not in cors
    assert "*" not in "".join(cors.values())
    assert "origin" in response.headers["vary"].lower()


async def test_a_browser_call_from_an_allowed_origin_can_read_the_answer_and_the_session_id(
    fleet: Fleet,
) -> None:
    served = fleet.ready("cors")
    async with httpx2.AsyncClient(timeout=5.0) as http:
        url, headers = f"{served.base}/mcp", {**MCP_HEADERS, "Origin": ALLOWED_ORIGIN}
        without_token = await http.post(url, headers=headers, json=INITIALIZE)
        answered = await http.post(url, headers={**headers, **BEARER}, json=INITIALIZE)
    assert without_token.status_code == 401  # the preflight needs no token; the call does
    assert without_token.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert answered.status_code == 200
    assert answered.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    exposed = {h.strip().lower() for h in answered.headers["access-control-expose-headers"].split(",")}
    assert "mcp-session-id" in exposed
    assert answered.headers["mcp-session-id"]
    assert "origin" in answered.headers["vary"].lower()


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
async def test_other_origins_get_no_cors_headers_and_403(method: str, fleet: Fleet) -> None:
    served = fleet.ready("cors")
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.request(
            method,
            f"{served.base}/mcp",
            headers={**MCP_HEADERS, **BEARER, **preflight("https://evil.example")},
            json=INITIALIZE,
        )
    assert response.status_code == 403
    assert cors_headers(response) == {}


async def test_loopback_origins_are_allowed_on_any_port(fleet: Fleet) -> None:
    served = fleet.ready("streamable-http")
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.options(f"{served.base}/mcp", headers=preflight("http://localhost:5173"))
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


async def test_healthz_answers_whatever_the_host_for_probes(fleet: Fleet) -> None:
    served = fleet.ready("streamable-http")
    async with httpx2.AsyncClient(timeout=5.0) as http:
        response = await http.get(f"{served.base}/healthz", headers={"Host": "10.1.2.3:8000"})
    assert response.status_code == 200
