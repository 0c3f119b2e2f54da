"""The backend's HTTP surface: OpenAI's v1 assistant-files REST contract as a Starlette app.

Routes (all JSON, all errors in OpenAI's envelope, every response with ``x-request-id``):

* ``GET|POST /v1/assistants/{assistant_id}/files`` and
  ``GET|DELETE /v1/assistants/{assistant_id}/files/{file_id}``: the contract endpoints.
* ``POST|GET /v1/assistants``, ``GET /v1/assistants/{assistant_id}``: assistants.
* ``POST|GET /v1/files``, ``GET /v1/files/{file_id}``: file uploads (multipart ``file`` +
  ``purpose``) and their metadata.
* ``GET /healthz``: liveness, never authenticated.

Every ``/v1/assistants`` route requires ``OpenAI-Beta: assistants=v1``, as v1 did. Store calls
run in worker threads so the event loop never blocks on SQLite.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import anyio.to_thread
from starlette.applications import Starlette
from starlette.convertors import register_url_convertor
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..bearer import BearerAuth
from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT
from .errors import InvalidRequest, PayloadTooLarge, StoreError
from .middleware import RawPathRouting, RequestId, SegmentConvertor, error_response
from .pagination import check_page_args
from .store import Store
from .validation import assistant_spec, attach_file_id, check_purpose

__all__ = ["MAX_JSON_BYTES", "MAX_UPLOAD_BYTES", "create_app"]

#: Largest JSON body accepted by the create endpoints.
MAX_JSON_BYTES = 1024 * 1024
#: Largest file accepted by ``POST /v1/files`` (v1's limit).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024

_T = TypeVar("_T")
_Handler = Callable[[Request], Awaitable[Response]]
_LIMIT = re.compile(r"[0-9]{1,6}")
_BETA_MISSING = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
    "Please try again by setting the header 'OpenAI-Beta: assistants=v1'."
)


def create_app(store: Store, *, api_keys: Sequence[str] = ()) -> Starlette:
    """Build the ASGI app serving ``store``; with ``api_keys``, ``/v1`` needs one as a bearer key.

    The app does not own the store: close it yourself after the app stops.
    """

    async def call(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    @_assistants_api
    async def list_attachments(request: Request) -> Response:
        page = _page_args(request)
        return JSONResponse(await call(store.list_attachments, request.path_params["assistant_id"], **page))

    @_assistants_api
    async def create_attachment(request: Request) -> Response:
        file_id = attach_file_id(await _json_body(request))
        return JSONResponse(await call(store.attach, request.path_params["assistant_id"], file_id))

    @_assistants_api
    async def get_attachment(request: Request) -> Response:
        params = request.path_params
        return JSONResponse(await call(store.get_attachment, params["assistant_id"], params["file_id"]))

    @_assistants_api
    async def delete_attachment(request: Request) -> Response:
        params = request.path_params
        return JSONResponse(await call(store.detach, params["assistant_id"], params["file_id"]))

    @_assistants_api
    async def create_assistant(request: Request) -> Response:
        spec = assistant_spec(await _json_body(request))
        return JSONResponse(await call(store.create_assistant_from, spec))

    @_assistants_api
    async def get_assistant(request: Request) -> Response:
        return JSONResponse(await call(store.get_assistant, request.path_params["assistant_id"]))

    @_assistants_api
    async def list_assistants(request: Request) -> Response:
        return JSONResponse(await call(store.list_assistants, **_page_args(request)))

    async def create_file(request: Request) -> Response:
        filename, data, purpose = await _upload(request)
        return JSONResponse(await call(store.create_file, filename, data, purpose))

    async def get_file(request: Request) -> Response:
        return JSONResponse(await call(store.get_file, request.path_params["file_id"]))

    async def list_files(request: Request) -> Response:
        purpose = request.query_params.get("purpose")
        return JSONResponse(await call(store.list_files, purpose=purpose))

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    # ``{name:segment}``: one percent-encoded path segment (see ``RawPathRouting``).
    register_url_convertor("segment", SegmentConvertor())
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/v1/assistants", list_assistants, methods=["GET"]),
        Route("/v1/assistants", create_assistant, methods=["POST"]),
        Route("/v1/assistants/{assistant_id:segment}", get_assistant, methods=["GET"]),
        Route("/v1/assistants/{assistant_id:segment}/files", list_attachments, methods=["GET"]),
        Route("/v1/assistants/{assistant_id:segment}/files", create_attachment, methods=["POST"]),
        Route(
            "/v1/assistants/{assistant_id:segment}/files/{file_id:segment}", get_attachment, methods=["GET"]
        ),
        Route(
            "/v1/assistants/{assistant_id:segment}/files/{file_id:segment}",
            delete_attachment,
            methods=["DELETE"],
        ),
        Route("/v1/files", list_files, methods=["GET"]),
        Route("/v1/files", create_file, methods=["POST"]),
        Route("/v1/files/{file_id:segment}", get_file, methods=["GET"]),
    ]
    middleware = [Middleware(RawPathRouting), Middleware(RequestId)]
    if api_keys:
        middleware.append(
            Middleware(BearerAuth, tokens=list(api_keys), reject=_unauthorized, protects=_is_api_path)
        )
    app = Starlette(
        routes=_merge_methods(routes),
        middleware=middleware,
        exception_handlers={StoreError: _store_error, HTTPException: _http_error},
    )
    # A trailing slash is part of an id (sent as %2F) or a mistake: never redirect elsewhere.
    app.router.redirect_slashes = False
    return app


def _merge_methods(routes: list[Route]) -> list[Route]:
    """One route per path, dispatching on method, so a wrong method is a 405 and not a 404."""
    by_path: dict[str, dict[str, _Handler]] = {}
    for route in routes:
        for method in route.methods or ():
            if method != "HEAD":
                by_path.setdefault(route.path, {})[method] = route.endpoint

    def dispatcher(handlers: dict[str, _Handler]) -> _Handler:
        async def dispatch(request: Request) -> Response:
            # Starlette routes HEAD here only when the path has a GET.
            handler = handlers.get(request.method) or handlers["GET"]
            return await handler(request)

        return dispatch

    return [Route(path, dispatcher(handlers), methods=list(handlers)) for path, handlers in by_path.items()]


def _assistants_api(handler: _Handler) -> _Handler:
    """Require ``OpenAI-Beta: assistants=v1`` before running ``handler``."""

    @functools.wraps(handler)
    async def checked(request: Request) -> Response:
        beta = request.headers.get("openai-beta")
        if beta is None:
            raise InvalidRequest(_BETA_MISSING)
        if "assistants=v1" not in (part.strip() for part in beta.split(",")):
            raise InvalidRequest(
                f"Invalid 'OpenAI-Beta' header {beta!r}: this backend serves the v1 Assistants API; "
                "send 'OpenAI-Beta: assistants=v1'."
            )
        return await handler(request)

    return checked


def _page_args(request: Request) -> dict[str, Any]:
    query = request.query_params
    limit_text = query.get("limit", str(DEFAULT_PAGE_LIMIT))
    limit, order = check_page_args(
        int(limit_text) if _LIMIT.fullmatch(limit_text) else limit_text, query.get("order", DEFAULT_ORDER)
    )
    return {
        "limit": limit,
        "order": order,
        "after": query.get("after"),
        "before": query.get("before"),
    }


async def _json_body(request: Request) -> object:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"The request body is larger than {MAX_JSON_BYTES} bytes.")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, RecursionError) as err:
        raise InvalidRequest(
            "We could not parse the JSON body of your request. The API expects a JSON object "
            "with Content-Type: application/json."
        ) from err


async def _upload(request: Request) -> tuple[str, bytes, str]:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 64 * 1024:
        raise PayloadTooLarge(f"Files may be at most {MAX_UPLOAD_BYTES} bytes.", param="file")
    form = await request.form(max_files=1, max_fields=8)
    upload, purpose = form.get("file"), form.get("purpose")
    try:
        if not isinstance(upload, UploadFile):
            raise InvalidRequest("Missing required parameter: 'file' (a multipart file field).", param="file")
        if purpose is None:
            raise InvalidRequest("Missing required parameter: 'purpose'.", param="purpose")
        data = await upload.read()
        if len(data) > MAX_UPLOAD_BYTES:
            raise PayloadTooLarge(f"Files may be at most {MAX_UPLOAD_BYTES} bytes.", param="file")
        return upload.filename or "upload", data, check_purpose(purpose)
    finally:
        await form.close()


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
