"""The Files API: ``POST|GET /v1/files``, ``GET|DELETE /v1/files/{file_id}`` and
``GET /v1/files/{file_id}/content``.

Uploads are streamed: the multipart body is counted as it arrives and refused (413) as soon as it
passes the limit, Content-Length or not (chunked uploads included); the file part goes to a
temporary file (at most 1 MiB of it in memory), then into the database in 1 MiB pieces. Content
is streamed back the same way, one short read per piece. ``expires_after`` is refused: files are kept until deleted.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ..contract import DEFAULT_FILES_PAGE_LIMIT, MAX_FILES_PAGE_LIMIT
from .errors import InvalidRequest, PayloadTooLarge
from .responses import JSONResponse
from .routing import page_args, query_args, text_refusal
from .store import AsyncStore
from .validation import check_purpose

__all__ = ["MAX_UPLOAD_BYTES", "file_routes"]

#: Largest file accepted by ``POST /v1/files`` (OpenAI's limit).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
# Room for the form's other fields, part headers and boundaries around the file.
_FORM_OVERHEAD = 64 * 1024


def file_routes(store: AsyncStore, *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> list[Route]:
    """The routes of the Files API on ``store``; uploads may be at most ``max_upload_bytes``."""

    async def create_file(request: Request) -> Response:
        async with _upload(request, max_upload_bytes) as (upload, purpose):
            created = await store.create_file_from(
                upload.filename or "upload", upload.file, upload.size or 0, purpose
            )
        return JSONResponse(created)

    async def list_files(request: Request) -> Response:
        args = page_args(request, default_limit=DEFAULT_FILES_PAGE_LIMIT, max_limit=MAX_FILES_PAGE_LIMIT)
        purpose = query_args(request).get("purpose")
        if purpose is not None and "\x00" in purpose:
            raise InvalidRequest(
                "Invalid 'purpose': it holds a NUL character (%00), which no purpose does; "
                "send a purpose such as 'assistants'.",
                param="purpose",
            )
        listing = await store.list_files(
            purpose=purpose, limit=args["limit"], order=args["order"], after=args["after"]
        )
        return JSONResponse(listing)

    async def get_file(request: Request) -> Response:
        return JSONResponse(await store.get_file(request.path_params["file_id"]))

    async def delete_file(request: Request) -> Response:
        return JSONResponse(await store.delete_file(request.path_params["file_id"]))

    async def file_content(request: Request) -> Response:
        content = await store.file_content(request.path_params["file_id"])
        return StreamingResponse(
            store.pieces(content),
            media_type="application/octet-stream",
            headers={
                "content-length": str(content.size),
                "content-disposition": f"attachment; filename*=UTF-8''{quote(content.filename, safe='')}",
            },
        )

    return [
        Route("/v1/files", list_files, methods=["GET"]),
        Route("/v1/files", create_file, methods=["POST"]),
        Route("/v1/files/{file_id:segment}", get_file, methods=["GET"]),
        Route("/v1/files/{file_id:segment}", delete_file, methods=["DELETE"]),
        Route("/v1/files/{file_id:segment}/content", file_content, methods=["GET"]),
    ]


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Files may be at most {limit} bytes; upload a smaller file.", param="file")


async def _counted(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    """``stream``, stopped with a 413 as soon as more than ``limit`` bytes have arrived."""
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit + _FORM_OVERHEAD:
            raise _too_large(limit)
        yield chunk


@asynccontextmanager
async def _upload(request: Request, limit: int) -> AsyncIterator[tuple[UploadFile, str]]:
    """The uploaded file part and the purpose of a ``POST /v1/files``; the part is closed on exit."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidRequest(
            "Send the file as multipart/form-data with a 'file' part and a 'purpose' field.", param="file"
        )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + _FORM_OVERHEAD:
        raise _too_large(limit)
    parser = MultiPartParser(request.headers, _counted(request.stream(), limit), max_files=1, max_fields=8)
    try:
        form = await parser.parse()
    except MultiPartException as err:
        raise InvalidRequest(f"The multipart body could not be read: {err.message}", param="file") from err
    try:
        # A part's name is decoded with the charset the request names, so it may hold a lone
        # surrogate: escaped, it can be echoed in the error.
        unknown = sorted(_echoable(key) for key in form if key not in ("file", "purpose"))
        if unknown:
            expiry = "expires_after" in unknown[0]
            raise InvalidRequest(
                f"Unrecognized request argument supplied: {unknown[0]}"
                + (
                    "; this backend keeps files until deleted: upload without expires_after."
                    if expiry
                    else "."
                ),
                param=unknown[0],
            )
        upload, purpose = form.get("file"), form.get("purpose")
        if not isinstance(upload, UploadFile):
            raise InvalidRequest("Missing required parameter: 'file' (a multipart file part).", param="file")
        if purpose is None:
            raise InvalidRequest("Missing required parameter: 'purpose'.", param="purpose")
        if refusal := text_refusal("'file' (its filename)", upload.filename or ""):
            raise InvalidRequest(refusal, param="file")
        if (upload.size or 0) > limit:
            raise _too_large(limit)
        yield upload, check_purpose(purpose)
    finally:
        await form.close()


def _echoable(text: str) -> str:
    """``text`` with what UTF-8 cannot encode (lone surrogates) written as backslash escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
