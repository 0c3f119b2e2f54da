"""The authorization server's signing keys: found from its metadata, cached, refreshed when needed.

The key set (JWKS) is fetched when a token first needs it: from ``--auth-jwks-url``, or from the
``jwks_uri`` of the issuer's metadata (RFC 8414 / OpenID Connect Discovery, whose ``issuer`` must
be the configured one). It is fetched again once it is :data:`MAX_AGE` old, and at once when a
token names a key (``kid``) it does not hold, as after a key rotation; but for that reason at
most once per :data:`UNKNOWN_KEY_INTERVAL`, so tokens with made-up ``kid`` values cannot make us
hammer the issuer. Concurrent requests share one fetch.

If the issuer cannot be reached, keys already held are kept; with none, :class:`KeysUnavailable`
(the request gets 503, not 401: the token may be fine) and no new attempt for
:data:`RETRY_AFTER_FAILURE`. The clock is injectable for tests, as is the HTTP transport.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx2
from starlette.authentication import AuthenticationError

from .settings import check_url, metadata_urls

__all__ = [
    "MAX_AGE",
    "RETRY_AFTER_FAILURE",
    "UNKNOWN_KEY_INTERVAL",
    "KeySet",
    "KeysUnavailable",
]

logger = logging.getLogger("mcp_assistant_files.oauth")

MAX_AGE = 3600.0
UNKNOWN_KEY_INTERVAL = 30.0
RETRY_AFTER_FAILURE = 5.0
FETCH_TIMEOUT = 5.0
SIGNING_KEY_TYPES = ("RSA", "EC", "OKP")

JWK = dict[str, Any]


class KeysUnavailable(AuthenticationError):
    """No signing keys could be had from the authorization server: tokens cannot be checked now."""

    retry_after = RETRY_AFTER_FAILURE


class KeySet:
    """The signing keys of ``issuer`` (from ``jwks_url``, else its metadata), by ``kid``."""

    def __init__(
        self,
        issuer: str,
        jwks_url: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.issuer = issuer
        self.jwks_url = jwks_url
        self._clock = clock
        self._transport = transport
        self._keys: list[JWK] | None = None
        self._fetched_at = 0.0
        self._failed_at: float | None = None
        self._unknown_key_fetch_at: float | None = None
        self._generation = 0  # counts fetch attempts, so waiters know one ended meanwhile
        self._lock = anyio.Lock()
        self.fetches = 0
        """How many times the key set was requested (for the operator's log and for tests)."""

    async def find(self, kid: str | None) -> JWK | None:
        """The signing key ``kid`` names (or the only one, for a token without ``kid``); ``None`` if unknown.

        Raises :class:`KeysUnavailable` when no keys are held and none can be fetched.
        """
        generation = self._generation
        if self._keys is None or self._clock() - self._fetched_at >= MAX_AGE:
            await self._refresh(
                generation, "they are needed" if self._keys is None else "they are an hour old"
            )
        key = self._lookup(kid)
        if key is None and self._generation == generation and self._may_fetch_for_unknown_key():
            self._unknown_key_fetch_at = self._clock()
            await self._refresh(generation, f"a token names a key they lack ({str(kid)[:64]!r})")
            key = self._lookup(kid)
        return key

    def _may_fetch_for_unknown_key(self) -> bool:
        last = self._unknown_key_fetch_at
        return last is None or self._clock() - last >= UNKNOWN_KEY_INTERVAL

    def _lookup(self, kid: str | None) -> JWK | None:
        keys = self._keys or []
        if kid is None:
            return keys[0] if len(keys) == 1 else None
        return next((key for key in keys if key.get("kid") == kid), None)

    async def _refresh(self, generation: int, reason: str) -> None:
        """Fetch the key set, unless another request did since ``generation``; keep old keys on failure."""
        async with self._lock:
            if self._generation != generation:
                pass  # another request fetched (or failed to) while we waited: use its outcome
            elif self._failed_at is not None and self._clock() - self._failed_at < RETRY_AFTER_FAILURE:
                pass  # the issuer failed a moment ago: do not ask again yet
            else:
                self._generation += 1
                await self._fetch(reason)
        if self._keys is None:
            raise KeysUnavailable(f"the signing keys of {self.issuer} could not be fetched")

    async def _fetch(self, reason: str) -> None:
        self.fetches += 1
        try:
            async with httpx2.AsyncClient(
                timeout=FETCH_TIMEOUT, transport=self._transport, follow_redirects=False
            ) as http:
                url = self.jwks_url or await self._discover(http)
                keys = _signing_keys(await _get_json(http, url))
        except (httpx2.HTTPError, ValueError) as error:
            self._failed_at = self._clock()
            held = (
                "keeping the keys already held"
                if self._keys
                else "requests with a token get 503 until it answers"
            )
            logger.warning("could not fetch the signing keys of %s (%s): %s", self.issuer, error, held)
            return
        self._keys, self._fetched_at, self._failed_at = keys, self._clock(), None
        logger.info("fetched %d signing key(s) from %s because %s", len(keys), url, reason)

    async def _discover(self, http: httpx2.AsyncClient) -> str:
        """The ``jwks_uri`` of the issuer's metadata (remembered once found)."""
        problems = []
        for url in metadata_urls(self.issuer):
            try:
                metadata = await _get_json(http, url)
            except (httpx2.HTTPError, ValueError) as error:
                problems.append(f"{url}: {error}")
                continue
            if metadata.get("issuer") != self.issuer:
                problems.append(f"{url} names the issuer {str(metadata.get('issuer'))[:200]!r}")
                continue
            jwks_uri = metadata.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                problems.append(f"{url} has no jwks_uri")
                continue
            self.jwks_url = check_url(jwks_uri, f"the jwks_uri of {url}", "https://login.example.com/keys")
            return self.jwks_url
        raise ValueError("no usable metadata: " + "; ".join(problems))


async def _get_json(http: httpx2.AsyncClient, url: str) -> dict[str, Any]:
    response = await http.get(url, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise ValueError(f"HTTP {response.status_code} from {url}")
    document = response.json()
    if not isinstance(document, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return document


def _signing_keys(jwks: dict[str, Any]) -> list[JWK]:
    """The keys of a JWKS meant for signatures, of a type we verify with."""
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        raise ValueError("the key set has no 'keys' list")
    return [
        key
        for key in keys
        if isinstance(key, dict) and key.get("kty") in SIGNING_KEY_TYPES and key.get("use", "sig") == "sig"
    ]
