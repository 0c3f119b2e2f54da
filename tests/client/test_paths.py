"""Ids are one path segment each: nothing in an id can change the endpoint called."""

from __future__ import annotations

from urllib.parse import unquote

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .harness import KINDS, Harness, file_json

METHODS = ("retrieve", "delete")


def handler(request: httpx2.Request) -> httpx2.Response:
    if request.method == "DELETE":
        return httpx2.Response(200, json={"id": "x", "object": "assistant.file.deleted", "deleted": True})
    return httpx2.Response(200, json=file_json())


def segments(request: httpx2.Request) -> list[str]:
    return request.url.raw_path.decode("ascii").split("?")[0].split("/")


@pytest.fixture(params=KINDS)
def h(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param, handler)


@pytest.mark.parametrize("bad", ["/", "a/b", "?x=1", "#frag", "%2F", "..%2F", "a b", "é", "../../x"])
def test_reserved_characters_are_encoded_into_one_segment(h: Harness, bad: str) -> None:
    h.call("retrieve", bad, assistant_id=bad)
    parts = segments(h.last)
    assert parts[:3] == ["", "v1", "assistants"] and parts[4] == "files" and len(parts) == 6
    assert unquote(parts[3]) == bad and unquote(parts[5]) == bad
    assert h.last.url.query == b""


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("bad", [".", ".."])
def test_dot_segments_are_refused_before_sending(h: Harness, method: str, bad: str) -> None:
    with pytest.raises(ValueError, match="file_id"):
        h.call(method, bad, assistant_id="asst_1")
    with pytest.raises(ValueError, match="assistant_id"):
        h.call(method, "file-1", assistant_id=bad)
    assert h.requests == []


def test_empty_ids_raise_value_error_naming_the_parameter(h: Harness) -> None:
    with pytest.raises(ValueError, match="`file_id`"):
        h.call("retrieve", "", assistant_id="asst_1")
    with pytest.raises(ValueError, match="`assistant_id`"):
        h.call("delete", "file-1", assistant_id="")
    with pytest.raises(ValueError, match="`assistant_id`"):
        h.call("create", "", file_id="file-1")
    with pytest.raises(ValueError, match="`file_id`"):
        h.call("create", "asst_1", file_id="")
    with pytest.raises(ValueError, match="`assistant_id`"):
        h.list_ids("")
    assert h.requests == []


def test_openai_1_20_delete_dotdot_bug_cannot_happen(h: Harness) -> None:
    """openai 1.20 sent ``DELETE /v1/assistants/asst_x`` for ``delete("..")``."""
    with pytest.raises(ValueError, match=r"cannot be '\.\.'"):
        h.call("delete", "..", assistant_id="asst_x")
    assert h.requests == []


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    assistant_id=st.text(min_size=1, max_size=40).filter(lambda s: s not in (".", "..")),
    file_id=st.text(min_size=1, max_size=40).filter(lambda s: s not in (".", "..")),
)
def test_any_id_round_trips_as_exactly_one_segment(assistant_id: str, file_id: str) -> None:
    h = Harness("sync", handler)
    h.call("retrieve", file_id, assistant_id=assistant_id)
    parts = segments(h.last)
    assert len(parts) == 6
    assert unquote(parts[3], errors="surrogatepass") == assistant_id
    assert unquote(parts[5], errors="surrogatepass") == file_id
