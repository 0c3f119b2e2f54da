"""Both stores for the tests: SQLite, and PostgreSQL when a server is reachable.

Each PostgreSQL test gets a schema of its own in the database ``$DATABASE_URL`` names (the URL
carries ``options=-csearch_path=...``), dropped afterwards. Without a reachable server the
PostgreSQL cases skip and say how to get one; under ``CI`` they fail instead.
"""

from __future__ import annotations

import functools
import os
import secrets
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import psycopg
import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.store.sql import drive

__all__ = [
    "KINDS",
    "PG_HOW",
    "Kind",
    "database",
    "open_kind",
    "postgres_marks",
    "postgres_url",
    "run_sql",
]

Kind = Literal["sqlite", "postgres"]
PG_ENV = "DATABASE_URL"
PG_HOW = (
    f"PostgreSQL is not reachable at ${PG_ENV}: start one with `. .ci/postgres.sh && ci_pg_start` "
    f"(it exports {PG_ENV}), or set {PG_ENV} to a postgresql:// URL whose role may create schemas"
)


@functools.cache
def postgres_url() -> str | None:
    """``$DATABASE_URL`` if a server answers there (asked once per run), else ``None``."""
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return None
    return url


def postgres_marks() -> list[pytest.MarkDecorator]:
    """Skip (fail under CI) when no PostgreSQL server is reachable."""
    if postgres_url() is not None:
        return []
    if os.environ.get("CI"):
        return []  # CI starts a server: the cases run, and fail saying why if it is not there
    return [pytest.mark.skip(reason=PG_HOW)]


#: ``@pytest.mark.parametrize("kind", KINDS)`` (or a fixture's ``params``): both stores.
KINDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=postgres_marks())]


@contextmanager
def _schema() -> Iterator[str]:
    url = postgres_url()
    assert url is not None, PG_HOW
    name = "t_" + secrets.token_hex(6)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}".encode())
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE".encode())


@contextmanager
def database(kind: Kind, tmp_path: Path | None = None, *, name: str = "backend.sqlite3") -> Iterator[str]:
    """A fresh database of ``kind``: a file in ``tmp_path`` (``:memory:`` without one), or a schema."""
    if kind == "postgres":
        with _schema() as url:
            yield url
        return
    yield str(tmp_path / name) if tmp_path is not None else ":memory:"


@contextmanager
def open_kind(
    kind: Kind, tmp_path: Path | None = None, *, max_files_per_assistant: int = 20
) -> Iterator[Store]:
    """A :class:`Store` on a fresh database of ``kind``, closed afterwards."""
    with (
        database(kind, tmp_path) as target,
        Store.open(target, max_files_per_assistant=max_files_per_assistant) as store,
    ):
        yield store


def run_sql(store: Store, sql: str, rows: Iterable[Sequence[object]] = ((),)) -> None:
    """Run one statement per parameter row in one write transaction (``?`` placeholders)."""

    batch = list(rows)
    drive(store.core.runner.write(lambda conn: conn.many(sql, batch)))


ROOT = Path(__file__).resolve().parents[1]


def server_control_reason() -> str | None:
    """Why the tests cannot stop and start the PostgreSQL server, or ``None`` if they can.

    They control only the cluster ``.ci/postgres.sh`` made in this checkout (its URL in ``.ci/pg/url``).
    """
    url_file = ROOT / ".ci" / "pg" / "url"
    if postgres_url() is None:
        return PG_HOW
    if not url_file.exists() or url_file.read_text().strip() != postgres_url():
        return "the PostgreSQL server at $DATABASE_URL was not started by .ci/postgres.sh here: it is not restarted"
    return None


def pg_ctl(action: str) -> None:
    """``ci_pg_<action>`` of ``.ci/postgres.sh`` (``stop``, ``start``, ``restart immediate``)."""
    subprocess.run(
        ["bash", "-c", f". .ci/postgres.sh && ci_pg_{action}"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )
