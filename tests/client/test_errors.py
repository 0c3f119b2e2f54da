"""Error answers become typed exceptions with the upstream's details and a readable message."""

from __future__ import annotations

import httpx2
import pytest

from mcp_assistant_files import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from .harness import API_KEY, KINDS, Harness, Kind, error_json, file_json

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
    (418, APIStatusError),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_each_status_raises_its_class_with_the_envelope_fields(
    kind: Kind, status: int, cls: type[APIStatusError]
) -> None:
    body = error_json("No assistant found with id 'asst_x'.", param="assistant_id", code="not_found")
    h = Harness(
        kind, lambda r: httpx2.Response(status, json=body, headers={"x-request-id": "req_42"}), max_retries=0
    )
    with pytest.raises(cls) as info:
        h.call("retrieve", "file-1", assistant_id="asst_x")
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.request_id == "req_42"
    assert err.body == body
    assert err.type == "invalid_request_error"
    assert err.param == "assistant_id"
    assert err.code == "not_found"
    assert "No assistant found with id 'asst_x'." in str(err)
    assert str(status) in str(err) and "req_42" in str(err)
    assert err.response.status_code == status


@pytest.mark.parametrize("kind", KINDS)
def test_non_json_error_body_still_gives_a_readable_message(kind: Kind) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>"
    h = Harness(kind, lambda r: httpx2.Response(502, text=html), max_retries=0)
    with pytest.raises(InternalServerError) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert "502" in str(info.value) and "Bad Gateway" in str(info.value)
    assert info.value.body == html
    assert info.value.type is None and info.value.param is None


@pytest.mark.parametrize("kind", KINDS)
def test_empty_error_body_says_so(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(404), max_retries=0)
    with pytest.raises(NotFoundError, match="no error message"):
        h.call("retrieve", "file-1", assistant_id="asst_1")


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_error_carries_retry_after(kind: Kind) -> None:
    h = Harness(
        kind,
        lambda r: httpx2.Response(429, json=error_json("slow down"), headers={"retry-after": "7"}),
        max_retries=0,
    )
    with pytest.raises(RateLimitError) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert info.value.retry_after == 7.0


@pytest.mark.parametrize("kind", KINDS)
def test_connection_failure_is_api_connection_error(kind: Kind) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused", request=request)

    h = Harness(kind, refuse, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert not isinstance(info.value, APITimeoutError)
    assert "upstream.test" in str(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_timeout_is_api_timeout_error(kind: Kind) -> None:
    def slow(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("slow", request=request)

    h = Harness(kind, slow, max_retries=0)
    with pytest.raises(APITimeoutError, match="timed out"):
        h.call("retrieve", "file-1", assistant_id="asst_1")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"id": "file-1", "object": "assistant.file", "assistant_id": "a"}, "created_at"),
        ({"id": "file-1", "object": "thread", "created_at": 1, "assistant_id": "a"}, "object"),
        ([1, 2], "AssistantFile"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_validation_error(kind: Kind, body: object, fragment: str) -> None:
    h = Harness(kind, lambda r: httpx2.Response(200, json=body))
    with pytest.raises(APIResponseValidationError, match=fragment) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert info.value.status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_extra_fields_are_tolerated(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(200, json={**file_json(), "new_field": [1]}))
    assert h.call("retrieve", "file-1", assistant_id="asst_1").id == "file-abc123"


@pytest.mark.parametrize("kind", KINDS)
def test_a_success_that_is_not_json_is_a_validation_error(kind: Kind) -> None:
    h = Harness(
        kind, lambda r: httpx2.Response(200, text="<html>hello</html>", headers={"content-type": "text/html"})
    )
    with pytest.raises(APIResponseValidationError, match="text/html"):
        h.call("retrieve", "file-1", assistant_id="asst_1")


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_over_the_limit_is_refused_with_advice(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(200, content=b"x" * 5000), max_response_bytes=1000)
    with pytest.raises(APIResponseValidationError, match=r"larger than 1000 bytes.*base URL"):
        h.call("retrieve", "file-1", assistant_id="asst_1")


@pytest.mark.parametrize("kind", KINDS)
def test_the_api_key_is_in_no_error_message(kind: Kind) -> None:
    def leak(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(401, json=error_json("Incorrect API key provided: sk-tes***cdef."))

    h = Harness(kind, leak, max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert API_KEY not in str(info.value) and API_KEY not in repr(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_a_redirect_is_a_status_error_naming_the_location_not_followed(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(307, headers={"location": "http://elsewhere.test/v1/x"}))
    with pytest.raises(APIStatusError) as info:
        h.call("delete", "file-1", assistant_id="asst_1")
    assert info.value.status_code == 307
    assert "redirected to http://elsewhere.test/v1/x" in str(info.value)
    assert "check the base URL" in str(info.value)
    assert len(h.requests) == 1
