"""``OpenAIClient``'s resources have openai-python 3.57's signatures, but for listed differences.

``openai_3_57_signatures.json`` holds what ``inspect.signature`` gave for openai-python 3.57.0's
``files``, ``vector_stores``, ``vector_stores.files`` and ``vector_stores.file_batches`` (sync
and async; see its ``_note``). Here every one of our methods is compared with it: the same
method names per resource, the same parameter names in the same order, of the same kinds, with
the same defaults (openai's ``omit`` and ``not_given`` are our ``NOT_GIVEN``), coroutine where
openai's is, and raw and streaming variants of exactly openai's methods. Any difference must be
one of those listed below, each on purpose.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest

from mcp_assistant_files import NOT_GIVEN, AsyncOpenAIClient, OpenAIClient

DATA = json.loads(Path(__file__).with_name("openai_3_57_signatures.json").read_text(encoding="utf-8"))
RESOURCES: dict[str, dict[str, Any]] = DATA["resources"]

#: openai-python methods we do not offer.
LEFT_OUT = {
    ("vector_stores", "search"): "out of this client's scope (issue 11 covers files, not search)",
    ("files", "retrieve_content"): "deprecated by openai-python itself in favour of content()",
    ("files", "wait_for_processing"): "deprecated upstream (File.status is); vector-store polls replace it",
}
#: Parameters we add, keyword-only and with a default that keeps openai's behaviour.
ADDED = {
    ("vector_stores.file_batches", "poll"): {"max_wait_seconds"},
    ("vector_stores.file_batches", "create_and_poll"): {"max_wait_seconds"},
    ("vector_stores.file_batches", "upload_and_poll"): {"max_wait_seconds"},
}
#: Defaults that differ in spelling only.
SAME_DEFAULT = {
    ("vector_stores.file_batches", "upload_and_poll", "file_ids"): ("[]", ()),  # immutable, same meaning
}
CLIENTS = {
    "sync": OpenAIClient(base_url="http://parity.test/v1"),
    "async": AsyncOpenAIClient(base_url="http://parity.test/v1"),
}


def resource(key: str) -> Any:
    kind, _, path = key.partition(":")
    found: Any = CLIENTS[kind]
    for name in path.split("."):
        found = getattr(found, name)
    return found


def our_methods(obj: Any) -> dict[str, Any]:
    """Public methods, inherited ones (the poll and upload helpers) included."""
    return {
        name: getattr(obj, name)
        for name in dir(type(obj))
        if not name.startswith("_") and inspect.isfunction(getattr(type(obj), name))
    }


def theirs(key: str) -> dict[str, Any]:
    path = key.partition(":")[2]
    return {name: m for name, m in RESOURCES[key]["methods"].items() if (path, name) not in LEFT_OUT}


def expected_default(key: str, method: str, name: str, recorded: str | None) -> object:
    path = key.partition(":")[2]
    if (path, method, name) in SAME_DEFAULT:
        spelled, ours = SAME_DEFAULT[(path, method, name)]
        assert recorded == spelled
        return ours
    if recorded is None:
        return inspect.Parameter.empty
    if recorded in ("<omit>", "<not_given>"):
        return NOT_GIVEN
    return {"None": None}.get(recorded, recorded if not recorded.isdigit() else int(recorded))


KEYS = list(RESOURCES)


def test_the_recording_covers_both_clients_and_every_resource() -> None:
    assert {key.partition(":")[2] for key in KEYS} == {
        "files",
        "vector_stores",
        "vector_stores.files",
        "vector_stores.file_batches",
    }
    assert {key.partition(":")[0] for key in KEYS} == {"sync", "async"}


@pytest.mark.parametrize("key", KEYS)
def test_each_resource_has_openais_methods(key: str) -> None:
    assert set(our_methods(resource(key))) == set(theirs(key))


@pytest.mark.parametrize("key", KEYS)
def test_each_method_has_openais_parameters_in_order_with_their_kinds_and_defaults(key: str) -> None:
    path = key.partition(":")[2]
    ours = our_methods(resource(key))
    for method, recorded in theirs(key).items():
        params = [
            p
            for p in inspect.signature(ours[method]).parameters.values()
            if p.name not in ADDED.get((path, method), set())
        ]
        assert [p.name for p in params] == [name for name, _, _ in recorded["params"]], method
        for param, (name, kind, default) in zip(params, recorded["params"], strict=True):
            assert param.kind.name == kind, (method, name)
            assert param.default == expected_default(key, method, name, default), (method, name)


@pytest.mark.parametrize("key", KEYS)
def test_coroutines_where_openais_are(key: str) -> None:
    ours = our_methods(resource(key))
    for method, recorded in theirs(key).items():
        assert inspect.iscoroutinefunction(ours[method]) == recorded["async"], method


@pytest.mark.parametrize("variant", ["with_raw_response", "with_streaming_response"])
@pytest.mark.parametrize("key", KEYS)
def test_raw_and_streaming_variants_wrap_exactly_openais_methods(key: str, variant: str) -> None:
    path = key.partition(":")[2]
    wrapped = vars(getattr(resource(key), variant))
    methods = {name for name, value in wrapped.items() if callable(value)}
    assert methods == {m for m in RESOURCES[key][variant] if (path, m) not in LEFT_OUT}
    nested = {name for name, value in wrapped.items() if not callable(value)}
    assert nested == set(RESOURCES[key]["sub_resources"])


def test_every_listed_difference_is_still_one() -> None:
    for (path, method), _why in LEFT_OUT.items():
        assert method in RESOURCES[f"sync:{path}"]["methods"]
        assert not hasattr(resource(f"sync:{path}"), method)
    for (path, method), added in ADDED.items():
        recorded = {name for name, _, _ in RESOURCES[f"sync:{path}"]["methods"][method]["params"]}
        for kind in ("sync", "async"):
            params = inspect.signature(getattr(resource(f"{kind}:{path}"), method)).parameters
            for name in added:
                assert name not in recorded
                assert (
                    params[name].kind is inspect.Parameter.KEYWORD_ONLY and params[name].default is NOT_GIVEN
                )
