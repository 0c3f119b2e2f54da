"""The client's behaviours, proven against the real backend rather than a mock.

Each test runs three times (see ``conftest.py``): the async client in process over
``ASGITransport``, the async client over loopback HTTP, and the sync client over loopback HTTP.
"""

from __future__ import annotations

import math

import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.client import AuthenticationError, BadRequestError, NotFoundError
from mcp_assistant_files.client.models import AssistantFile, FileDeleteResponse

from .conftest import Api, Mode, new_assistant, new_file, open_api

pytestmark = pytest.mark.anyio


# -- round trip ---------------------------------------------------------------------------------


async def test_create_retrieve_delete_round_trip(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)

    created = await api.call("create", assistant_id, file_id=file_id)
    assert isinstance(created, AssistantFile)
    assert (created.id, created.assistant_id, created.object) == (file_id, assistant_id, "assistant.file")

    assert await api.call("retrieve", file_id, assistant_id=assistant_id) == created
    assert [f.id for f in (await api.call("list", assistant_id)).data] == [file_id]

    deleted = await api.call("delete", file_id, assistant_id=assistant_id)
    assert deleted == FileDeleteResponse(id=file_id, object="assistant.file.deleted", deleted=True)
    assert (await api.call("list", assistant_id)).data == []
    assert api.store.get_file(file_id)["id"] == file_id  # detaching keeps the file


async def test_attaching_twice_leaves_one_attachment(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)

    first = await api.call("create", assistant_id, file_id=file_id)
    again = await api.call("create", assistant_id, file_id=file_id)

    assert again == first
    assert await api.walk(assistant_id) == [file_id]


# -- pagination ---------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_auto_pagination_yields_every_attachment_once_in_order(api: Api, order: str) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 45)

    ids = await api.walk(assistant_id, limit=7, order=order)

    assert ids == (seeded if order == "asc" else seeded[::-1])
    assert len(api.list_requests()) == math.ceil(45 / 7)


@pytest.mark.parametrize("total", [42, 45])
async def test_walk_stops_on_has_more_false_without_an_extra_request(api: Api, total: int) -> None:
    assistant_id = new_assistant(api.store)
    api.store.seed_attachments(assistant_id, total)

    ids = await api.walk(assistant_id, limit=7)

    assert len(ids) == total
    requests = api.list_requests()
    assert len(requests) == math.ceil(total / 7)
    assert "after" not in requests[0].url.params
    assert [r.url.params["after"] for r in requests[1:]] == [ids[7 * n - 1] for n in range(1, len(requests))]


async def test_first_page_reports_has_more_and_an_exact_multiple_ends_on_a_full_page(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 14)

    first = await api.call("list", assistant_id, limit=7, order="asc")
    second = await api.call("list", assistant_id, limit=7, order="asc", after=first.last_id)

    assert (first.has_more, first.has_next_page()) == (True, True)
    assert (second.has_more, second.has_next_page()) == (False, False)
    assert [f.id for f in second.data] == seeded[7:]
    assert len(api.requests) == 2


async def test_before_walks_backwards_through_earlier_pages(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 45)

    ids = await api.walk(assistant_id, limit=7, order="asc", before=seeded[30])

    expected: list[str] = []
    end = 30
    while end > 0:
        expected += seeded[max(0, end - 7) : end]
        end -= 7
    assert ids == expected
    assert sorted(ids) == sorted(seeded[:30]) and len(set(ids)) == 30
    requests = api.list_requests()
    assert len(requests) == math.ceil(30 / 7)
    assert all("after" not in r.url.params for r in requests)


async def test_before_in_descending_order_walks_towards_newer_attachments(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 45)

    ids = await api.walk(assistant_id, limit=7, order="desc", before=seeded[30])

    assert sorted(ids) == sorted(seeded[31:]) and len(ids) == len(set(ids)) == 14


async def test_detaching_seen_items_during_a_walk_never_skips_or_repeats(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 45)

    def detach(file_id: str) -> None:
        api.store.detach(assistant_id, file_id)

    ids = await api.walk(assistant_id, limit=7, order="asc", on_item=detach)

    assert ids == seeded
    assert (await api.call("list", assistant_id)).data == []


async def test_detaching_unseen_items_during_a_walk_only_drops_those(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 45)
    doomed = set(seeded[10::5])

    def detach_ahead(file_id: str) -> None:
        if file_id == seeded[3]:
            for gone in doomed:
                api.store.detach(assistant_id, gone)

    ids = await api.walk(assistant_id, limit=7, order="asc", on_item=detach_ahead)

    assert ids == [i for i in seeded if i not in doomed]


# -- errors from real answers -------------------------------------------------------------------


async def test_unknown_assistant_is_not_found_naming_the_id(api: Api) -> None:
    file_id = new_file(api.store)
    calls = [
        ("create", ("asst_missing",), {"file_id": file_id}),
        ("retrieve", (file_id,), {"assistant_id": "asst_missing"}),
        ("delete", (file_id,), {"assistant_id": "asst_missing"}),
        ("list", ("asst_missing",), {}),
    ]
    for method, args, kwargs in calls:
        with pytest.raises(NotFoundError, match="asst_missing") as caught:
            await api.call(method, *args, **kwargs)
        assert caught.value.status_code == 404
        assert caught.value.type == "invalid_request_error"
        assert caught.value.request_id is not None and caught.value.request_id.startswith("req_")


async def test_attaching_an_unknown_file_is_not_found_on_file_id(api: Api) -> None:
    assistant_id = new_assistant(api.store)

    with pytest.raises(NotFoundError, match="file-missing") as caught:
        await api.call("create", assistant_id, file_id="file-missing")

    assert caught.value.param == "file_id"


async def test_retrieving_a_file_not_attached_is_not_found(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)

    with pytest.raises(NotFoundError, match=file_id):
        await api.call("retrieve", file_id, assistant_id=assistant_id)


async def test_detaching_twice_is_not_found_the_second_time(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)
    await api.call("create", assistant_id, file_id=file_id)

    assert (await api.call("delete", file_id, assistant_id=assistant_id)).deleted is True
    with pytest.raises(NotFoundError, match=file_id):
        await api.call("delete", file_id, assistant_id=assistant_id)


async def test_attaching_a_file_of_another_purpose_is_a_bad_request(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store, purpose="fine-tune")

    with pytest.raises(BadRequestError, match="purpose") as caught:
        await api.call("create", assistant_id, file_id=file_id)

    assert caught.value.param == "file_id"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"extra_query": {"limit": "ten"}}, "limit"),
        ({"extra_query": {"order": "sideways"}}, "order"),
        ({"after": "file-not-in-this-listing"}, "after"),
        ({"before": "file-not-in-this-listing"}, "before"),
    ],
)
async def test_invalid_list_parameters_are_bad_requests_naming_the_param(
    api: Api, kwargs: dict[str, object], param: str
) -> None:
    assistant_id = new_assistant(api.store)

    with pytest.raises(BadRequestError) as caught:
        await api.call("list", assistant_id, **kwargs)

    assert caught.value.status_code == 400
    assert caught.value.param == param
    assert param in caught.value.message


async def test_limits_one_and_a_hundred_are_accepted(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    api.store.seed_attachments(assistant_id, 3)

    assert len((await api.call("list", assistant_id, limit=1)).data) == 1
    assert len((await api.call("list", assistant_id, limit=100)).data) == 3


@pytest.mark.parametrize("beta", ["assistants=v2", ""])
async def test_a_wrong_openai_beta_header_is_a_bad_request_saying_what_to_send(api: Api, beta: str) -> None:
    assistant_id = new_assistant(api.store)

    with pytest.raises(BadRequestError, match="assistants=v1"):
        await api.call("list", assistant_id, extra_headers={"OpenAI-Beta": beta})
    assert api.requests[-1].headers["OpenAI-Beta"] == beta


async def test_the_cap_refuses_the_twenty_first_file_with_max_files_exceeded(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    for _ in range(20):
        await api.call("create", assistant_id, file_id=new_file(api.store))

    with pytest.raises(BadRequestError, match="maximum of 20") as caught:
        await api.call("create", assistant_id, file_id=new_file(api.store))

    assert (caught.value.code, caught.value.param) == ("max_files_exceeded", "file_id")
    assert len(await api.walk(assistant_id, limit=100)) == 20


@pytest.mark.parametrize(
    ("client_key", "code"), [("sk-wrong", "invalid_api_key"), (None, None)], ids=["wrong", "missing"]
)
async def test_a_wrong_or_missing_api_key_is_an_authentication_error(
    mode: Mode, store: Store, client_key: str | None, code: str | None
) -> None:
    assistant_id = new_assistant(store)
    async with open_api(mode, store, api_keys=("sk-right",), api_key=client_key) as api:
        with pytest.raises(AuthenticationError) as caught:
            await api.call("list", assistant_id)
    assert caught.value.status_code == 401
    assert caught.value.code == code
    assert "sk-right" not in str(caught.value) and "sk-wrong" not in str(caught.value)


async def test_the_right_api_key_is_accepted(mode: Mode, store: Store) -> None:
    assistant_id = new_assistant(store)
    async with open_api(mode, store, api_keys=("sk-right",), api_key="sk-right") as api:
        assert (await api.call("list", assistant_id)).data == []
    assert api.requests[-1].headers["Authorization"] == "Bearer sk-right"


# -- raw and streaming --------------------------------------------------------------------------


async def test_raw_responses_carry_the_request_id_and_parse_to_models(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)

    response, created = await api.raw("create", assistant_id, file_id=file_id)
    assert response.status_code == 200
    assert response.request_id is not None and response.request_id.startswith("req_")
    assert response.headers["x-request-id"] == response.request_id
    assert isinstance(created, AssistantFile) and created.id == file_id

    response, page = await api.raw("list", assistant_id)
    assert [f.id for f in page.data] == [file_id]
    assert response.request_id.startswith("req_")

    response, deleted = await api.raw("delete", file_id, assistant_id=assistant_id)
    assert deleted.deleted is True and response.request_id.startswith("req_")


async def test_streaming_responses_are_unread_until_asked_and_parse_to_models(api: Api) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)
    await api.call("create", assistant_id, file_id=file_id)

    response, body, parsed, unread = await api.streamed("retrieve", file_id, assistant_id=assistant_id)

    assert unread
    assert response.request_id.startswith("req_")
    assert b'"assistant.file"' in body
    assert parsed == await api.call("retrieve", file_id, assistant_id=assistant_id)
    assert response.is_closed


async def test_raw_pages_still_auto_paginate(api: Api) -> None:
    assistant_id = new_assistant(api.store)
    seeded = api.store.seed_attachments(assistant_id, 10)

    _, page = await api.raw("list", assistant_id, limit=4, order="asc")

    ids = [f.id for f in page.data]
    while page.has_next_page():
        page = await api._run(page.get_next_page)
        ids += [f.id for f in page.data]
    assert ids == seeded


# -- path encoding ------------------------------------------------------------------------------

# Ids the backend can resolve as one segment once the client has percent-encoded them.
SEGMENT_SAFE_IDS = ["a?b=1", "a#frag", "%2F", "a%2Fb", "a b", "é"]
# Ids holding "/": the client sends them as one segment (%2F); the backend must route on the raw
# path, not the decoded one, or they become several segments and reach other routes.
SLASH_IDS = ["a/b", "x/../../y", "a//b", "/", "a/"]


@pytest.mark.parametrize("odd_id", SEGMENT_SAFE_IDS)
async def test_reserved_characters_in_ids_reach_the_backend_as_that_id(api: Api, odd_id: str) -> None:
    assistant_id = new_assistant(api.store)

    with pytest.raises(NotFoundError, match="No file found with id") as caught:
        await api.call("retrieve", odd_id, assistant_id=assistant_id)
    assert f"id '{odd_id}' attached to assistant '{assistant_id}'" in caught.value.message

    with pytest.raises(NotFoundError) as caught:
        await api.call("delete", odd_id, assistant_id=assistant_id)
    assert f"id '{odd_id}' attached to assistant '{assistant_id}'" in caught.value.message

    with pytest.raises(NotFoundError) as caught:
        await api.call("list", odd_id)
    assert f"No assistant found with id '{odd_id}'" in caught.value.message


@pytest.mark.parametrize("odd_id", SEGMENT_SAFE_IDS)
async def test_reserved_characters_in_an_attached_file_id_never_reach_another_attachment(
    api: Api, odd_id: str
) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)
    await api.call("create", assistant_id, file_id=file_id)

    with pytest.raises(NotFoundError):
        await api.call("retrieve", f"{file_id}{odd_id}", assistant_id=assistant_id)
    assert [f.id for f in (await api.call("list", assistant_id)).data] == [file_id]


@pytest.mark.parametrize("odd_id", SLASH_IDS)
async def test_slashes_in_ids_give_not_found_naming_the_whole_id(api: Api, odd_id: str) -> None:
    assistant_id = new_assistant(api.store)

    for method in ("retrieve", "delete"):
        with pytest.raises(NotFoundError) as caught:
            await api.call(method, odd_id, assistant_id=assistant_id)
        assert f"id '{odd_id}' attached to assistant '{assistant_id}'" in caught.value.message

    with pytest.raises(NotFoundError) as caught:
        await api.call("list", odd_id)
    assert f"No assistant found with id '{odd_id}'" in caught.value.message


@pytest.mark.parametrize("method", ["retrieve", "delete"])
async def test_a_trailing_slash_in_a_file_id_never_reaches_that_file(api: Api, method: str) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)
    await api.call("create", assistant_id, file_id=file_id)

    with pytest.raises(NotFoundError) as caught:
        await api.call(method, f"{file_id}/", assistant_id=assistant_id)

    assert f"id '{file_id}/' attached" in caught.value.message
    assert api.store.get_attachment(assistant_id, file_id)["id"] == file_id
    assert [r.method for r in api.requests] == ["POST", method.replace("retrieve", "GET").upper()]


@pytest.mark.parametrize("method", ["list", "create"])
async def test_an_assistant_id_holding_a_slash_never_reaches_another_route(api: Api, method: str) -> None:
    assistant_id, file_id = new_assistant(api.store), new_file(api.store)
    # Decoded, .../assistants/X%2Ffiles/files would be the attachment route of file "files".
    odd_id = f"{assistant_id}/files"

    kwargs = {} if method == "list" else {"file_id": file_id}
    with pytest.raises(NotFoundError) as caught:
        await api.call(method, odd_id, **kwargs)
    assert f"No assistant found with id '{odd_id}'" in caught.value.message
