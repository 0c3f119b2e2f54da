"""The database schema, as numbered migrations recorded in SQLite's ``user_version``.

Version 1 is the v1 assistant-files layout: assistants, files (bytes inline, last column so
listings never read them) and attachments. Version 2 adds file deletion (``files.deleted_at``),
parsed texts, vector stores, their files and file batches. Version 3 makes the index of live
attachments cover their list pages. Version 4 stores each attachment's object as JSON
(``body``) and adds it to that index. A database is upgraded in place,
in one transaction, by running the migrations it has not seen; its data is kept.

``seq`` columns are autoincrement keys assigned inside the writing transaction, so they are a
strict total order that several processes agree on; ``created_at`` is kept non-decreasing
along ``seq`` (``db.next_timestamp``), so ordering by ``seq`` is ordering by
``(created_at, seq)``. Deleted rows keep their ``seq`` (``deleted_at`` is set): a cursor naming
one still has a position.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_V1 = """
CREATE TABLE IF NOT EXISTS assistants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    name TEXT,
    description TEXT,
    model TEXT NOT NULL,
    instructions TEXT,
    tools TEXT NOT NULL,
    metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    assistant_id TEXT NOT NULL REFERENCES assistants(id),
    file_id TEXT NOT NULL REFERENCES files(id),
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    UNIQUE (assistant_id, file_id)
);
CREATE INDEX IF NOT EXISTS attachments_live
    ON attachments (assistant_id, seq) WHERE deleted_at IS NULL;
"""

_V2 = """
ALTER TABLE files ADD COLUMN deleted_at INTEGER;
CREATE TABLE file_texts (
    file_id TEXT PRIMARY KEY REFERENCES files(id),
    text TEXT NOT NULL,
    utf8_bytes INTEGER NOT NULL
);
CREATE TABLE vector_stores (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    metadata TEXT NOT NULL,
    expires_after_days INTEGER,
    last_active_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE TABLE vector_store_file_batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    vector_store_id TEXT NOT NULL REFERENCES vector_stores(id),
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER
);
CREATE TABLE vector_store_files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    vector_store_id TEXT NOT NULL REFERENCES vector_stores(id),
    file_id TEXT NOT NULL REFERENCES files(id),
    created_at INTEGER NOT NULL,
    batch_id TEXT,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    usage_bytes INTEGER NOT NULL,
    error_code TEXT,
    error_message TEXT,
    max_chunk_size_tokens INTEGER NOT NULL,
    chunk_overlap_tokens INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    deleted_at INTEGER,
    UNIQUE (vector_store_id, file_id)
);
CREATE INDEX vector_store_files_live
    ON vector_store_files (vector_store_id, seq) WHERE deleted_at IS NULL;
CREATE INDEX vector_store_files_counts
    ON vector_store_files (vector_store_id, status, usage_bytes) WHERE deleted_at IS NULL;
CREATE INDEX vector_store_files_batch
    ON vector_store_files (batch_id, status) WHERE deleted_at IS NULL;
CREATE INDEX vector_store_files_pending
    ON vector_store_files (seq) WHERE status = 'in_progress' AND deleted_at IS NULL;
CREATE INDEX vector_store_files_of_file ON vector_store_files (file_id);
CREATE INDEX attachments_of_file ON attachments (file_id);
"""

# Version 3: a list page of attachments reads the index alone (its columns cover the query), with
# no lookup of each row in the table.
_V3 = """
DROP INDEX attachments_live;
CREATE INDEX attachments_live
    ON attachments (assistant_id, seq, file_id, created_at, deleted_at) WHERE deleted_at IS NULL;
"""

# Version 4: each attachment keeps its object's JSON (``body``), written with the row by
# ``objects.attachment_body`` (also the SQL function of that name, :func:`..db.add_functions`,
# that fills the rows written before), and the index of live attachments covers it, so a list
# page joins bytes (see ``store.attachments``). A row an older version's process writes has no
# body: the listing spells it then (``coalesce``), from the row's columns, also in the index.
_V4 = """
DROP INDEX attachments_live;
ALTER TABLE attachments ADD COLUMN body BLOB;
UPDATE attachments SET body = attachment_body(assistant_id, file_id, created_at);
CREATE INDEX attachments_live ON attachments (assistant_id, seq, file_id, created_at, body, deleted_at)
    WHERE deleted_at IS NULL;
"""

#: Statements of each schema version, run in order from the database's ``user_version`` up.
MIGRATIONS: Final = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION: Final = len(MIGRATIONS)
