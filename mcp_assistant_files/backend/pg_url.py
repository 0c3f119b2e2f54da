"""PostgreSQL connection URLs: telling them from file paths, and hiding their passwords.

Imports nothing of psycopg, so SQLite users never pay for loading it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["is_postgres_url", "password_of", "redacted"]

_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(_SCHEMES)


def password_of(url: str) -> str | None:
    """The password in a connection URL (in its user part or its query), if any."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    return parts.password or query.get("password") or None


def redacted(url: str) -> str:
    """The URL with its password replaced by ``***``: what logs and errors show."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = urlencode([(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="/:")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
