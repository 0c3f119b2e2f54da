"""The sync client is the async client's twin: the same resources, methods and signatures.

The twins are written by hand (each body is one line over shared request options), so the one
real risk of the design is a signature that drifts. Every resource of every client pair is
compared here, nested resources (``vector_stores.files``, ``beta.assistants.files``), methods a
resource inherits (the poll and upload helpers) and the raw and streaming variants included.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_assistant_files.client import (
    AssistantsClient,
    AsyncAssistantsClient,
    AsyncOpenAIClient,
    OpenAIClient,
)

BASE_URL = "http://twins.test/v1"
CLIENT_PAIRS = [(AssistantsClient, AsyncAssistantsClient), (OpenAIClient, AsyncOpenAIClient)]
RESOURCES_PACKAGE = "mcp_assistant_files.client.resources"
VARIANTS = ("with_raw_response", "with_streaming_response")


def methods(resource: object) -> dict[str, Any]:
    """The public methods of a resource object (its class's functions, inherited ones included)."""
    found: dict[str, Any] = {}
    for cls in reversed(type(resource).__mro__[:-1]):
        for name, value in vars(cls).items():
            if inspect.isfunction(value) and not name.startswith("_"):
                found[name] = getattr(resource, name)
    return found


def http_methods(resource: object) -> dict[str, Any]:
    """The methods the resource's own class defines: its HTTP methods. The poll and upload helpers
    are inherited (from ``*Helpers`` classes) and, as in openai-python, have no variants."""
    return {
        name: getattr(resource, name)
        for name, value in vars(type(resource)).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }


def resources(sync_obj: object, async_obj: object, path: str) -> Iterator[tuple[str, Any, Any]]:
    """Every (path, sync resource, async resource): the attributes that have variants, and below
    them and below namespaces (``beta``) every nested one."""
    for name, value in vars(sync_obj).items():
        if name.startswith("_") or not type(value).__module__.startswith(RESOURCES_PACKAGE):
            continue
        twin = getattr(async_obj, name)
        if hasattr(value, "with_raw_response"):
            yield f"{path}.{name}", value, twin
        yield from resources(value, twin, f"{path}.{name}")


def all_resource_pairs() -> list[tuple[str, Any, Any]]:
    found = []
    for sync_cls, async_cls in CLIENT_PAIRS:
        found += list(resources(sync_cls(base_url=BASE_URL), async_cls(base_url=BASE_URL), sync_cls.__name__))
    return found


PAIRS = all_resource_pairs()


def test_every_client_pair_has_resources() -> None:
    assert {path for path, _, _ in PAIRS} == {
        "AssistantsClient.files",
        "OpenAIClient.files",
        "OpenAIClient.vector_stores",
        "OpenAIClient.vector_stores.files",
        "OpenAIClient.vector_stores.file_batches",
        "OpenAIClient.beta.assistants.files",
    }


@pytest.mark.parametrize(("path", "sync_resource", "async_resource"), PAIRS, ids=[p for p, _, _ in PAIRS])
def test_every_method_has_an_async_twin_with_the_same_signature(
    path: str, sync_resource: Any, async_resource: Any
) -> None:
    sync_methods, async_methods = methods(sync_resource), methods(async_resource)
    assert sync_methods.keys() == async_methods.keys(), path
    for name, method in sync_methods.items():
        sync_sig, async_sig = inspect.signature(method), inspect.signature(async_methods[name])
        assert list(sync_sig.parameters) == list(async_sig.parameters), f"{path}.{name}"
        for param in sync_sig.parameters.values():
            twin = async_sig.parameters[param.name]
            assert (param.kind, param.default, param.annotation) == (
                twin.kind,
                twin.default,
                twin.annotation,
            ), f"{path}.{name}({param.name})"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("path", "sync_resource", "async_resource"), PAIRS, ids=[p for p, _, _ in PAIRS])
def test_raw_and_streaming_variants_wrap_every_method_with_its_signature(
    path: str, sync_resource: Any, async_resource: Any, variant: str
) -> None:
    for resource in (sync_resource, async_resource):
        expected = http_methods(resource)
        wrapped = {name: value for name, value in vars(getattr(resource, variant)).items() if callable(value)}
        assert wrapped.keys() == expected.keys(), (path, variant)
        for name, method in wrapped.items():
            assert inspect.signature(method).parameters == inspect.signature(expected[name]).parameters
