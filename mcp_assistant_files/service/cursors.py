"""Signed, opaque continuation cursors for every listing tool.

The upstream list APIs page with raw object ids (``after=file-abc`` / ``before=file-abc``).
Handing those ids to an agent invites guessing: agents invent ``"null"`` or ``"start"``,
reuse a cursor with another assistant, vector store or filter, or the opposite ``order``, or
splice ids together. So a listing tool hands out one opaque token per page instead, and this
module turns it back into the upstream ``after``/``before`` id only if this server issued it
for *this* listing (a :class:`Listing`: the tool, and the scope it lists, such as one
assistant, or one vector store with one status filter).

Wire format (version 2), base64url without padding, 64 characters for a typical
``file-`` + 24 character id and under 120 for ids up to :data:`MAX_FILE_ID_BYTES`::

    offset  size  field
    0       1     version (0x02)
    1       1     flags: bit 0 direction (0 after, 1 before); bit 1 order (0 asc, 1 desc);
                  bit 2 the ``file-`` prefix was stripped from the id
    2       4     issued-at, Unix seconds, unsigned big-endian
    6       6     listing tag: HMAC-SHA256(listing key, tool NUL scope), truncated
    12      n     boundary file id, UTF-8 (without ``file-`` when bit 2 is set)
    12+n    12    MAC: HMAC-SHA256(MAC key, bytes 0 .. 12+n), truncated to 96 bits

Why this shape:

* The MAC is checked first, over everything, so any altered, truncated or foreign-secret
  token is rejected before a single field is trusted. Base64 is decoded strictly and must
  re-encode to the exact input, so no two strings map to one valid token.
* The listing (tool *and* scope) is bound through a keyed 48-bit tag inside the authenticated
  payload rather than in full (which would double the length). Because the tag sits *inside*
  the MAC'd bytes, an authentic cursor for another listing is told apart from a tampered one,
  and an attacker without the secret can neither forge nor retarget a tag. The tool is part of
  the tag because scopes of different tools can be spelled alike (``list_vector_stores`` has
  the scope ``vector-stores``, which is also a valid assistant id).
* Version 1 tagged the scope alone. Its cursors (short-lived: one TTL) are still accepted by
  ``list_assistant_files`` only, the one tool whose v1 scope (the bare assistant id) cannot be
  another tool's: the other tools' v1 scopes hold a NUL or are ``vector-stores``, and for that
  assistant id version 1 is refused (:attr:`Listing.accepts_v1`).
* Order and direction are in the flags, so a cursor cannot be replayed with the opposite sort
  (the upstream would silently return a different slice).
* Cursors expire after ``ttl_seconds`` (24 h by default), allowing ``max_clock_skew_seconds``
  of skew between replicas that share a secret; an authentic cursor dated further ahead is
  refused as ``issued_ahead``, a sentence that names the clocks, not expiry. Nothing is stored
  server-side.
* Opaque means "not meant to be parsed", not secret: the id is signed, not encrypted, and
  base64 hides nothing from a determined reader. Nothing in a cursor is confidential.
* Two keys are derived from the one server secret (domain separation), so the listing tag
  can never be confused with a MAC.

Decoding failures raise :class:`InvalidCursorError`, a ``ValueError`` whose message tells the
agent what to do next; its :attr:`~InvalidCursorError.reason` lets the server log or count them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import struct
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from ..contract import Order
from ..redaction import REDACTED

__all__ = [
    "DEFAULT_TTL_SECONDS",
    "MAX_FILE_ID_BYTES",
    "CursorCodec",
    "CursorPosition",
    "Direction",
    "InvalidCursorError",
    "InvalidCursorReason",
    "Listing",
    "is_placeholder",
]

Direction = Literal["after", "before"]
InvalidCursorReason = Literal["malformed", "expired", "issued_ahead", "foreign_listing", "order_mismatch"]

DEFAULT_TTL_SECONDS: Final = 24 * 60 * 60
DEFAULT_MAX_CLOCK_SKEW_SECONDS: Final = 5 * 60

_VERSION: Final = 2
_V1: Final = 1
_HEADER: Final = struct.Struct(">BBI6s")
_LISTING_TAG_BYTES: Final = 6
_MAC_BYTES: Final = 12
_MAX_CURSOR_BYTES: Final = 89  # 89 bytes -> 119 base64url characters, the "< 120" budget
MAX_FILE_ID_BYTES: Final = _MAX_CURSOR_BYTES - _HEADER.size - _MAC_BYTES
"""Longest boundary id (UTF-8 bytes, after dropping a ``file-`` prefix) a cursor can carry: 65."""

_FLAG_BEFORE: Final = 0b001
_FLAG_DESC: Final = 0b010
_FLAG_FILE_PREFIX: Final = 0b100
_KNOWN_FLAGS: Final = _FLAG_BEFORE | _FLAG_DESC | _FLAG_FILE_PREFIX
_FILE_PREFIX: Final = "file-"
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]+")
_V1_VECTOR_STORES_SCOPE: Final = "vector-stores"  # list_vector_stores' scope, under cursor version 1
_PLACEHOLDERS: Final = frozenset({"", "null", "none", "0", "start", "first", "undefined"})

_MESSAGES: Final[Mapping[InvalidCursorReason, str]] = {
    "malformed": (
        "invalid cursor: it was not issued by this server (or the server has restarted with a new "
        "cursor secret) or it was altered; pass `next_cursor` exactly as returned, or {start_over}"
    ),
    "expired": "cursor expired (cursors are valid for {ttl}): {start_over}",
    "issued_ahead": (
        "cursor was issued by a server whose clock runs more than {skew} ahead of this one's (its "
        "operator should synchronize the servers' clocks): {start_over}"
    ),
    "foreign_listing": "cursor belongs to {foreign}: {start_over}{here}",
    "order_mismatch": (
        "cursor was issued for order={expected!r} but this call has order={got!r}: call "
        "{tool} again with order={expected!r} and the same cursor, or without `cursor` to start over"
    ),
}


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing a cursor can belong to: the tool that lists, and what exactly it lists.

    ``scope`` is what the cursor is bound to (an assistant id; a vector store id and a status
    filter; ...). ``foreign`` and ``here`` complete the sentence that refuses another listing's
    cursor: "cursor belongs to {foreign}: call {tool} again without `cursor` to start over{here}".
    """

    tool: str
    scope: str
    foreign: str = "another listing"
    here: str = ""
    accepts_v1: bool = False
    """Whether version 1 cursors (tagged with ``scope`` alone) are still accepted for this listing."""

    @classmethod
    def assistant_files(cls, assistant_id: str) -> Listing:
        """``list_assistant_files`` of one assistant (scope: the assistant id, as cursor version 1 had)."""
        # A v1 scope of another tool ("vector-stores", or one holding a NUL) must not pass as this one.
        v1_unambiguous = assistant_id != _V1_VECTOR_STORES_SCOPE and "\x00" not in assistant_id
        return cls(
            "list_assistant_files",
            assistant_id,
            "another assistant's file listing",
            " for this assistant",
            accepts_v1=v1_unambiguous,
        )


class InvalidCursorError(ValueError):
    """A cursor that cannot be used; the message says what the caller should do instead."""

    def __init__(self, reason: InvalidCursorReason, message: str) -> None:
        super().__init__(message)
        self.reason: InvalidCursorReason = reason
        """Machine-readable cause: ``malformed``, ``expired``, ``issued_ahead``, ``foreign_listing`` or ``order_mismatch``."""


@dataclass(frozen=True, slots=True)
class CursorPosition:
    """Where the next page starts: pass ``item_id`` to the upstream as ``after`` or ``before``."""

    direction: Direction
    item_id: str


def is_placeholder(value: str | None) -> bool:
    """Whether ``value`` is a stand-in agents send for "no cursor" (``None``, ``""``, ``"null"``, ...)."""
    return value is None or value.strip().casefold() in _PLACEHOLDERS


def _describe_ttl(seconds: int) -> str:
    count, unit = seconds, "second"
    if seconds and seconds % 3600 == 0:
        count, unit = seconds // 3600, "hour"
    elif seconds and seconds % 60 == 0:
        count, unit = seconds // 60, "minute"
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


class CursorCodec:
    """Encodes and verifies continuation cursors with one server secret."""

    __slots__ = ("_clock", "_listing_key", "_mac_key", "_max_skew", "_ttl", "_v1_listing_key")

    def __init__(
        self,
        secret: bytes,
        *,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        max_clock_skew_seconds: int = DEFAULT_MAX_CLOCK_SKEW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Create a codec.

        Args:
            secret: server key, at least 16 bytes (see :func:`.cursor_secret.secret_from_env`).
            ttl_seconds: how long a cursor stays valid after it is issued.
            max_clock_skew_seconds: tolerance for a cursor issued by a replica whose clock runs ahead.
            clock: returns Unix time in seconds; replaced in tests.
        """
        if len(secret) < 16:
            raise ValueError("cursor secret must be at least 16 bytes")
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        if max_clock_skew_seconds < 0:
            raise ValueError("max_clock_skew_seconds must not be negative")
        self._mac_key = hmac.digest(secret, b"mcp-assistant-files/cursor/v1/mac", "sha256")
        self._listing_key = hmac.digest(secret, b"mcp-assistant-files/cursor/v2/listing", "sha256")
        # Version 1's key tagged the scope alone; kept to accept its cursors where that is safe.
        self._v1_listing_key = hmac.digest(secret, b"mcp-assistant-files/cursor/v1/assistant", "sha256")
        self._ttl = ttl_seconds
        self._max_skew = max_clock_skew_seconds
        self._clock = clock

    def __repr__(self) -> str:
        return f"CursorCodec(secret={REDACTED}, ttl_seconds={self._ttl})"

    @property
    def ttl_seconds(self) -> int:
        """How long a cursor stays valid after it is issued."""
        return self._ttl

    def encode(self, listing: Listing, *, order: Order, direction: Direction, item_id: str) -> str:
        """Return the cursor that resumes ``listing`` at ``item_id``.

        Raises:
            ValueError: ``item_id`` is empty or longer than :data:`MAX_FILE_ID_BYTES` once encoded,
                or the clock is outside the years 1970-2106.
        """
        if not item_id:
            raise ValueError("item_id must not be empty")
        flags = (_FLAG_BEFORE if direction == "before" else 0) | (_FLAG_DESC if order == "desc" else 0)
        stored = item_id
        if stored.startswith(_FILE_PREFIX):
            stored = stored.removeprefix(_FILE_PREFIX)
            flags |= _FLAG_FILE_PREFIX
        id_bytes = stored.encode("utf-8")
        if len(id_bytes) > MAX_FILE_ID_BYTES:
            raise ValueError(
                f"id is {len(id_bytes)} bytes (without any 'file-' prefix); a cursor can carry at most "
                f"{MAX_FILE_ID_BYTES}"
            )
        issued_at = int(self._clock())
        if not 0 <= issued_at < 2**32:
            raise ValueError(f"clock returned {issued_at}, outside the cursor's 32-bit timestamp range")
        payload = _HEADER.pack(_VERSION, flags, issued_at, self._listing_tag(listing)) + id_bytes
        token = payload + self._mac(payload)
        return base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")

    def decode(self, cursor: str, listing: Listing, *, order: str) -> CursorPosition:
        """Verify ``cursor`` for ``listing`` and return where the next page starts.

        Raises:
            InvalidCursorError: the cursor is malformed, altered, signed with another secret,
                expired, dated ahead of this clock by more than the allowed skew, issued for
                another listing, or issued for the other ``order``; its
                message names ``listing.tool`` as the way to start over.
        """
        token = _b64decode(cursor)
        if token is None or len(token) < _HEADER.size + _MAC_BYTES:
            raise self._error("malformed", listing)
        payload, mac = token[:-_MAC_BYTES], token[-_MAC_BYTES:]
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise self._error("malformed", listing)
        # Authentic from here on: every field was written by encode() with this secret.
        version, flags, issued_at, listing_tag = _HEADER.unpack_from(payload)
        if version not in (_VERSION, _V1) or flags & ~_KNOWN_FLAGS:
            raise self._error("malformed", listing)
        if version == _V1 and not listing.accepts_v1:
            raise self._error("foreign_listing", listing)
        if not hmac.compare_digest(listing_tag, self._listing_tag(listing, version)):
            raise self._error("foreign_listing", listing)
        now = self._clock()
        if issued_at > now + self._max_skew:  # authentic, so issued by a replica (or clock) ahead
            raise self._error("issued_ahead", listing)
        if now - issued_at > self._ttl:
            raise self._error("expired", listing)
        issued_order: Order = "desc" if flags & _FLAG_DESC else "asc"
        if order != issued_order:
            raise self._error("order_mismatch", listing, expected=issued_order, got=order)
        try:
            item_id = payload[_HEADER.size :].decode("utf-8")
        except UnicodeDecodeError as err:  # unreachable for cursors encode() wrote; kept as a guard
            raise self._error("malformed", listing) from err
        if flags & _FLAG_FILE_PREFIX:
            item_id = _FILE_PREFIX + item_id
        if not item_id:
            raise self._error("malformed", listing)
        return CursorPosition(direction="before" if flags & _FLAG_BEFORE else "after", item_id=item_id)

    def _mac(self, payload: bytes) -> bytes:
        return hmac.digest(self._mac_key, payload, "sha256")[:_MAC_BYTES]

    def _listing_tag(self, listing: Listing, version: int = _VERSION) -> bytes:
        scope = listing.scope.encode("utf-8", "surrogatepass")
        if version == _V1:
            return hmac.digest(self._v1_listing_key, scope, "sha256")[:_LISTING_TAG_BYTES]
        # Tool names hold no NUL, so (tool, scope) -> bytes is one-to-one.
        tagged = listing.tool.encode("utf-8") + b"\x00" + scope
        return hmac.digest(self._listing_key, tagged, "sha256")[:_LISTING_TAG_BYTES]

    def _error(
        self, reason: InvalidCursorReason, listing: Listing, *, expected: str = "", got: str = ""
    ) -> InvalidCursorError:
        message = _MESSAGES[reason].format(
            ttl=_describe_ttl(self._ttl),
            skew=_describe_ttl(self._max_skew),
            expected=expected,
            got=got,
            tool=listing.tool,
            foreign=listing.foreign,
            here=listing.here,
            start_over=f"call {listing.tool} again without `cursor` to start over",
        )
        return InvalidCursorError(reason, f"{message}.")  # one sentence, as every error an agent reads


def _b64decode(cursor: str) -> bytes | None:
    """Strict base64url (no padding) decoding; ``None`` unless ``cursor`` is the canonical encoding."""
    if len(cursor) > 4 * _MAX_CURSOR_BYTES or not _BASE64URL.fullmatch(cursor) or len(cursor) % 4 == 1:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        return None
    # Unused low bits in the last character would otherwise give several spellings of one token.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != cursor:
        return None
    return raw
