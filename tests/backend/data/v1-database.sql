-- A v1 (schema version 1) database written by mcp_assistant_files at commit ff6aaf5, dumped
-- with sqlite3's iterdump: an assistant with one live and one detached file, and a batch file.
BEGIN TRANSACTION;
CREATE TABLE assistants (
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
INSERT INTO "assistants" VALUES(1,'asst_Y2VZHZfsy8oyaKZnpggt12my',1795991308,'kept',NULL,'gpt-4',NULL,'[]','{"team": "docs"}');
CREATE TABLE attachments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    assistant_id TEXT NOT NULL REFERENCES assistants(id),
    file_id TEXT NOT NULL REFERENCES files(id),
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    UNIQUE (assistant_id, file_id)
);
INSERT INTO "attachments" VALUES(1,'asst_Y2VZHZfsy8oyaKZnpggt12my','file-foVpVHMvit38if1GQWtCvam6',1795991308,NULL);
INSERT INTO "attachments" VALUES(2,'asst_Y2VZHZfsy8oyaKZnpggt12my','file-YRqJavEERybNqbF7RPmS91cZ',1795991308,1795991308);
CREATE TABLE files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    data BLOB NOT NULL
);
INSERT INTO "files" VALUES(1,'file-foVpVHMvit38if1GQWtCvam6',1795991308,'notes.txt','assistants',9,X'68656C6C6F2076310A');
INSERT INTO "files" VALUES(2,'file-YRqJavEERybNqbF7RPmS91cZ',1795991308,'gone.txt','assistants',8,X'6465746163686564');
INSERT INTO "files" VALUES(3,'file-Twyh9IYKn70uyd50T3CpDDxl',1795991308,'batch.jsonl','batch',3,X'7B7D0A');
CREATE INDEX attachments_live
    ON attachments (assistant_id, seq) WHERE deleted_at IS NULL;
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('assistants',1);
INSERT INTO "sqlite_sequence" VALUES('files',3);
INSERT INTO "sqlite_sequence" VALUES('attachments',2);
PRAGMA user_version = 1;
COMMIT;
