"""The backend's HTTP surface as a Starlette app: the v1 assistant-files routes (here), the
Files API (:mod:`.file_routes`) and the vector-store API (:mod:`.vector_store_routes`).

Routes (all JSON but file content, all errors in OpenAI's envelope, every response with
``x-request-id``):

* ``GET|POST /v1/assistants/{assistant_id}/files`` and
  ``GET|DELETE /v1/assistants/{assistant_id}/files/{file_id}``: the v1 contract endpoints;
  ``POST|GET /v1/assistants``, ``GET /v1/assistants/{assistant_id}``: assistants. Every
  ``/v1/assistants`` route requires ``OpenAI-Beta: assistants=v1``, as v1 did.
* ``/v1/files...`` and ``/v1/vector_stores...``: see their modules; no beta header required.
* ``GET /healthz``: readiness, never authenticated: 200 while the database answers, else 503.

Served on a network (``mcp-assistant-files backend``), the app is given an ``allowlist``: a
request naming a foreign ``Host`` gets 421, one from a foreign ``Origin`` 403, both in OpenAI's
error envelope and before anything else, so a web page can neither write into a backend on
this machine nor read from it through DNS rebinding (:mod:`..web.guard`). In-process use needs
none.

The app awaits the store's async view (:class:`~.store.AsyncStore`): on SQLite indexed reads
run on the event loop and writes in a worker thread; on PostgreSQL everything is async on the
app's own pool. The lifespan closes that view (draining the pool) and runs the ``ingestor``
if one is given (uvicorn runs lifespans; ``httpx2.ASGITransport`` does not: enter
``app.router.lifespan_context(app)`` yourself, see :mod:`.ingestion`).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import orjson
from starlette.applications import Starlette
from starlette.convertors import register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..bearer import BearerAuth
from ..web.guard import Allowlist, Cors, HttpGuard
from .errors import DatabaseUnavailable, InvalidRequest, StoreError
from .file_routes import MAX_UPLOAD_BYTES, file_routes
from .ingestion import Ingestor
from .middleware import RawPathRouting, RequestId, SegmentConvertor, error_response
from .responses import JSONResponse
from .routing import Handler, SegmentRouter, json_body, merge_methods, page_args
from .store import AsyncStore, Store
from .validation import assistant_spec, attach_file_id
from .vector_store_routes import vector_store_routes

__all__ = ["create_app"]

_BETA_MISSING = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
    "Please try again by setting the header 'OpenAI-Beta: assistants=v1'."
)


def create_app(
    store: Store,
    *,
    api_keys: Sequence[str] = (),
    ingestor: Ingestor | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    allowlist: Allowlist | None = None,
) -> Starlette:
    """Build the ASGI app serving ``store``; with ``api_keys``, ``/v1`` needs one as a bearer key.

    The app does not own the store: close it yourself after the app stops (the app closes its
    async view of it). ``ingestor`` (on the same store) runs for the app's lifespan. Uploads may
    be at most ``max_upload_bytes``. With ``allowlist``, only its hosts and origins are answered.
    """
    # ``{name:segment}``: one percent-encoded path segment (see ``RawPathRouting``).
    register_url_convertor("segment", SegmentConvertor())
    backend = store.aio()

    async def healthz(request: Request) -> Response:
        try:
            await backend.healthy()
        except DatabaseUnavailable as err:
            return JSONResponse({"status": "unavailable", "reason": err.message}, status_code=503)
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        *_assistant_routes(backend),
        *file_routes(backend, max_upload_bytes=max_upload_bytes),
        *vector_store_routes(backend),
    ]
    middleware = [Middleware(RawPathRouting), Middleware(RequestId)]
    if allowlist is not None:  # before anything but the request id (so a refusal has one too)
        guard = Middleware(HttpGuard, allowlist=allowlist, cors=CORS, exempt=["/healthz"], refusal=_refused)
        middleware.append(guard)
    if api_keys:
        middleware.append(
            Middleware(BearerAuth, tokens=list(api_keys), reject=_unauthorized, protects=_is_api_path)
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            if ingestor is None:
                yield
                return
            async with ingestor.running():
                yield
        finally:
            await backend.aclose()

    app = Starlette(
        middleware=middleware, exception_handlers={StoreError: _store_error, HTTPException: _http_error}
    )
    # A trailing slash is part of an id (sent as %2F) or a mistake: never redirect elsewhere.
    app.router = SegmentRouter(merge_methods(routes), redirect_slashes=False, lifespan=lifespan)
    return app


def _assistant_routes(store: AsyncStore) -> list[Route]:
    @_assistants_api
    async def list_attachments(request: Request) -> Response:
        page = page_args(request)
        body = await store.list_attachments_json(request.path_params["assistant_id"], **page)
        return JSONResponse(orjson.Fragment(body))

    @_assistants_api
    async def create_attachment(request: Request) -> Response:
        file_id = attach_file_id(await json_body(request))
        return JSONResponse(await store.attach(request.path_params["assistant_id"], file_id))

    @_assistants_api
    async def get_attachment(request: Request) -> Response:
        params = request.path_params
        return JSONResponse(await store.get_attachment(params["assistant_id"], params["file_id"]))

    @_assistants_api
    async def delete_attachment(request: Request) -> Response:
        params = request.path_params
        return JSONResponse(await store.detach(params["assistant_id"], params["file_id"]))

    @_assistants_api
    async def create_assistant(request: Request) -> Response:
        spec = assistant_spec(await json_body(request))
        return JSONResponse(await store.create_assistant_from(spec))

    @_assistants_api
    async def get_assistant(request: Request) -> Response:
        return JSONResponse(await store.get_assistant(request.path_params["assistant_id"]))

    @_assistants_api
    async def list_assistants(request: Request) -> Response:
        return JSONResponse(await store.list_assistants(**page_args(request)))

    assistant = "/v1/assistants/{assistant_id:segment}"
    return [
        Route("/v1/assistants", list_assistants, methods=["GET"]),
        Route("/v1/assistants", create_assistant, methods=["POST"]),
        Route(assistant, get_assistant, methods=["GET"]),
        Route(assistant + "/files", list_attachments, methods=["GET"]),
        Route(assistant + "/files", create_attachment, methods=["POST"]),
        Route(assistant + "/files/{file_id:segment}", get_attachment, methods=["GET"]),
        Route(assistant + "/files/{file_id:segment}", delete_attachment, methods=["DELETE"]),
    ]


def _assistants_api(handler: Handler) -> Handler:
    """Require ``OpenAI-Beta: assistants=v1`` before running ``handler``."""

    @functools.wraps(handler)
    async def checked(request: Request) -> Response:
        beta = _first_header(request, b"openai-beta")
        if beta is None:
            raise InvalidRequest(_BETA_MISSING)
        if "assistants=v1" not in (part.strip() for part in beta.split(",")):
            raise InvalidRequest(
                f"Invalid 'OpenAI-Beta' header {beta!r}: this backend serves the v1 Assistants API; "
                "send 'OpenAI-Beta: assistants=v1'."
            )
        return await handler(request)

    return checked


def _first_header(request: Request, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case), as ``request.headers.get`` gives it,
    without building Starlette's ``Headers`` on every request."""
    for key, value in request.scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


CORS = Cors(
    methods="GET, POST, DELETE",
    headers=(
        "Authorization",
        "Content-Type",
        "Accept",
        "OpenAI-Beta",
        "OpenAI-Organization",
        "OpenAI-Project",
    ),
    exposed="x-request-id, openai-poll-after-ms",
    header_prefixes=("x-stainless-",),  # openai-python and openai-node describe themselves in these
)
"""What a page on an allowed origin (``--allowed-origin``) may send and read."""


def _refused(status: int, header: str, value: str) -> Response:
    flag = f"--allowed-{header.lower()}"
    return error_response(
        status,
        f"This backend does not answer requests with {header} {value[:100]!r}: reach it by an allowed "
        f"name, or start it with {flag} {value[:100]}.",
    )


def _is_api_path(path: str) -> bool:
    return path.startswith("/v1")


def _unauthorized(key_sent: bool) -> Response:
    if not key_sent:
        return error_response(
            401,
            "You didn't provide an API key. Send it in an Authorization header using Bearer "
            "auth (Authorization: Bearer YOUR_KEY).",
            headers={"www-authenticate": "Bearer"},
        )
    return error_response(
        401,
        "Incorrect API key provided. Check the key given to this backend with --api-key.",
        code="invalid_api_key",
        headers={"www-authenticate": "Bearer"},
    )


async def _store_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoreError)
    return error_response(exc.status, exc.message, type=exc.type, param=exc.param, code=exc.code)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    target = f"{request.method} {request.url.path}"
    if exc.status_code == 404:
        message = f"Invalid URL ({target})."
    elif exc.status_code == 405:
        message = f"Method not allowed ({target}); allowed: {(exc.headers or {}).get('Allow', '')}."
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, message, headers=dict(exc.headers or {}))
