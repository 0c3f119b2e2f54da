"""Fixtures for the backend tests: an in-process app on a fresh store, SQLite (in memory) and
PostgreSQL (a schema of its own; skipped, saying how to run them, without a server)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from mcp_assistant_files.backend import Ingestor, Store, create_app
from tests.contract.schema import V1, VECTOR_STORES, Contract
from tests.stores import KINDS, Kind, open_kind

BASE_URL = "http://backend.test/v1"
BETA = {"OpenAI-Beta": "assistants=v1"}

_VS = r"/v1/vector_stores/[^/]+"
_OPERATIONS: list[tuple[str, str, str, Contract]] = [
    ("GET", r"/v1/assistants/[^/]+/files", "listAssistantFiles", V1),
    ("POST", r"/v1/assistants/[^/]+/files", "createAssistantFile", V1),
    ("GET", r"/v1/assistants/[^/]+/files/[^/]+", "getAssistantFile", V1),
    ("DELETE", r"/v1/assistants/[^/]+/files/[^/]+", "deleteAssistantFile", V1),
    ("GET", r"/v1/vector_stores", "listVectorStores", VECTOR_STORES),
    ("POST", r"/v1/vector_stores", "createVectorStore", VECTOR_STORES),
    ("GET", _VS, "getVectorStore", VECTOR_STORES),
    ("POST", _VS, "modifyVectorStore", VECTOR_STORES),
    ("DELETE", _VS, "deleteVectorStore", VECTOR_STORES),
    ("GET", _VS + "/files", "listVectorStoreFiles", VECTOR_STORES),
    ("POST", _VS + "/files", "createVectorStoreFile", VECTOR_STORES),
    ("GET", _VS + "/files/[^/]+", "getVectorStoreFile", VECTOR_STORES),
    ("POST", _VS + "/files/[^/]+", "updateVectorStoreFileAttributes", VECTOR_STORES),
    ("DELETE", _VS + "/files/[^/]+", "deleteVectorStoreFile", VECTOR_STORES),
    ("GET", _VS + "/files/[^/]+/content", "retrieveVectorStoreFileContent", VECTOR_STORES),
    ("POST", _VS + "/file_batches", "createVectorStoreFileBatch", VECTOR_STORES),
    ("GET", _VS + "/file_batches/[^/]+", "getVectorStoreFileBatch", VECTOR_STORES),
    ("POST", _VS + "/file_batches/[^/]+/cancel", "cancelVectorStoreFileBatch", VECTOR_STORES),
    ("GET", _VS + "/file_batches/[^/]+/files", "listFilesInVectorStoreBatch", VECTOR_STORES),
    ("GET", r"/v1/files", "listFiles", VECTOR_STORES),
    ("POST", r"/v1/files", "createFile", VECTOR_STORES),
    ("GET", r"/v1/files/[^/]+", "retrieveFile", VECTOR_STORES),
]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    """Which store the test runs on: ``sqlite`` and ``postgres``."""
    value: Kind = request.param
    return value


@pytest.fixture
def store(kind: Kind) -> Iterator[Store]:
    """A fresh store with the default cap (SQLite in memory, or a PostgreSQL schema)."""
    with open_kind(kind) as opened:
        yield opened


@asynccontextmanager
async def app_client(store: Store, **headers: str) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client for ``create_app(store)`` over ``ASGITransport``, its lifespan run around it."""
    async with client_of(create_app(store), headers=headers) as http:
        yield http


@asynccontextmanager
async def client_of(
    app: Starlette, *, base_url: str = BASE_URL, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client for ``app`` over ``ASGITransport``, its lifespan run around it (the lifespan
    closes the app's PostgreSQL pool before the test's event loop ends)."""
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=base_url, headers=headers) as http:
            yield http


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client for the app over ``ASGITransport``, sending the v1 beta header."""
    async with app_client(store, **BETA) as http:
        yield http


@pytest.fixture
async def http(store: Store) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client for the app over ``ASGITransport``, with no ``OpenAI-Beta`` header."""
    async with app_client(store) as opened:
        yield opened


def check_contract(response: httpx2.Response) -> None:
    """Validate a response: errors against ``ErrorResponse``, successes against their operation."""
    if response.is_error:
        V1.validate("ErrorResponse", response.json())
        return
    path = response.request.url.path
    for method, pattern, operation, contract in _OPERATIONS:
        if response.request.method == method and re.fullmatch(pattern, path):
            schema = contract.response_schema(operation)
            assert schema is not None
            contract.validate(schema, response.json())
            return


def ok(response: httpx2.Response) -> Any:
    """The JSON of a 200 response, checked against the contract."""
    assert response.status_code == 200, response.text
    check_contract(response)
    return response.json()


def ingest(store: Store) -> int:
    """Ingest every pending vector-store file now; how many outcomes were recorded."""
    return Ingestor(store).process_pending()


async def new_assistant(client: httpx2.AsyncClient, name: str = "test") -> str:
    """Create an assistant and return its id."""
    response = await client.post("/assistants", json={"name": name})
    assert response.status_code == 200, response.text
    assistant_id: str = response.json()["id"]
    return assistant_id


async def upload(
    client: httpx2.AsyncClient, *, purpose: str = "assistants", data: bytes = b"hello", name: str = "a.txt"
) -> str:
    """Upload a file and return its id."""
    response = await client.post("/files", files={"file": (name, data)}, data={"purpose": purpose})
    assert response.status_code == 200, response.text
    file_id: str = response.json()["id"]
    return file_id


async def new_vector_store(http: httpx2.AsyncClient, **body: Any) -> str:
    """Create a vector store and return its id."""
    vector_store_id: str = ok(await http.post("/vector_stores", json=body))["id"]
    return vector_store_id


def error_of(response: httpx2.Response, status: int) -> dict[str, Any]:
    """The error object of a ``status`` response, checked to be OpenAI's envelope."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert response.headers["x-request-id"].startswith("req_")
    return error
