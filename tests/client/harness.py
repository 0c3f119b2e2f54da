"""Run the same client test against the sync and the async client, at the transport.

``Harness`` drives ``AssistantsClient`` / ``AsyncAssistantsClient`` (``client.files``);
``OpenAIHarness`` drives ``OpenAIClient`` / ``AsyncOpenAIClient`` by dotted resource path
(``h.call("vector_stores.files.create", ...)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

import anyio
import httpx2

from mcp_assistant_files import AssistantsClient, AsyncAssistantsClient, AsyncOpenAIClient, OpenAIClient

Kind = Literal["sync", "async"]
KINDS: tuple[Kind, ...] = ("sync", "async")
BASE_URL = "http://upstream.test/v1"
API_KEY = "sk-test-0123456789abcdef"

Handler = Callable[[httpx2.Request], httpx2.Response]


def file_json(
    file_id: str = "file-abc123", assistant_id: str = "asst_abc123", created_at: int = 1699055364
) -> dict[str, Any]:
    return {"id": file_id, "object": "assistant.file", "created_at": created_at, "assistant_id": assistant_id}


def page_json(ids: list[str], *, has_more: bool, assistant_id: str = "asst_abc123") -> dict[str, Any]:
    return {
        "object": "list",
        "data": [file_json(i, assistant_id) for i in ids],
        "first_id": ids[0] if ids else None,
        "last_id": ids[-1] if ids else None,
        "has_more": has_more,
    }


def error_json(
    message: str, *, type_: str = "invalid_request_error", param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _mock_http(kind: Kind, handler: Handler, requests: list[httpx2.Request]) -> Any:
    def record(request: httpx2.Request) -> httpx2.Response:
        request.read()
        requests.append(request)
        return handler(request)

    transport = httpx2.MockTransport(record)
    return httpx2.Client(transport=transport) if kind == "sync" else httpx2.AsyncClient(transport=transport)


class Harness:
    """One client of ``kind`` over a ``MockTransport``; records every request it sends."""

    def __init__(self, kind: Kind, handler: Handler, **client_kwargs: Any) -> None:
        self.kind = kind
        self.requests: list[httpx2.Request] = []
        client_kwargs.setdefault("base_url", BASE_URL)
        client_kwargs.setdefault("api_key", API_KEY)
        http = _mock_http(kind, handler, self.requests)
        self.client: AssistantsClient | AsyncAssistantsClient
        if kind == "sync":
            self.client = AssistantsClient(http_client=http, **client_kwargs)
        else:
            self.client = AsyncAssistantsClient(http_client=http, **client_kwargs)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``client.files.<method>(...)``, awaited for the async client."""
        return self._run(getattr(self.client.files, method), *args, **kwargs)

    def raw(self, method: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """``with_raw_response.<method>``: (response, parsed)."""
        fn = getattr(self.client.files.with_raw_response, method)
        if self.kind == "sync":
            response = fn(*args, **kwargs)
            return response, response.parse()

        async def go() -> tuple[Any, Any]:
            response = await fn(*args, **kwargs)
            return response, await response.parse()

        return anyio.run(go)

    def list_ids(self, *args: Any, **kwargs: Any) -> list[str]:
        """Every id auto-pagination yields."""
        client = self.client
        if isinstance(client, AssistantsClient):
            return [f.id for f in client.files.list(*args, **kwargs)]

        async def go() -> list[str]:
            assert isinstance(client, AsyncAssistantsClient)
            return [f.id async for f in client.files.list(*args, **kwargs)]

        return anyio.run(go)

    def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.kind == "sync":
            return fn(*args, **kwargs)

        async def go() -> Any:
            return await fn(*args, **kwargs)

        return anyio.run(go)

    @property
    def last(self) -> httpx2.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


class OpenAIHarness:
    """One ``OpenAIClient`` (or ``AsyncOpenAIClient``) over a ``MockTransport``, driven by path."""

    def __init__(self, kind: Kind, handler: Handler, **client_kwargs: Any) -> None:
        self.kind = kind
        self.requests: list[httpx2.Request] = []
        client_kwargs.setdefault("base_url", BASE_URL)
        client_kwargs.setdefault("api_key", API_KEY)
        http = _mock_http(kind, handler, self.requests)
        self.client: OpenAIClient | AsyncOpenAIClient
        if kind == "sync":
            self.client = OpenAIClient(http_client=http, **client_kwargs)
        else:
            self.client = AsyncOpenAIClient(http_client=http, **client_kwargs)

    def resource(self, path: str) -> Any:
        """``client.<path>``: ``"vector_stores.files"``."""
        found: Any = self.client
        for name in path.split("."):
            found = getattr(found, name)
        return found

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``client.<method>(...)`` (``"vector_stores.create"``), awaited for the async client."""
        fn = self.resource(method)
        if self.kind == "sync":
            return fn(*args, **kwargs)

        async def go() -> Any:
            return await fn(*args, **kwargs)

        return anyio.run(go)

    def raw(self, method: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """``with_raw_response`` of ``method``: (response, parsed)."""
        where, _, name = method.rpartition(".")
        fn = getattr(self.resource(where).with_raw_response, name)
        if self.kind == "sync":
            response = fn(*args, **kwargs)
            return response, response.parse()

        async def go() -> tuple[Any, Any]:
            response = await fn(*args, **kwargs)
            return response, await response.parse()

        return anyio.run(go)

    def streamed(self, method: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """``with_streaming_response`` of ``method``: (response, parsed), read inside the block."""
        where, _, name = method.rpartition(".")
        fn = getattr(self.resource(where).with_streaming_response, name)
        if self.kind == "sync":
            with fn(*args, **kwargs) as response:
                return response, response.parse()

        async def go() -> tuple[Any, Any]:
            async with fn(*args, **kwargs) as response:
                return response, await response.parse()

        return anyio.run(go)

    def items(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Every item that iterating ``method(...)`` yields (``for`` / ``async for``)."""
        fn = self.resource(method)
        if self.kind == "sync":
            return list(fn(*args, **kwargs))

        async def go() -> list[Any]:
            return [item async for item in fn(*args, **kwargs)]

        return anyio.run(go)

    @property
    def last(self) -> httpx2.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)
