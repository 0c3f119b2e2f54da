"""A stand-in authorization server on loopback, laid out as Keycloak lays out a realm.

Its issuer is ``http://127.0.0.1:PORT/realms/test``; it publishes OpenID Connect Discovery at
``{issuer}/.well-known/openid-configuration`` only (so discovery must walk past the RFC 8414
forms, as it must for Keycloak), its key set at ``{issuer}/protocol/openid-connect/certs`` (each
fetch counted), a token endpoint for the ``client_credentials`` grant that binds the token
to the RFC 8707 ``resource`` asked for, and what hosts use to sign a user in: registration and
the authorization-code grant with PKCE (:mod:`.signin`). Keys are made when it is made: an RSA key (RS256) first,
and :meth:`Authority.rotate` publishes an EC one (ES256) beside it.

Tests also mint tokens directly (:meth:`Authority.token`) and forge the bad ones a resource
server must refuse (:func:`forge`: ``alg: none``, HS256 keyed with the public key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .signin import USER, Pending, SignIn

__all__ = ["CLIENTS", "Authority", "SigningKey", "b64", "forge", "running_authority"]

REALM = "/realms/test"
CERTS = "/protocol/openid-connect/certs"
TOKEN = "/protocol/openid-connect/token"
AUTHORIZE = "/protocol/openid-connect/auth"
REGISTER = "/clients-registrations/openid-connect"
ALL_SCOPES = ("files:read", "files:write")
# client id -> (secret, the scopes it may be granted)
CLIENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mcp-host": ("host-secret", ALL_SCOPES),
    "reader": ("reader-secret", ("files:read",)),
}


def b64(data: bytes) -> str:
    """Base64url without padding, as JOSE writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """A private key and how the key set publishes its public half."""

    kid: str
    alg: str
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    @classmethod
    def rsa(cls, kid: str) -> SigningKey:
        return cls(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def ec(cls, kid: str) -> SigningKey:
        return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))

    @property
    def public_pem(self) -> bytes:
        """The public key in PEM: what an attacker "signs" HS256 tokens with."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def jwk(self) -> dict[str, Any]:
        """The public JWK (no ``alg``: the resource server decides what fits the key type)."""
        public = jwt.get_algorithm_by_name(self.alg).to_jwk(self.private.public_key(), as_dict=True)
        assert isinstance(public, dict)
        return {**public, "kid": self.kid, "use": "sig"}


def forge(header: Mapping[str, Any], claims: Mapping[str, Any], secret: bytes | None) -> str:
    """A JWS built by hand: signed with HMAC-SHA256 keyed by ``secret``, or with no signature at all."""
    signing_input = f"{b64(json.dumps(dict(header)).encode())}.{b64(json.dumps(dict(claims)).encode())}"
    signature = b"" if secret is None else hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


@dataclass
class Authority:
    """The stand-in's state: its keys (the first signs by default), clients, and counters."""

    keys: list[SigningKey] = field(default_factory=lambda: [SigningKey.rsa("rsa-1")])
    port: int = 0
    jwks_fetches: int = 0
    tokens_issued: int = 0
    requests: list[str] = field(default_factory=list)
    """``METHOD path`` of every request served, in order."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    signin: SignIn = field(default_factory=lambda: SignIn(ALL_SCOPES))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.base}{REALM}"

    @property
    def metadata(self) -> dict[str, Any]:
        """OpenID Connect Discovery, with what RFC 8414 requires (the SDK's client checks it)."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}{AUTHORIZE}",
            "token_endpoint": f"{self.issuer}{TOKEN}",
            "registration_endpoint": f"{self.issuer}{REGISTER}",
            "jwks_uri": f"{self.issuer}{CERTS}",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "scopes_supported": list(ALL_SCOPES),
        }

    def rotate(self) -> SigningKey:
        """Publish a new (EC) key beside the others and sign with it from now on."""
        key = SigningKey.ec(f"ec-{len(self.keys) + 1}")
        with self.lock:
            self.keys.insert(0, key)
        return key

    def claims(
        self,
        audience: str,
        *,
        scopes: Sequence[str] = ALL_SCOPES,
        subject: str = "user-1",
        lifetime: float = 300.0,
        **overrides: Any,
    ) -> dict[str, Any]:
        """The claims of a good access token for ``audience``; ``overrides`` replace (or with None, drop) some."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "sub": subject,
            "azp": "mcp-host",
            "scope": " ".join(scopes),
            "iat": now,
            "exp": int(now + lifetime),
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self, audience: str, *, key: SigningKey | None = None, kid: str | None = None, **claims: Any
    ) -> str:
        """A signed access token (by default with the newest key, naming it)."""
        key = key or self.keys[0]
        headers = {"kid": kid or key.kid, "typ": "at+jwt"}
        return jwt.encode(self.claims(audience, **claims), key.private, algorithm=key.alg, headers=headers)

    def answer(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> tuple[int, object]:
        """The status and JSON body for one request (for a 302, the ``Location``)."""
        path, query = urlsplit(target).path, urlsplit(target).query
        with self.lock:
            self.requests.append(f"{method} {path}")
        if method == "GET" and path == f"{REALM}{AUTHORIZE}":
            with self.lock:
                return self.signin.authorize(parse_qs(query))
        if method == "POST" and path == f"{REALM}{REGISTER}":
            with self.lock:
                return self.signin.register(json.loads(body or b"{}"))
        if method == "GET" and path == f"{REALM}/.well-known/openid-configuration":
            return 200, self.metadata
        if method == "GET" and path == f"{REALM}{CERTS}":
            with self.lock:
                self.jwks_fetches += 1
                return 200, {"keys": [key.jwk for key in self.keys]}
        if method == "POST" and path == f"{REALM}{TOKEN}":
            form = parse_qs(body.decode())
            if form.get("grant_type") == ["authorization_code"]:
                with self.lock:
                    return self.signin.exchange(form, self._signed_in)
            return self.grant(headers, form)
        return 404, {"error": "not_found"}

    def _signed_in(self, pending: Pending) -> str:
        """The token for a code: :data:`~.signin.USER`'s, for the resource and scopes it was issued for."""
        self.tokens_issued += 1  # the caller holds the lock
        return self.token(pending.resource, scopes=pending.scopes, subject=USER, azp=pending.client_id)

    def grant(self, headers: Mapping[str, str], form: dict[str, list[str]]) -> tuple[int, object]:
        """The ``client_credentials`` grant: the scopes asked for that the client may have, for ``resource``."""
        client_id, secret = _client_credentials(headers, form)
        known = CLIENTS.get(client_id)
        if known is None or not hmac.compare_digest(known[0], secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != ["client_credentials"]:
            return 400, {"error": "unsupported_grant_type"}
        resource = form.get("resource", [""])[0]
        if not resource:
            return 400, {"error": "invalid_target", "error_description": "send the resource (RFC 8707)"}
        asked = form.get("scope", [" ".join(known[1])])[0].split()
        granted = [scope for scope in asked if scope in known[1]]
        with self.lock:
            self.tokens_issued += 1
        token = self.token(resource, scopes=granted, subject=f"service-account-{client_id}", azp=client_id)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": " ".join(granted),
        }


def _client_credentials(headers: Mapping[str, str], form: dict[str, list[str]]) -> tuple[str, str]:
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return unquote(user), unquote(password)
    return form.get("client_id", [""])[0], form.get("client_secret", [""])[0]


class _Handler(BaseHTTPRequestHandler):
    authority: Authority
    disable_nagle_algorithm = True  # else each keep-alive answer waits for a delayed ACK

    def _respond(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, document = self.authority.answer(method, self.path, headers, body)
        payload = json.dumps(document).encode() if status != 302 else b""
        self.send_response(status)
        if status == 302:
            self.send_header("Location", str(document))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._respond("GET")

    def do_POST(self) -> None:
        self._respond("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running_authority(authority: Authority | None = None) -> Iterator[Authority]:
    """Serve ``authority`` (a new one by default) on a loopback port in a thread, for the block."""
    authority = authority or Authority()
    handler = type("Handler", (_Handler,), {"authority": authority})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    authority.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="authority", daemon=True)
    thread.start()
    try:
        yield authority
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
