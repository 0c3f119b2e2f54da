"""The stand-in's side of how hosts sign a user in: dynamic client registration (RFC 7591) and
the authorization-code grant with PKCE (S256) bound to a resource (RFC 8707).

There is no login page: the authorization endpoint signs in :data:`USER` at once and
redirects back with a code, so a test can play the browser with one HTTP request. Everything a
real authorization server checks on the way is checked: the registered redirect URI, the PKCE
verifier, one use per code, and the same ``resource`` at both ends.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

__all__ = ["USER", "Pending", "SignIn"]

USER = "alice"
Form = Mapping[str, list[str]]


def _one(form: Form, name: str) -> str:
    return form.get(name, [""])[0]


@dataclass(frozen=True)
class Pending:
    """An authorization code not yet exchanged: what it was issued for."""

    client_id: str
    redirect_uri: str
    challenge: str
    resource: str
    scopes: tuple[str, ...]


@dataclass
class SignIn:
    """Registered clients (id -> redirect URIs) and the codes issued to them."""

    scopes: tuple[str, ...]
    clients: dict[str, tuple[str, ...]] = field(default_factory=dict)
    codes: dict[str, Pending] = field(default_factory=dict)

    def register(self, body: Mapping[str, Any]) -> tuple[int, object]:
        """RFC 7591: a public client (no secret) for the redirect URIs asked for."""
        uris = body.get("redirect_uris")
        if not isinstance(uris, list) or not uris:
            return 400, {"error": "invalid_redirect_uri", "error_description": "send redirect_uris"}
        client_id = f"dcr-{secrets.token_hex(8)}"
        self.clients[client_id] = tuple(str(uri) for uri in uris)
        return 201, {**body, "client_id": client_id, "token_endpoint_auth_method": "none"}

    def authorize(self, query: Form) -> tuple[int, object]:
        """Sign :data:`USER` in and redirect back with a code (the document is the ``Location``)."""
        client_id, redirect_uri = _one(query, "client_id"), _one(query, "redirect_uri")
        if redirect_uri not in self.clients.get(client_id, ()):
            return 400, {"error": "invalid_request", "error_description": "unknown client or redirect_uri"}
        if _one(query, "response_type") != "code" or _one(query, "code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "response_type code with S256 PKCE"}
        asked = _one(query, "scope").split() or list(self.scopes)
        code = secrets.token_urlsafe(24)
        self.codes[code] = Pending(
            client_id,
            redirect_uri,
            _one(query, "code_challenge"),
            _one(query, "resource"),
            tuple(scope for scope in asked if scope in self.scopes),
        )
        return 302, f"{redirect_uri}?{urlencode({'code': code, 'state': _one(query, 'state')})}"

    def exchange(self, form: Form, mint: Callable[[Pending], str]) -> tuple[int, object]:
        """The ``authorization_code`` grant: the code once, its client, redirect URI, verifier, resource."""
        pending = self.codes.pop(_one(form, "code"), None)
        verifier = _one(form, "code_verifier").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if (
            pending is None
            or pending.client_id != _one(form, "client_id")
            or pending.redirect_uri != _one(form, "redirect_uri")
            or not secrets.compare_digest(pending.challenge, challenge)
        ):
            return 400, {"error": "invalid_grant"}
        if not pending.resource or _one(form, "resource") != pending.resource:
            return 400, {
                "error": "invalid_target",
                "error_description": "the same resource (RFC 8707) both times",
            }
        token = mint(pending)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": " ".join(pending.scopes),
        }
