"""Schema version 4: each attachment's object as JSON (``attachments.body``), written with the row
by the store, filled in by the upgrade, and spelled by the SQL function ``attachment_body`` for a
row an older version writes, is byte for byte what ``orjson.dumps(attachment_object(...))``
gives, so a list page joined from those bytes is the page the dicts would have made.

Ids are the store's own (letters and digits), but a database may hold anything a version-1 client
wrote: ids needing JSON escapes are held to the same bytes too."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.objects import attachment_object
from mcp_assistant_files.backend.pagination import page_dict
from mcp_assistant_files.backend.schema import MIGRATIONS
from mcp_assistant_files.backend.store.pg_schema import migrate
from mcp_assistant_files.backend.store.sql import Conn, drive
from tests.stores import KINDS, Kind, database, postgres_marks, run_sql

ASSISTANT = 'asst_"quoted"\\back\nline'
FILE_IDS = [
    "file-plain0123456789abcdefgh",
    'file-"quoted"',
    "file-back\\slash/solidus",
    "file-" + "".join(chr(c) for c in range(1, 32)),  # every control character but NUL
    "file-\x7f-é-😀-\u2028\u2029-</script>-'",
]
GONE = "file-detached"
CREATED_AT = 1_764_570_000

#: Text PostgreSQL and SQLite both hold: no NUL, no lone surrogate.
TEXT = st.text(st.characters(min_codepoint=1, exclude_categories=["Cs"]), max_size=40)


def _sqlite_v3(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for statements in MIGRATIONS[:3]:
            conn.executescript(statements)
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO assistants (id, created_at, model, tools, metadata) VALUES (?, ?, 'gpt-4', '[]', '{}')",
            (ASSISTANT, CREATED_AT),
        )
        conn.executemany(
            "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
            " VALUES (?, ?, 'a.txt', 'assistants', 1, x'00')",
            [(file_id, CREATED_AT) for file_id in [*FILE_IDS[:3], GONE]],
        )
        conn.executemany(
            "INSERT INTO attachments (assistant_id, file_id, created_at, deleted_at) VALUES (?, ?, ?, ?)",
            _attachment_rows(),
        )
        conn.commit()


def _postgres_v3(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn, upto=3)
        conn.execute(
            "INSERT INTO assistants (id, created_at, model, tools, metadata) VALUES (%s, %s, 'gpt-4', '[]', '{}')",
            (ASSISTANT, CREATED_AT),
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO files (id, created_at, filename, purpose, bytes) VALUES (%s, %s, 'a.txt', 'assistants', 1)",
                [(file_id, CREATED_AT) for file_id in [*FILE_IDS[:3], GONE]],
            )
            cur.executemany(
                "INSERT INTO attachments (assistant_id, file_id, created_at, deleted_at) VALUES (%s, %s, %s, %s)",
                _attachment_rows(),
            )


def _attachment_rows() -> list[tuple[str, str, int, int | None]]:
    live = [(ASSISTANT, file_id, CREATED_AT + n, None) for n, file_id in enumerate(FILE_IDS[:3])]
    return [*live, (ASSISTANT, GONE, CREATED_AT + 3, CREATED_AT + 4)]


@contextmanager
def _version_3_database(kind: Kind, tmp_path: Path) -> Iterator[str]:
    """A database of ``kind`` at schema version 3 holding attachments of escaped ids."""
    with database(kind, tmp_path) as target:
        if kind == "sqlite":
            _sqlite_v3(Path(target))
        else:
            _postgres_v3(target)
        yield target


def _expected_page(file_ids: Sequence[str], *, has_more: bool = False) -> dict[str, Any]:
    objects = [attachment_object(ASSISTANT, f, CREATED_AT + FILE_IDS.index(f)) for f in file_ids]
    return page_dict(objects, has_more=has_more)


def _missing_bodies(store: Store) -> int:
    """How many attachments, live or detached, have no stored ``body``."""

    async def count(conn: Conn) -> int:
        row = await conn.one("SELECT count(*) FROM attachments WHERE body IS NULL")
        assert row is not None
        return int(row[0])

    return drive(store.core.runner.read(count))


@pytest.mark.parametrize("kind", KINDS)
def test_an_upgraded_database_lists_the_bytes_its_objects_encode_to(kind: Kind, tmp_path: Path) -> None:
    """Rows written before version 4, and rows a version-3 writer adds after it, list as the
    bytes orjson gives their objects; a tombstone stays out."""
    with _version_3_database(kind, tmp_path) as target, Store.open(target) as store:
        assert _missing_bodies(store) == 0  # the upgrade wrote them; the listing need not spell any
        assert store.list_attachments_json(ASSISTANT, order="asc") == orjson.dumps(
            _expected_page(FILE_IDS[:3])
        )
        # A process still running version 3's code inserts without knowing of ``body``.
        for n, file_id in enumerate(FILE_IDS[3:], start=3):
            run_sql(
                store,
                "INSERT INTO files (id, created_at, filename, purpose, bytes) VALUES (?, ?, 'a.txt', 'assistants', 1)"
                if store.is_postgres
                else "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
                " VALUES (?, ?, 'a.txt', 'assistants', 1, x'00')",
                [(file_id, CREATED_AT)],
            )
            run_sql(
                store,
                "INSERT INTO attachments (assistant_id, file_id, created_at) VALUES (?, ?, ?)",
                [(ASSISTANT, file_id, CREATED_AT + n)],
            )
        assert _missing_bodies(store) == 2  # the version-3 writer's rows: the listing spells them
        assert store.list_attachments_json(ASSISTANT, order="asc") == orjson.dumps(_expected_page(FILE_IDS))
        second = store.list_attachments_json(ASSISTANT, order="desc", limit=2, after=FILE_IDS[3])
        assert second == orjson.dumps(_expected_page(FILE_IDS[2:0:-1], has_more=True))
        assert store.list_attachments(ASSISTANT, order="asc", limit=1)["data"] == [
            attachment_object(ASSISTANT, FILE_IDS[0], CREATED_AT)
        ]


@pytest.mark.parametrize("kind", KINDS)
def test_attaching_detaching_and_reattaching_keep_the_listed_bytes_those_of_the_object(
    kind: Kind, tmp_path: Path
) -> None:
    with database(kind, tmp_path) as target, Store.open(target) as store:
        assistant = store.create_assistant()["id"]
        files = [store.create_file(f"{n}.txt", b"x", "assistants")["id"] for n in range(3)]
        attached = [store.attach(assistant, file_id) for file_id in files]
        store.seed_attachments(store.create_assistant()["id"], 2)
        assert _missing_bodies(store) == 0  # attach and seeding write each row's body
        store.detach(assistant, files[1])
        assert store.list_attachments_json(assistant, order="asc") == orjson.dumps(
            page_dict([attached[0], attached[2]], has_more=False)
        )
        assert store.attach(assistant, files[1]) == attached[1]  # revived: same object, same place
        assert store.list_attachments_json(assistant, order="asc") == orjson.dumps(
            page_dict(attached, has_more=False)
        )
        assert store.list_attachments_json(assistant, after=files[0]) == orjson.dumps(
            page_dict([], has_more=False)
        )


def test_the_sqlite_schema_needs_none_of_our_functions_and_no_trusted_schema(tmp_path: Path) -> None:
    """Another tool opens the database: without ``attachment_body`` registered, under
    ``trusted_schema=OFF`` (a schema calling a function that is not innocuous, such as
    ``json_object`` in SQLite 3.40, would read as malformed), every table and index reads."""
    path = tmp_path / "db.sqlite3"
    with Store.open(path, max_files_per_assistant=0) as store:
        store.seed_attachments(store.create_assistant()["id"], 3)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA trusted_schema = OFF")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        live = "SELECT count(body) FROM attachments INDEXED BY attachments_live WHERE deleted_at IS NULL"
        assert conn.execute(live).fetchone() == (3,)


def test_a_utf16_sqlite_database_lists_utf8_json(tmp_path: Path) -> None:
    """A database the user created in UTF-16: the stored bodies are UTF-8 bytes all the same."""
    path = tmp_path / "utf16.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA encoding = 'UTF-16le'")
        conn.execute("CREATE TABLE made_by_the_user (x)")
    with Store.open(path) as store:
        assistant = store.create_assistant()["id"]
        attached = store.attach(assistant, store.create_file("é.txt", b"x", "assistants")["id"])
        assert store.list_attachments_json(assistant) == orjson.dumps(page_dict([attached], has_more=False))


@pytest.fixture(scope="module")
def postgres_v4() -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with database("postgres") as url, psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
        yield conn


@pytest.mark.parametrize("_", [pytest.param(None, id="postgres", marks=postgres_marks())])
@settings(max_examples=100, deadline=None)
@given(assistant_id=TEXT, file_id=TEXT, created_at=st.integers(0, 2**53))
def test_postgres_spells_any_attachment_as_orjson_does(
    postgres_v4: psycopg.Connection[tuple[Any, ...]],
    _: None,
    assistant_id: str,
    file_id: str,
    created_at: int,
) -> None:
    row = postgres_v4.execute(
        "SELECT attachment_body(%s, %s, %s)", (assistant_id, file_id, created_at)
    ).fetchone()
    assert row is not None and row[0] == orjson.dumps(attachment_object(assistant_id, file_id, created_at))


@pytest.mark.parametrize("_", [pytest.param(None, id="postgres", marks=postgres_marks())])
def test_postgres_spells_attachments_with_its_own_functions_whatever_a_sessions_path(_: None) -> None:
    """A schema put before ``pg_catalog`` on a session's path, holding its own ``to_json``, does
    not change what ``attachment_body`` writes (the function sets its own ``search_path``)."""
    with database("postgres") as url, psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
        (ours,) = conn.execute("SELECT current_schema()").fetchone() or ("",)
        evil = f"{ours}_evil"
        conn.execute(f"CREATE SCHEMA {evil}".encode())
        try:
            conn.execute(
                f"CREATE FUNCTION {evil}.to_json(text) RETURNS json LANGUAGE sql AS $$ SELECT '\"pwned\"'::json $$".encode()
            )
            conn.execute(f"SET search_path = {evil}, {ours}, pg_catalog".encode())
            (body,) = conn.execute("SELECT attachment_body('asst_a', 'file-b', 7)").fetchone() or (b"",)
            (shadowed,) = conn.execute("SELECT to_json('x'::text)::text").fetchone() or ("",)
        finally:
            conn.execute(f"DROP SCHEMA {evil} CASCADE".encode())
    assert shadowed == '"pwned"'  # the session's path does reach the other to_json
    assert body == orjson.dumps(attachment_object("asst_a", "file-b", 7))
