"""The request as :mod:`.aio_transport` hands it to aiohttp, held to what h11 sends.

aiohttp sends what it is given (a header value re-encoded, a body cut at or short of its
``Content-Length``) where h11, under httpx2's own transport, refused. Here a request is refused
as h11 would refuse it, with ``httpx2.LocalProtocolError`` and h11's words, before anything is
sent or, for a streamed body, before any byte beyond its declared length.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Protocol

import httpx2
from multidict import CIMultiDict

__all__ = ["TOO_LITTLE", "TOO_MUCH", "Failing", "Upload", "checked_headers", "declared_length"]

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(rb"(?:[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*)?")  # h11's field-value
_LENGTH = re.compile(r"[0-9]{1,20}")
"""A ``Content-Length`` value h11 sends (it refuses more than 20 digits)."""
TOO_MUCH = "Too much data for declared Content-Length"
TOO_LITTLE = "Too little data for declared Content-Length"


def checked_headers(request: httpx2.Request) -> CIMultiDict[str]:
    """The request's headers for aiohttp, refused as h11 would refuse them (and a value that is
    not UTF-8, which aiohttp could not send as it is)."""
    headers: CIMultiDict[str] = CIMultiDict()
    for raw_name, raw_value in request.headers.raw:
        try:
            value = raw_value.decode("utf-8")  # what aiohttp encodes it back with
        except UnicodeDecodeError:
            value = "\x00"  # refused below
        if not _TOKEN.fullmatch(raw_name) or not _VALUE.fullmatch(value.encode("utf-8")):
            raise httpx2.LocalProtocolError(
                f"Illegal header {raw_name.decode('latin-1').lower()!r}: a name must be a token, and a value "
                "UTF-8 text with no control character and no space at either end",
                request=request,
            )
        name = raw_name.decode("ascii")
        if name.lower() != "transfer-encoding":  # aiohttp frames a body of unknown length itself
            headers.add(name, value)
    return headers


def declared_length(request: httpx2.Request, headers: CIMultiDict[str]) -> int | None:
    """The request's ``Content-Length`` as h11 reads it (every value, comma-separated values too,
    must be the same run of ASCII digits, at most 20), left in ``headers`` once; ``None`` if absent."""
    values = request.headers.get_list("content-length", split_commas=True)
    if not values:
        return None
    found = {value.strip() for value in values}
    if len(found) != 1:
        raise httpx2.LocalProtocolError("conflicting Content-Length headers", request=request)
    value = found.pop()
    if not _LENGTH.fullmatch(value):
        raise httpx2.LocalProtocolError("bad Content-Length", request=request)
    headers["Content-Length"] = value  # one header, whatever was repeated (aiohttp reads the first)
    return int(value)


class Upload:
    """A streamed request body for aiohttp, keeping the exception the body itself raised, and
    holding it to the ``Content-Length`` it declared (aiohttp sent a longer body cut short, and a
    shorter one as it was, leaving the upstream waiting for the rest): a body of another length
    is ``LocalProtocolError``, with h11's words, before any byte beyond the declared length."""

    def __init__(self, stream: httpx2.AsyncByteStream, request: httpx2.Request, declared: int | None) -> None:
        self._stream = stream
        self._request = request
        self._declared = declared
        self.error: Exception | None = None
        self.answer: Failing | None = None  # the answer's body, once the upstream has answered

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        try:
            async for chunk in self._stream:
                sent += len(chunk)
                if self._declared is not None and sent > self._declared:
                    raise httpx2.LocalProtocolError(TOO_MUCH, request=self._request)
                yield chunk
            if self._declared is not None and sent < self._declared:
                raise httpx2.LocalProtocolError(TOO_LITTLE, request=self._request)
        except Exception as err:
            self.error = err
            if self.answer is not None:  # aiohttp would leave its read waiting, with no timeout
                self.answer.fail("the request's body failed")
            raise


class Failing(Protocol):
    """A response body a failed upload must end (aiohttp would leave its read waiting)."""

    def fail(self, why: str) -> None: ...
