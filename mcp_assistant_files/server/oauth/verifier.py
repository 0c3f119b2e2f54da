"""Access tokens checked as the SDK's ``TokenVerifier``: signed JWTs from the issuer, or the static token.

A JWT passes when all of these hold (PyJWT does the signature and claim work):

- its ``alg`` is asymmetric and fits the key it names: RS*/PS* for an RSA key, ES256/384/512 for
  an EC key on P-256/384/521, EdDSA for an OKP key, and the key's own ``alg`` if it has one. So
  ``none`` never passes, nor an HMAC "signed" with a public key as its secret;
- the signature verifies with that key, from the issuer's key set (:class:`~.keys.KeySet`);
- ``iss`` is the issuer, ``aud`` names the audience (this server), ``exp`` is present; ``nbf``
  and ``iat`` are not in the future (with :data:`~.settings.DEFAULT_LEEWAY` of skew); the SDK's
  bearer backend refuses it once ``exp`` has passed.

Its scopes are ``scope`` (space-separated, RFC 9068) or ``scp`` (a string or a list, as Okta and
Entra ID write them). The static ``MCP_ASSISTANT_FILES_AUTH_TOKEN``, when set too, is accepted
as a token holding every scope. A refused token is logged with the reason, never the token.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from typing import Any

import jwt
from mcp.server.auth.provider import AccessToken

from .keys import JWK, KeySet
from .settings import ResourceServer

__all__ = ["ASYMMETRIC_ALGORITHMS", "JwtVerifier", "StaticTokenOr", "fits"]

logger = logging.getLogger("mcp_assistant_files.oauth")

_RSA = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
_EC = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
ASYMMETRIC_ALGORITHMS = frozenset((*_RSA, *_EC.values(), "EdDSA"))
STATIC_CLIENT = "static-token"  # the principal of the static token, for sessions it opens


def fits(key: JWK, alg: str) -> bool:
    """Whether a token signed with ``alg`` may be checked with ``key``."""
    if alg not in ASYMMETRIC_ALGORITHMS or key.get("alg", alg) != alg:
        return False
    kind = key.get("kty")
    if kind == "RSA":
        return alg in _RSA
    if kind == "EC":
        return _EC.get(str(key.get("crv"))) == alg
    return kind == "OKP" and alg == "EdDSA" and key.get("crv") in ("Ed25519", "Ed448")


class _Refused(Exception):
    """Why a token is not accepted (logged, never shown with the token)."""


class JwtVerifier:
    """Checks JWT access tokens issued for ``resource`` by its issuer, with ``keys``."""

    def __init__(self, resource: ResourceServer, keys: KeySet) -> None:
        self.resource = resource
        self.keys = keys

    async def verify_token(self, token: str) -> AccessToken | None:
        """The token's grant, or ``None`` (a 401) if it does not pass; ``KeysUnavailable`` if uncheckable."""
        try:
            claims = await self._claims(token)
        except _Refused as refused:
            logger.info("refused an access token: %s", refused)
            return None
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id") or claims.get("azp") or claims.get("sub") or "unknown"),
            scopes=_scopes(claims),
            expires_at=int(claims["exp"]),
            resource=self.resource.audience,
            subject=str(claims["sub"]) if "sub" in claims else None,
            claims={"iss": claims["iss"]},
        )

    async def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _Refused("it is not a JWT") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ASYMMETRIC_ALGORITHMS:
            raise _Refused(f"its algorithm {str(alg)[:20]!r} is not an accepted asymmetric one")
        if kid is not None and not isinstance(kid, str):
            raise _Refused("its kid is not a string")
        key = await self.keys.find(kid)
        if key is None:
            raise _Refused(f"it names a key the issuer does not publish ({str(kid)[:64]!r})")
        if not fits(key, alg):
            raise _Refused(f"its algorithm {alg} does not fit the {key.get('kty')} key it names")
        try:
            return jwt.decode(
                token,
                key=jwt.PyJWK(key, algorithm=alg),
                algorithms=[alg],
                audience=self.resource.audiences,
                issuer=self.resource.issuer,
                leeway=self.resource.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise _Refused(str(error) or type(error).__name__) from None


def _scopes(claims: dict[str, Any]) -> list[str]:
    granted = claims.get("scope", claims.get("scp", ""))
    if isinstance(granted, str):
        return granted.split()
    return [str(scope) for scope in granted] if isinstance(granted, list) else []


class StaticTokenOr:
    """``MCP_ASSISTANT_FILES_AUTH_TOKEN`` (every scope), else what ``verifier`` says of the token."""

    def __init__(self, static_token: str, scopes: Sequence[str], verifier: JwtVerifier) -> None:
        self._static = static_token.encode()
        self._scopes = list(scopes)
        self._verifier = verifier

    async def verify_token(self, token: str) -> AccessToken | None:
        """The static token's grant if it is that token, else the verifier's answer."""
        if hmac.compare_digest(token.strip().encode("latin-1"), self._static):
            return AccessToken(
                token=token,
                client_id=STATIC_CLIENT,
                scopes=self._scopes,
                resource=self._verifier.resource.audience,
            )
        return await self._verifier.verify_token(token)
